// New password: the manual's five rules, ticked while typing; the server has the last word.
import { api } from "../api.js";
import { handleActivationError, storeTokens } from "../flow.js";
import { go, register } from "../router.js";
import { PASSWORD_RULES, passwordChecks } from "../rules.js";
import { session, update } from "../store.js";
import { authCard, backToLoginButton, field, h, setFieldError, withBusy } from "../ui.js";
import { backToLogin } from "./common.js";

register("password", (main) => {
  const pw = field({ id: "new-password", label: "รหัสผ่านใหม่", type: "password", autocomplete: "new-password" });
  const confirm = field({ id: "confirm-password", label: "ยืนยันรหัสผ่านใหม่", type: "password", autocomplete: "new-password" });
  pw.input.setAttribute("aria-describedby", `password-rules ${pw.input.getAttribute("aria-describedby")}`);

  const items = new Map();
  const rulesList = h("ul", { id: "password-rules", class: "rules", "aria-label": "ข้อกำหนดการตั้งรหัสผ่าน" });
  for (const [key, text] of PASSWORD_RULES) {
    const state = h("span", { class: "visually-hidden rule-state" });
    const li = h("li", { id: `rule-${key}`, class: "rule", "data-rule": key, "data-met": "false" }, h("span", { class: "rule-icon", "aria-hidden": "true" }), text, state);
    items.set(key, { li, state });
    rulesList.append(li);
  }
  const showBox = h("input", { type: "checkbox", id: "show-password" });
  const showToggle = h("label", { class: "checkbox", for: "show-password" }, showBox, " แสดงรหัสผ่าน");
  showBox.addEventListener("change", () => {
    const type = showBox.checked ? "text" : "password";
    pw.input.type = type;
    confirm.input.type = type;
  });

  const error = h("p", { class: "form-error", id: "password-error", role: "alert", "aria-live": "assertive" });
  const submit = h("button", { type: "submit", id: "password-submit", class: "btn btn-primary btn-block", text: "ยืนยัน" });

  function paintRules(violated = []) {
    const checks = passwordChecks(pw.input.value);
    for (const [key, { li, state }] of items) {
      li.dataset.met = String(checks[key]);
      li.toggleAttribute("data-violated", violated.includes(key));
      state.textContent = checks[key] ? " (ผ่าน)" : " (ยังไม่ผ่าน)";
    }
  }
  paintRules();
  pw.input.addEventListener("input", () => paintRules());
  confirm.input.addEventListener("input", () => setFieldError(confirm.input, confirm.error, ""));

  const form = h(
    "form",
    { id: "password-form", novalidate: true },
    error,
    pw.wrap,
    h("div", { class: "rules-box" }, h("p", { class: "rules-title", text: "รหัสผ่านต้องเป็นไปตามข้อกำหนด ดังนี้" }), rulesList),
    confirm.wrap,
    showToggle,
    submit,
  );

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    setFieldError(pw.input, pw.error, "");
    setFieldError(confirm.input, confirm.error, "");
    if (!pw.input.value) {
      setFieldError(pw.input, pw.error, "กรุณากรอกรหัสผ่านใหม่");
      return pw.input.focus();
    }
    if (confirm.input.value !== pw.input.value) {
      setFieldError(confirm.input, confirm.error, "รหัสผ่านใหม่และยืนยันรหัสผ่านใหม่ไม่ตรงกัน");
      return confirm.input.focus();
    }
    await withBusy(submit, async () => {
      try {
        const data = await api("POST", "/api/v1/auth/activation/password", {
          body: { activation_token: session().activationToken, new_password: pw.input.value },
        });
        storeTokens(data);
        // the ThaiD identity pre-fills the profile; nothing else of the activation is needed now
        update({ activationToken: undefined, otp: undefined, profilePrefill: session().identity ?? null });
        go(data.next_step === "profile" ? "profile" : "home");
      } catch (err) {
        handleActivationError(err, (message) => {
          error.textContent = message;
          const violations = Array.isArray(err.details?.violations) ? err.details.violations : [];
          paintRules(violations);
          pw.input.focus();
        });
      }
    });
  });

  main.append(
    authCard("ตั้งรหัสผ่านใหม่", "กรุณาตั้งรหัสผ่านใหม่ให้ตรงตามข้อกำหนดการตั้งรหัสผ่าน", form, h("p", { class: "center" }, backToLoginButton(backToLogin))),
  );
  return "ตั้งรหัสผ่านใหม่";
});
