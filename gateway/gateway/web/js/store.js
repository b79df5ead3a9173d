// The client's session state, kept in sessionStorage so a reload resumes the same step.
// Tokens live only for this browser tab; closing it signs the user out of the client.

const KEY = "laas.session.v1";
let persistEnabled = true;

function load() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY)) ?? {};
  } catch {
    return {};
  }
}

const state = load();

function persist() {
  if (!persistEnabled) return;
  try {
    sessionStorage.setItem(KEY, JSON.stringify(state));
  } catch {
    // storage full or disabled: the app still works for this page view
  }
}

/** Debug previews (?screen=...) must not leave anything behind for normal use. */
export function disablePersistence() {
  persistEnabled = false;
}

export function session() {
  return state;
}

export function update(patch) {
  Object.assign(state, patch);
  persist();
}

/** Forget the half-done activation (token, identity, OTP timers). */
export function clearActivation() {
  for (const k of ["activationToken", "identity", "identityTyped", "otp", "nextAfterPassword"]) {
    delete state[k];
  }
  persist();
}

/** Forget everything: sign-out, expired session, "กลับหน้า Login". */
export function clearAll() {
  for (const k of Object.keys(state)) delete state[k];
  persist();
}
