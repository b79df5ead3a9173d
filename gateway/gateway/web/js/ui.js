// Small DOM helpers. Text from the server only ever goes in through textContent.

/**
 * h("p", {class: "x", id: "y", onClick: fn, "aria-live": "polite"}, "text", child, ...)
 * `text` sets textContent; on* props add listeners; booleans set/remove the attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props ?? {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key === "text") el.textContent = value;
    else if (key === "class") el.className = value;
    else if (key.startsWith("on") && typeof value === "function") {
      el.addEventListener(key.slice(2).toLowerCase(), value);
    } else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** The card every sign-in step sits in: department name, title, subtitle, body. */
export function authCard(title, subtitle, ...body) {
  return h(
    "section",
    { class: "auth-card", "aria-labelledby": "screen-title" },
    h("p", { class: "auth-org", text: "กรมส่งเสริมการปกครองท้องถิ่น" }),
    h("h1", { id: "screen-title", tabindex: "-1", text: title }),
    subtitle ? h("p", { class: "auth-subtitle", text: subtitle }) : null,
    ...body,
  );
}

/**
 * A labelled input with its own error line, linked for screen readers.
 * Returns {wrap, input, error}.
 */
export function field({ id, label, required = true, hint, ...attrs }) {
  const error = h("p", { class: "field-error", id: `${id}-error`, "aria-live": "polite" });
  const hintEl = hint ? h("p", { class: "field-hint", id: `${id}-hint`, text: hint }) : null;
  const input = h("input", {
    id,
    name: id,
    class: "input",
    required,
    "aria-required": required ? "true" : null,
    "aria-describedby": [hintEl ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" "),
    ...attrs,
  });
  const wrap = h(
    "div",
    { class: "field" },
    h("label", { for: id }, label, required ? h("span", { class: "req", "aria-hidden": "true", text: "*" }) : null),
    input,
    hintEl,
    error,
  );
  return { wrap, input, error };
}

export function setFieldError(input, error, message) {
  error.textContent = message ?? "";
  if (message) input.setAttribute("aria-invalid", "true");
  else input.removeAttribute("aria-invalid");
}

/** A form-level message line: role=alert so it is read out when it appears. */
export function alertLine(id) {
  return h("p", { class: "form-error", id, role: "alert", "aria-live": "assertive" });
}

export function statusLine(id) {
  return h("p", { class: "form-status", id, role: "status", "aria-live": "polite" });
}

export function backToLoginButton(onClick) {
  return h("button", { type: "button", class: "link-button", id: "back-to-login", text: "กลับหน้า Login", onClick });
}

/** Run an async action with the button disabled, so a double click sends one request. */
export async function withBusy(button, action) {
  if (button.disabled) return;
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    await action();
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}

let lastFocus = null;

// returnTo: where focus goes after closing; the button that opened it may be disabled by then.
function openDialog(dialog, title, message, returnTo) {
  dialog.querySelector("[data-dialog-title]").textContent = title;
  dialog.querySelector("[data-dialog-message]").textContent = message;
  lastFocus = returnTo ?? document.activeElement;
  if (typeof dialog.showModal === "function") {
    if (!dialog.open) dialog.showModal();
  } else {
    dialog.setAttribute("open", "");
  }
  dialog.querySelector("button")?.focus();
}

export function wireDialogs() {
  for (const dialog of document.querySelectorAll("dialog")) {
    dialog.querySelector("button")?.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      if (lastFocus && document.contains(lastFocus)) lastFocus.focus();
      lastFocus = null;
    });
  }
}

/** Short inline reminder left on the form after the ThaiD pop-up is closed. */
export const THAID_INLINE = "ยังไม่ได้ลงทะเบียน ThaiD จึงไม่สามารถดำเนินการต่อได้";

/** The ThaiD pop-up of the login manual; the message is the server's text. */
export function showThaidDialog(message, returnTo) {
  openDialog(document.getElementById("thaid-dialog"), "ไม่สามารถดำเนินการต่อได้", message, returnTo);
}

/** A plain notice, e.g. a menu that is not built yet. */
export function showNotice(title, message, returnTo) {
  openDialog(document.getElementById("notice-dialog"), title, message, returnTo);
}
