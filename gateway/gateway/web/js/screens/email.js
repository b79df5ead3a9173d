// The e-mail the one-time password goes to.
import { api } from "../api.js";
import { handleActivationError, otpFromResponse } from "../flow.js";
import { go, register } from "../router.js";
import { isValidEmail } from "../rules.js";
import { session, update } from "../store.js";
import { authCard, backToLoginButton, field, h, setFieldError, withBusy } from "../ui.js";
import { backToLogin } from "./common.js";

export const INVALID_EMAIL = "รูปแบบอีเมลไม่ถูกต้อง";

register("email", (main) => {
  const email = field({
    id: "email",
    label: "อีเมล",
    type: "email",
    inputmode: "email",
    autocomplete: "email",
    autocapitalize: "none",
    spellcheck: "false",
    placeholder: "name@example.com",
    hint: "ระบบจะส่งรหัส OTP 6 หลักไปยังอีเมลนี้",
  });
  const submit = h("button", { type: "submit", id: "email-submit", class: "btn btn-primary btn-block", text: "ยืนยัน" });
  const form = h("form", { id: "email-form", novalidate: true }, email.wrap, submit);
  const show = (message) => setFieldError(email.input, email.error, message);

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = email.input.value.trim();
    if (!isValidEmail(value)) {
      show(INVALID_EMAIL);
      email.input.focus();
      return;
    }
    show("");
    await withBusy(submit, async () => {
      try {
        const data = await api("POST", "/api/v1/auth/activation/email", {
          body: { activation_token: session().activationToken, email: value },
        });
        update({ otp: otpFromResponse(data) });
        go("otp");
      } catch (err) {
        handleActivationError(err, (message) => {
          show(message);
          email.input.focus();
        });
      }
    });
  });

  main.append(
    authCard(
      "กรุณาระบุข้อมูล",
      "เพื่อใช้ในการยืนยันตัวตน",
      form,
      h("p", { class: "center" }, backToLoginButton(backToLogin)),
    ),
  );
  return "ระบุอีเมล";
});
