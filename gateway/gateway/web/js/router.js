// One <main id="screen" data-screen="..."> at a time. go() tears down the old screen's timers,
// builds the new one and moves focus to it.
import { update } from "./store.js";

const screens = new Map();
let cleanups = [];

// Steps a reload may resume (they need the activation token or tokens kept in the session).
const RESUMABLE = new Set(["citizen-id", "identity", "email", "otp", "password", "profile", "home"]);

/** render(main, ctx): fill `main`; ctx = {params, onCleanup(fn)}; returns the page title. */
export function register(name, render) {
  screens.set(name, render);
}

export function go(name, params = {}) {
  for (const fn of cleanups.splice(0)) {
    try {
      fn();
    } catch {
      // a failed cleanup must not stop navigation
    }
  }
  const render = screens.get(name);
  if (!render) throw new Error(`unknown screen ${name}`);
  update({ screen: RESUMABLE.has(name) ? name : undefined });

  const main = document.createElement("main");
  main.id = "screen";
  main.className = `screen screen-${name}`;
  main.dataset.screen = name;
  main.tabIndex = -1;
  const title = render(main, { params, onCleanup: (fn) => cleanups.push(fn) });

  document.body.dataset.signedIn = name === "home" ? "true" : "false";
  for (const id of ["session-bar", "main-menu"]) {
    const el = document.getElementById(id);
    if (el) el.hidden = name !== "home";
  }
  document.getElementById("screen").replaceWith(main);
  document.title = title ? `${title} | ระบบบัญชีคอมพิวเตอร์ อปท. (New e-LAAS)` : "New e-LAAS";
  const target =
    main.querySelector("[autofocus]") ??
    main.querySelector("input:not([disabled]):not([type=hidden]):not([type=checkbox])") ??
    main.querySelector("h1") ??
    main;
  target.focus();
  window.scrollTo(0, 0);
}
