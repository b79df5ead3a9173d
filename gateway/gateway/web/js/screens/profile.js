// Profile after the first password (subordinate units before the cut-over): saved with the user.
import { api } from "../api.js";
import { go, register } from "../router.js";
import { citizenIdProblem, digitsOnly } from "../rules.js";
import { session, update } from "../store.js";
import { alertLine, field, h, setFieldError, withBusy } from "../ui.js";
import { CITIZEN_ID_MESSAGES } from "./citizen-id.js";

const TITLES = ["นาย", "นาง", "นางสาว", "ว่าที่ร้อยตรี", "ว่าที่ร้อยตรีหญิง", "ดร."];

register("profile", (main) => {
  const prefill = session().profilePrefill ?? {};
  const fields = {
    citizen_id: field({ id: "profile-citizen-id", label: "เลขประจำตัวประชาชน", inputmode: "numeric", maxlength: "17", autocomplete: "off" }),
    title: field({ id: "profile-title", label: "คำนำหน้าชื่อ", list: "profile-title-options", autocomplete: "honorific-prefix" }),
    first_name: field({ id: "profile-first-name", label: "ชื่อ", autocomplete: "given-name" }),
    last_name: field({ id: "profile-last-name", label: "นามสกุล", autocomplete: "family-name" }),
    position: field({ id: "profile-position", label: "ตำแหน่ง", autocomplete: "organization-title" }),
    phone: field({ id: "profile-phone", label: "เบอร์โทรศัพท์", type: "tel", inputmode: "tel", autocomplete: "tel", placeholder: "เช่น 0812345678" }),
  };
  for (const key of ["citizen_id", "title", "first_name", "last_name"]) {
    if (prefill[key]) fields[key].input.value = prefill[key];
  }
  const datalist = h("datalist", { id: "profile-title-options" }, ...TITLES.map((t) => h("option", { value: t })));
  const error = alertLine("profile-error");
  const submit = h("button", { type: "submit", id: "profile-submit", class: "btn btn-primary", text: "บันทึก" });
  const form = h(
    "form",
    { id: "profile-form", novalidate: true, class: "grid-form" },
    error,
    fields.citizen_id.wrap,
    fields.title.wrap,
    datalist,
    fields.first_name.wrap,
    fields.last_name.wrap,
    fields.position.wrap,
    fields.phone.wrap,
    h("div", { class: "actions full" }, submit),
  );

  function check() {
    const problems = {};
    for (const [key, f] of Object.entries(fields)) {
      if (!f.input.value.trim()) problems[key] = `กรุณากรอก${f.wrap.querySelector("label").firstChild.textContent}`;
    }
    if (!problems.citizen_id) {
      const p = citizenIdProblem(fields.citizen_id.input.value);
      if (p) problems.citizen_id = CITIZEN_ID_MESSAGES[p];
    }
    if (!problems.phone && !/^0\d{8,9}$/.test(digitsOnly(fields.phone.input.value))) {
      problems.phone = "รูปแบบเบอร์โทรศัพท์ไม่ถูกต้อง";
    }
    return problems;
  }

  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    error.textContent = "";
    const problems = check();
    for (const [key, f] of Object.entries(fields)) setFieldError(f.input, f.error, problems[key] ?? "");
    const first = Object.keys(fields).find((k) => problems[k]);
    if (first) return fields[first].input.focus();

    const body = {
      citizen_id: digitsOnly(fields.citizen_id.input.value),
      title: fields.title.input.value.trim(),
      first_name: fields.first_name.input.value.trim(),
      last_name: fields.last_name.input.value.trim(),
      position: fields.position.input.value.trim(),
      phone: digitsOnly(fields.phone.input.value),
    };
    await withBusy(submit, async () => {
      try {
        await api("PUT", "/api/v1/me/profile", { body, auth: true });
        update({ profilePrefill: undefined });
        go("home");
      } catch (err) {
        if (err.sessionLost) return;
        // point at the field when the server names it, else say it above the form
        const named = err.details?.field ?? Object.keys(err.details?.fields ?? {})[0];
        if (named && fields[named]) {
          error.textContent = "กรุณาตรวจสอบข้อมูลที่ระบุ";
          setFieldError(fields[named].input, fields[named].error, err.message);
          fields[named].input.focus();
        } else {
          error.textContent = err.message;
        }
      }
    });
  });

  main.append(
    h(
      "section",
      { class: "auth-card wide", "aria-labelledby": "screen-title" },
      h("p", { class: "auth-org", text: "กรมส่งเสริมการปกครองท้องถิ่น" }),
      h("h1", { id: "screen-title", tabindex: "-1", text: "ข้อมูลผู้ใช้งาน" }),
      h("p", { class: "auth-subtitle", text: "กรุณากรอกข้อมูลผู้ใช้งานให้ครบถ้วน ข้อมูลจะถูกบันทึกไว้กับบัญชีผู้ใช้งานของท่าน" }),
      form,
    ),
  );
  return "ข้อมูลผู้ใช้งาน";
});
