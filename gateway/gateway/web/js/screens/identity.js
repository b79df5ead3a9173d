// The identity ThaiD returned: citizen ID, first name, last name; then on to the e-mail.
import { go, register } from "../router.js";
import { session } from "../store.js";
import { authCard, backToLoginButton, h } from "../ui.js";
import { backToLogin } from "./common.js";

register("identity", (main) => {
  const identity = session().identity ?? {};
  const row = (label, id, value) => h("div", { class: "kv" }, h("dt", { text: label }), h("dd", { id, text: value ?? "-" }));
  const list = h(
    "dl",
    { class: "kv-list", id: "identity-details" },
    row("เลขประจำตัวประชาชน 13 หลัก", "identity-citizen-id", identity.citizen_id),
    row("ชื่อ", "identity-first-name", identity.first_name),
    row("นามสกุล", "identity-last-name", identity.last_name),
  );
  const next = h("button", {
    type: "button",
    id: "identity-continue",
    class: "btn btn-primary",
    text: "ยืนยัน",
    onClick: () => go("email"),
  });
  // Only an ID the user typed can be corrected; an ID on file is the unit's to change.
  const edit = session().identityTyped
    ? h("button", { type: "button", id: "identity-edit", class: "btn btn-secondary", text: "แก้ไข", onClick: () => go("citizen-id") })
    : null;

  main.append(
    authCard(
      "ข้อมูลส่วนตัว",
      "ข้อมูลจากระบบ ThaiD กรุณาตรวจสอบความถูกต้องก่อนดำเนินการต่อ",
      list,
      h("div", { class: "actions" }, next, edit),
      h("p", { class: "center" }, backToLoginButton(backToLogin)),
    ),
  );
  return "ข้อมูลส่วนตัว";
});
