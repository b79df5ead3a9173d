// หน้าหลัก: who is signed in, system status, work in progress, notifications.
import { api, getHealth } from "../api.js";
import { register } from "../router.js";
import { fiscalYearBE, formatThaiDateTime } from "../rules.js";
import { session, update } from "../store.js";
import { h, withBusy } from "../ui.js";

// Service names as the gateway reports them → what a finance officer calls them.
const SERVICE_NAMES = {
  gateway: "ระบบหน้าบ้าน (Gateway)",
  identity: "ระบบผู้ใช้งานและการยืนยันตัวตน",
  ledger: "ระบบบัญชี",
  budget: "ระบบงบประมาณ",
  assets: "ระบบทรัพย์สิน",
  notify: "ระบบแจ้งเตือน",
  database: "ฐานข้อมูล",
  amqp: "ระบบรับส่งข้อมูลระหว่างบริการ",
  rabbitmq: "ระบบรับส่งข้อมูลระหว่างบริการ",
};

const UNIT_KINDS = {
  department: "กรมส่งเสริมการปกครองท้องถิ่น",
  province_office: "สำนักงานส่งเสริมการปกครองท้องถิ่นจังหวัด",
  lao: "องค์กรปกครองส่วนท้องถิ่น",
  subordinate_unit: "หน่วยงานภายใต้สังกัด",
};

// Used only by the ?screen=home preview, never in normal use.
export const PREVIEW_USER = {
  id: "preview",
  username: "ktb303",
  title: "นาย",
  first_name: "สมหมาย",
  last_name: "ใจดี",
  position: "ผู้อำนวยการกองคลัง",
  unit: { id: "preview", name: "เทศบาลเมืองกระบี่", kind: "lao" },
  groups: [],
  permissions: [],
};

const PREVIEW_NOTIFICATIONS = [
  {
    id: "n1",
    title: "ประกาศอัปเดตระบบ ThaiD",
    body: "ผู้ใช้งานทุกท่านต้องยืนยันตัวตนผ่านระบบ ThaiD ก่อนเข้าใช้งานครั้งแรก",
    created_at: "2024-08-16T09:00:00+07:00",
    read: false,
  },
  { id: "n2", title: "แจ้งกิจกรรมอัปเดต ครั้งที่ 1", body: "", created_at: "2024-09-20T10:30:00+07:00", read: true },
];

function isOk(value) {
  if (value && typeof value === "object") value = value.status;
  return value === "ok" || value === "up" || value === true;
}

function formatDateTime(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  return formatThaiDateTime(d);
}

function displayName(user) {
  const name = [`${user.title ?? ""}${user.first_name ?? ""}`, user.last_name ?? ""].join(" ").trim();
  return name || user.username || "";
}

/** Fill the header's user box (name, position, unit). */
function paintUser(user) {
  document.getElementById("user-name").textContent = displayName(user);
  document.getElementById("user-position").textContent = user.position || "";
  const unit = user.unit ?? {};
  document.getElementById("user-unit").textContent = unit.name || UNIT_KINDS[unit.kind] || "";
}

function card(id, title, ...body) {
  return h(
    "section",
    { class: "card", id, "aria-labelledby": `${id}-title` },
    h("h2", { id: `${id}-title`, text: title }),
    ...body,
  );
}

