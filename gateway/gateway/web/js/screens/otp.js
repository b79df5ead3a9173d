// "ยืนยันรหัส OTP": masked address, reference, 5-minute countdown, resend after 1 minute.
import { api } from "../api.js";
import { handleActivationError, otpFromResponse } from "../flow.js";
import { go, register } from "../router.js";
import { formatCountdown } from "../rules.js";
import { session, update } from "../store.js";
import { authCard, backToLoginButton, field, h, setFieldError, statusLine, withBusy } from "../ui.js";
import { backToLogin } from "./common.js";

export const OTP_EXPIRED = "รหัส OTP หมดเวลา กรุณาตรวจสอบอีเมลหรือกดส่งรหัส OTP อีกครั้ง";

register("otp", (main, { onCleanup }) => {
  const masked = h("strong", { id: "otp-masked-email" });
  const ref = h("span", { id: "otp-ref" });
  const countdown = h("span", { id: "otp-countdown", class: "countdown" });
  const timerLine = h("p", { id: "otp-timer-line" }, "รหัส OTP จะหมดเวลา ภายใน ", countdown, " นาที");
  const code = field({
    id: "otp",
    label: "รหัส OTP",
    inputmode: "numeric",
    autocomplete: "one-time-code",
    maxlength: "6",
    pattern: "[0-9]*",
    placeholder: "กรุณากรอกรหัส OTP",
  });
  const status = statusLine("otp-status");
  const submit = h("button", { type: "submit", id: "otp-submit", class: "btn btn-primary btn-block", text: "ยืนยัน" });
  const resend = h("button", { type: "button", id: "otp-resend", class: "btn btn-secondary", text: "ส่งรหัส OTP อีกครั้ง" });
  const resendBlock = h(
    "div",
    { id: "otp-resend-block", class: "resend", hidden: true },
    h("p", { text: "ยังไม่ได้รับ OTP กรุณากดส่งรหัส OTP อีกครั้ง" }),
    resend,
  );
  const form = h("form", { id: "otp-form", novalidate: true }, code.wrap, submit);
  const show = (message) => setFieldError(code.input, code.error, message);

  let expiredShown = false;
  let forceResend = false;

  function paint() {
    const otp = session().otp ?? {};
    masked.textContent = otp.maskedEmail ?? "";
    ref.textContent = otp.ref ?? "";
  }

  // Driven by wall-clock deadlines, not by counting ticks: background tabs tick late.
  function tick() {
    const otp = session().otp ?? {};
    const now = Date.now();
    const left = ((otp.expiresAt ?? now) - now) / 1000;
    countdown.textContent = formatCountdown(left);
    if (left <= 0 && !expiredShown) {
      expiredShown = true;
      forceResend = true;
      timerLine.classList.add("expired");
      show(OTP_EXPIRED);
    }
    resendBlock.hidden = !(forceResend || now >= (otp.resendAt ?? Infinity));
  }

  paint();
  tick();
  const timer = setInterval(tick, 250);
  onCleanup(() => clearInterval(timer));

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const value = code.input.value.trim();
    if (!/^\d{6}$/.test(value)) {
      show("กรุณากรอกรหัส OTP 6 หลัก");
      code.input.focus();
      return;
    }
    show("");
    status.textContent = "";
    await withBusy(submit, async () => {
      try {
        const data = await api("POST", "/api/v1/auth/activation/otp", {
          body: { activation_token: session().activationToken, otp: value },
        });
        update({ otp: undefined });
        go(data.next_step === "password" || !data.next_step ? "password" : data.next_step);
      } catch (err) {
        handleActivationError(err, (message) => {
          if (err.code === "otp_expired") {
            expiredShown = true;
            forceResend = true; // the server says this code is dead: a new one must be asked for
            timerLine.classList.add("expired");
          }
          if (err.code === "otp_attempts_exceeded") forceResend = true;
          tick();
          show(message);
          code.input.select();
          code.input.focus();
        });
      }
    });
  });

  resend.addEventListener("click", () =>
    withBusy(resend, async () => {
      status.textContent = "";
      try {
        const data = await api("POST", "/api/v1/auth/activation/otp/resend", {
          body: { activation_token: session().activationToken },
        });
        update({ otp: otpFromResponse(data) });
        expiredShown = false;
        forceResend = false;
        timerLine.classList.remove("expired");
        show("");
        code.input.value = "";
        paint();
        tick();
        status.textContent = "ส่งรหัส OTP ใหม่ไปที่อีเมลแล้ว กรุณาใช้รหัสที่ได้รับล่าสุด";
        code.input.focus();
      } catch (err) {
        handleActivationError(err, show);
      }
    }),
  );

  main.append(
    authCard(
      "ยืนยันรหัส OTP",
      null,
      h(
        "div",
        { class: "otp-info" },
        h("p", {}, "รหัส OTP จะถูกส่งไปที่ อีเมล ", masked),
        h("p", { class: "muted", text: "กรุณาตรวจสอบกล่องจดหมายเข้า หรือ กล่องจดหมายขยะของท่าน" }),
        h("p", { id: "otp-ref-line", class: "otp-ref" }, "เลขอ้างอิง : ", ref),
        timerLine,
      ),
      status,
      form,
      resendBlock,
      h("p", { class: "center" }, backToLoginButton(backToLogin)),
    ),
  );
  return "ยืนยันรหัส OTP";
});
