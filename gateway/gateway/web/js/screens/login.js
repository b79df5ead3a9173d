// Step 1 of the login manual: username and password, button "เข้าสู่ระบบ".
import { api } from "../api.js";
import { goToStep, sendToThaid, storeTokens } from "../flow.js";
import { go, register } from "../router.js";
import { clearAll, update } from "../store.js";
import {
  alertLine,
  field,
  h,
  setFieldError,
  showNotice,
  showThaidDialog,
  statusLine,
  THAID_INLINE,
  withBusy,
} from "../ui.js";

register("login", (main, { params }) => {
  const username = field({
    id: "login-username",
    label: "ชื่อผู้ใช้งาน",
    autocomplete: "username",
    autocapitalize: "none",
    spellcheck: "false",
  });
  const password = field({
    id: "login-password",
    label: "รหัสผ่าน",
    type: "password",
    autocomplete: "current-password",
  });
  const error = alertLine("login-error");
  const info = statusLine("login-info");
  if (params.notice) info.textContent = params.notice;
  const submit = h("button", { type: "submit", id: "login-submit", class: "btn btn-primary btn-block", text: "เข้าสู่ระบบ" });
  const forgot = h("button", {
    type: "button",
    id: "login-forgot",
    class: "link-button",
    text: "ลืมรหัสผ่าน",
    onClick: () => showNotice("ลืมรหัสผ่าน", "อยู่ระหว่างพัฒนา กรุณาติดต่อหัวหน้าหน่วยงานคลังของหน่วยงานท่าน"),
  });

  const form = h("form", { id: "login-form", novalidate: true }, info, error, username.wrap, password.wrap, submit, h("p", { class: "center" }, forgot));
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    info.textContent = "";
    const u = username.input.value.trim();
    const p = password.input.value;
    setFieldError(username.input, username.error, u ? "" : "กรุณากรอกชื่อผู้ใช้งาน");
    setFieldError(password.input, password.error, p ? "" : "กรุณากรอกรหัสผ่าน");
    if (!u) return username.input.focus();
    if (!p) return password.input.focus();

    await withBusy(submit, async () => {
      try {
        clearAll(); // a new sign-in starts from nothing
        const data = await api("POST", "/api/v1/auth/login", { body: { username: u, password: p } });
        if (data.status === "authenticated") {
          storeTokens(data);
          update({ user: data.user ?? null });
          go("home");
          return;
        }
        if (data.status === "activation_required") {
          update({ activationToken: data.activation_token, identity: data.identity ?? null, identityTyped: false });
          if (data.authorization_url) sendToThaid(data.authorization_url, "login");
          else goToStep(data.next_step, data.identity);
          return;
        }
        error.textContent = "เกิดข้อผิดพลาดในระบบ กรุณาลองใหม่อีกครั้ง";
      } catch (err) {
        error.textContent = err.code === "thaid_not_registered" ? THAID_INLINE : err.message;
        if (err.code === "thaid_not_registered") showThaidDialog(err.message, username.input);
        if (err.code === "invalid_credentials") {
          password.input.value = "";
          password.input.focus();
        }
      }
    });
  });

  const card = h(
    "section",
    { class: "auth-card", "aria-labelledby": "screen-title" },
    h("p", { class: "auth-org", text: "กรมส่งเสริมการปกครองท้องถิ่น" }),
    h("h1", { id: "screen-title", tabindex: "-1", text: "กรุณาลงชื่อเข้าใช้เพื่อเข้าสู่ระบบ" }),
    form,
  );
  const aside = h(
    "aside",
    { class: "auth-aside", "aria-labelledby": "first-use-title" },
    h("h2", { id: "first-use-title", text: "การเข้าใช้งานครั้งแรก" }),
    h(
      "ol",
      { class: "steps" },
      h("li", { text: "เข้าสู่ระบบด้วยชื่อผู้ใช้งานและรหัสผ่านที่ได้รับ" }),
      h("li", { text: "ยืนยันตัวตนผ่านระบบ ThaiD ด้วยเลขประจำตัวประชาชน 13 หลัก" }),
      h("li", { text: "ระบุอีเมลเพื่อรับรหัสผ่านชั่วคราว (OTP) 6 หลัก" }),
      h("li", { text: "ยืนยันรหัส OTP และตั้งรหัสผ่านใหม่" }),
    ),
    h(
      "p",
      { class: "note" },
      "ผู้ใช้งานขององค์กรปกครองส่วนท้องถิ่น: ชื่อผู้ใช้คือชื่อผู้ใช้จากระบบเดิม รหัสผ่านครั้งแรกคือเลขประจำตัวประชาชนตามด้วย ",
      h("code", { text: "Laas#" }),
      " เช่น ",
      h("code", { text: "1111111111111Laas#" }),
    ),
  );
  main.append(h("div", { class: "auth-layout" }, card, aside));
  return "เข้าสู่ระบบ";
});
