// ThaiD identity proofing: the 13-digit citizen ID, checked here before the server sees it.
import { api } from "../api.js";
import { handleActivationError, sendToThaid } from "../flow.js";
import { go, register } from "../router.js";
import { citizenIdProblem, digitsOnly } from "../rules.js";
import { session, update } from "../store.js";
import { authCard, backToLoginButton, field, h, setFieldError, showThaidDialog, THAID_INLINE, withBusy } from "../ui.js";
import { backToLogin } from "./common.js";

export const CITIZEN_ID_MESSAGES = {
  empty: "กรุณากรอกเลขประจำตัวประชาชน 13 หลัก",
  length: "เลขประจำตัวประชาชนต้องเป็นตัวเลข 13 หลัก",
  checksum: "เลขประจำตัวประชาชนไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง",
};

register("citizen-id", (main, { params }) => {
  const id = field({
    id: "citizen-id",
    label: "เลขประจำตัวประชาชน 13 หลัก",
    inputmode: "numeric",
    autocomplete: "off",
    maxlength: "17",
    placeholder: "กรอกเลขประจำตัวประชาชน 13 หลัก",
  });
  const typed = session().identity?.citizen_id;
  if (typed && session().identityTyped) id.input.value = typed;
  const submit = h("button", { type: "submit", id: "citizen-id-submit", class: "btn btn-primary btn-block", text: "ยืนยัน" });
  const form = h("form", { id: "citizen-id-form", novalidate: true }, id.wrap, submit);
  const show = (message) => setFieldError(id.input, id.error, message);
  if (params.error) show(params.error); // ThaiD said no (see thaid-return.js)

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const problem = citizenIdProblem(id.input.value);
    if (problem) {
      show(CITIZEN_ID_MESSAGES[problem]);
      id.input.focus();
      return;
    }
    show("");
    await withBusy(submit, async () => {
      try {
        const data = await api("POST", "/api/v1/auth/activation/citizen-id", {
          body: { activation_token: session().activationToken, citizen_id: digitsOnly(id.input.value) },
        });
        if (data.authorization_url) {
          update({ identityTyped: true });
          sendToThaid(data.authorization_url, "citizen-id");
          return;
        }
        update({ identity: data.identity, identityTyped: true });
        go("identity");
      } catch (err) {
        handleActivationError(err, (message) => {
          if (err.code === "thaid_not_registered") {
            show(THAID_INLINE);
            showThaidDialog(message, id.input);
          } else {
            show(message);
          }
        });
      }
    });
  });

  main.append(
    authCard(
      "กรุณาระบุข้อมูล",
      "เพื่อยืนยันข้อมูลให้เป็นที่ถูกต้องและมีความปลอดภัย",
      form,
      h("p", { class: "center" }, backToLoginButton(backToLogin)),
    ),
  );
  return "ยืนยันตัวตนผ่าน ThaiD";
});