register("home", (main, { params }) => {
  const preview = Boolean(params.preview);

  // --- the signed-in user
  const welcome = h("p", { id: "welcome", class: "welcome" });
  async function loadUser() {
    const cached = session().user;
    paintUser(cached ?? {}); // never show the previous user's name
    if (cached) {
      paintUser(cached);
      welcome.textContent = `ยินดีต้อนรับ ${displayName(cached)}`;
    }
    if (preview) return;
    try {
      const user = await api("GET", "/api/v1/me", { auth: true });
      update({ user });
      paintUser(user);
      welcome.textContent = `ยินดีต้อนรับ ${displayName(user)}`;
    } catch (err) {
      if (!err.sessionLost) welcome.textContent = `ไม่สามารถโหลดข้อมูลผู้ใช้งานได้: ${err.message}`;
    }
  }

  // --- system status (GET /healthz)
  const statusSummary = h("p", { id: "system-status-summary", class: "status-summary", role: "status", "aria-live": "polite", text: "กำลังตรวจสอบ…" });
  const statusList = h("ul", { id: "system-status-list", class: "status-list" });
  const checkedAt = h("p", { id: "system-status-checked", class: "muted" });
  const refresh = h("button", { type: "button", id: "system-status-refresh", class: "btn btn-secondary btn-small", text: "ตรวจสอบอีกครั้ง" });
  async function loadStatus() {
    statusList.replaceChildren();
    statusSummary.dataset.state = "loading";
    statusSummary.textContent = "กำลังตรวจสอบ…";
    try {
      const health = await getHealth();
      const services = Object.entries(health.services ?? {});
      const down = services.filter(([, v]) => !isOk(v)).map(([k]) => SERVICE_NAMES[k] ?? k);
      const allOk = health.status === "ok" && down.length === 0 && health.httpStatus === 200;
      statusSummary.dataset.state = allOk ? "ok" : "down";
      statusSummary.textContent = allOk
        ? "ระบบทำงานปกติ"
        : `ระบบบางส่วนขัดข้อง${down.length ? `: ${down.join(", ")}` : ""}`;
      for (const [key, value] of services) {
        const ok = isOk(value);
        statusList.append(
          h(
            "li",
            { "data-service": key, "data-state": ok ? "ok" : "down" },
            h("span", { class: "dot", "aria-hidden": "true" }),
            h("span", { class: "svc", text: SERVICE_NAMES[key] ?? key }),
            h("span", { class: "svc-state", text: ok ? "ปกติ" : "ขัดข้อง" }),
          ),
        );
      }
    } catch (err) {
      statusSummary.dataset.state = "down";
      statusSummary.textContent = err.message;
    }
    const now = new Date();
    checkedAt.textContent = `ตรวจสอบล่าสุด ${formatDateTime(now.toISOString())}`;
  }
  refresh.addEventListener("click", () => withBusy(refresh, loadStatus));

  // --- notifications (GET /api/v1/notifications, POST …/{id}/read)
  const unread = h("span", { id: "notifications-unread-count", class: "badge", "aria-label": "" });
  const notifList = h("ul", { id: "notifications-list", class: "notifications" });
  const notifError = h("p", { id: "notifications-error", class: "form-error", role: "alert" });
  const notifEmpty = h("p", { id: "notifications-empty", class: "empty", hidden: true, text: "ไม่มีการแจ้งเตือน" });

  function paintUnread() {
    const n = notifList.querySelectorAll('li[data-read="false"]').length;
    unread.textContent = String(n);
    unread.hidden = n === 0;
    unread.setAttribute("aria-label", `ยังไม่ได้อ่าน ${n} รายการ`);
    notifEmpty.hidden = notifList.children.length > 0;
  }

  function notificationItem(n) {
    const li = h(
      "li",
      { class: "notification", id: `notification-${n.id}`, "data-id": n.id, "data-read": String(Boolean(n.read)) },
      h("p", { class: "notification-title", text: n.title ?? "" }),
      n.body ? h("p", { class: "notification-body", text: n.body }) : null,
      h("p", { class: "muted notification-date", text: formatDateTime(n.created_at) }),
    );
    if (!n.read) {
      const mark = h("button", {
        type: "button",
        class: "btn btn-link btn-small mark-read",
        id: `notification-read-${n.id}`,
        "data-id": n.id,
        "aria-label": `ทำเครื่องหมายว่าอ่านแล้ว: ${n.title ?? ""}`,
        text: "ทำเครื่องหมายว่าอ่านแล้ว",
      });
      mark.addEventListener("click", () =>
        withBusy(mark, async () => {
          notifError.textContent = "";
          try {
            if (!preview) await api("POST", `/api/v1/notifications/${encodeURIComponent(n.id)}/read`, { auth: true });
            li.dataset.read = "true";
            const next = mark.closest("li").nextElementSibling?.querySelector(".mark-read") ?? refresh;
            mark.remove();
            paintUnread();
            next.focus(); // the pressed button is gone: keep the keyboard user in the list
          } catch (err) {
            if (!err.sessionLost) notifError.textContent = err.message;
          }
        }),
      );
      li.append(mark);
    }
    return li;
  }

  async function loadNotifications() {
    notifError.textContent = "";
    try {
      const data = preview ? { items: PREVIEW_NOTIFICATIONS } : await api("GET", "/api/v1/notifications", { auth: true });
      notifList.replaceChildren(...(data.items ?? []).map(notificationItem));
    } catch (err) {
      if (err.sessionLost) return;
      notifError.textContent = err.message;
    }
    paintUnread();
  }

  const fy = fiscalYearBE(new Date());
  main.append(
    h(
      "div",
      { class: "home" },
      h("div", { class: "page-head" }, h("h1", { id: "screen-title", tabindex: "-1", text: "หน้าหลัก" }), welcome),
      h(
        "div",
        { class: "cards" },
        card("notifications", "ข่าวประชาสัมพันธ์และการแจ้งเตือน", h("div", { class: "card-tools" }, unread), notifError, notifList, notifEmpty),
        card(
          "system-status",
          "สถานะการทำงานในระบบ",
          statusSummary,
          statusList,
          h("p", { id: "last-payin-summary", class: "muted", text: "จัดทำใบสำคัญสรุปใบนำส่งเงินล่าสุด: ยังไม่มีข้อมูล" }),
          checkedAt,
          refresh,
        ),
        card("work-in-progress", "งานระหว่างดำเนินการ", h("p", { id: "work-in-progress-empty", class: "empty", text: "ไม่มีงานระหว่างดำเนินการ" })),
        card("inter-unit", `ข้อมูลระหว่างหน่วยงาน ปีงบประมาณ ${fy}`, h("p", { class: "empty", text: "ยังไม่มีข้อมูลระหว่างหน่วยงาน" })),
        card("receipts", "บันทึกการรับเงิน", h("p", { class: "empty", text: "ยังไม่มีบันทึกการรับเงิน" })),
      ),
    ),
  );

  if (preview) update({ user: PREVIEW_USER });
  loadUser();
  loadStatus();
  loadNotifications();
  return "หน้าหลัก";
});
