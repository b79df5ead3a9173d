// Back from the real ThaiD (OIDC): hand what ThaiD sent to the server, then go on to the
// identity it confirmed, or back to where the user left with ThaiD's refusal.
import { api } from "../api.js";
import { goToStep } from "../flow.js";
import { go, register } from "../router.js";
import { session, update } from "../store.js";
import { authCard, h, showThaidDialog, statusLine } from "../ui.js";

register("thaid-return", (main, { params }) => {
  const status = statusLine("thaid-return-status");
  status.textContent = "กำลังตรวจสอบข้อมูลกับระบบ ThaiD กรุณารอสักครู่";
  main.append(authCard("ยืนยันตัวตนผ่าน ThaiD", "", status));

  const from = session().thaidFrom === "citizen-id" ? "citizen-id" : "login";
  api("POST", "/api/v1/auth/activation/thaid/callback", {
    body: { activation_token: session().activationToken, ...params },
  })
    .then((data) => {
      update({ identity: data.identity, thaidFrom: undefined });
      goToStep(data.next_step, data.identity);
    })
    .catch((err) => {
      update({ thaidFrom: undefined });
      if (err.status === 401 || from === "login") {
        go("login", { notice: err.message });
        if (err.code === "thaid_not_registered") showThaidDialog(err.message);
        return;
      }
      go("citizen-id", { error: err.message });
    });
  return "ยืนยันตัวตนผ่าน ThaiD";
});
