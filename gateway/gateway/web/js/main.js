// Boot: wire the page chrome, then open the screen the session is at (or the sign-in screen).
import { api, setSessionLostHandler } from "./api.js";
import { go } from "./router.js";
import { formatThaiDate, isoDateInBangkok, thaidAnswer } from "./rules.js";
import { clearAll, disablePersistence, session, update } from "./store.js";
import { showNotice, wireDialogs } from "./ui.js";
import "./screens/login.js";
import "./screens/citizen-id.js";
import "./screens/thaid-return.js";
import "./screens/identity.js";
import "./screens/email.js";
import "./screens/otp.js";
import "./screens/password.js";
import "./screens/profile.js";
import { PREVIEW_USER } from "./screens/home.js";

function paintToday() {
  const el = document.getElementById("today-be");
  const now = new Date();
  el.textContent = formatThaiDate(now);
  el.setAttribute("datetime", isoDateInBangkok(now));
}

function wireMenu() {
  for (const button of document.querySelectorAll("#main-menu [data-menu]")) {
    button.addEventListener("click", () => {
      if (button.dataset.menu === "home") go("home");
      else showNotice(button.textContent.trim(), "อยู่ระหว่างพัฒนา");
    });
  }
  document.getElementById("logout").addEventListener("click", async (event) => {
    const button = event.currentTarget;
    button.disabled = true;
    try {
      // the session ends on this side whatever the server answers
      await api("POST", "/api/v1/auth/logout", {
        auth: true,
        endSessionOn401: false,
        body: { refresh_token: session().refreshToken },
      });
    } catch {
      // already signed out, or offline: nothing more to do
    } finally {
      button.disabled = false;
      clearAll();
      go("login", { notice: "ออกจากระบบเรียบร้อยแล้ว" });
    }
  });
}

// ?screen=otp and friends: look at a screen with sample data, without a server and without
// touching the real session. Normal use never has this parameter.
const PREVIEWS = {
  login: {},
  "citizen-id": { activationToken: "preview" },
  identity: {
    activationToken: "preview",
    identityTyped: true,
    identity: { citizen_id: "1231567891234", first_name: "กนชาย", last_name: "ใจดี" },
  },
  email: { activationToken: "preview" },
  otp: () => ({
    activationToken: "preview",
    otp: { ref: "E00152", maskedEmail: "xxxple@gmail.com", expiresAt: Date.now() + 300000, resendAt: Date.now() + 60000 },
  }),
  password: { activationToken: "preview" },
  profile: { profilePrefill: { citizen_id: "1231567891234", first_name: "กนชาย", last_name: "ใจดี" } },
  home: { user: PREVIEW_USER },
};

function startPreview(name) {
  disablePersistence();
  clearAll();
  const data = PREVIEWS[name];
  update(typeof data === "function" ? data() : data);
  document.getElementById("preview-banner").hidden = false;
  go(name, { preview: true });
}

function boot() {
  paintToday();
  setInterval(paintToday, 60000); // a page left open over midnight shows the new day
  wireDialogs();
  wireMenu();
  setSessionLostHandler((message) => go("login", { notice: message }));

  const wanted = new URLSearchParams(window.location.search).get("screen");
  if (wanted && Object.hasOwn(PREVIEWS, wanted)) return startPreview(wanted);

  if (window.location.pathname === "/thaid/callback") {
    const answer = thaidAnswer(window.location.search);
    // The code is good once: a reload must not send it again.
    window.history.replaceState(null, "", "/");
    if (answer && session().activationToken) return go("thaid-return", answer);
  }

  const s = session();
  if (s.accessToken) return go(s.screen === "profile" ? "profile" : "home");
  const activation = ["citizen-id", "identity", "email", "otp", "password"];
  if (s.activationToken && activation.includes(s.screen)) return go(s.screen);
  clearAll();
  go("login");
}

boot();
