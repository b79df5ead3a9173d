// Where the activation goes next, from the server's `next_step`.
import { go } from "./router.js";
import { clearActivation, update } from "./store.js";

/** next_step from the API → our screen. "email" with a ThaiD identity shows it first. */
export function goToStep(nextStep, identity) {
  switch (nextStep) {
    case "citizen_id":
      return go("citizen-id");
    case "email":
      return identity ? go("identity") : go("email");
    case "otp":
      return go("otp");
    case "password":
      return go("password");
    case "profile":
      return go("profile");
    default:
      return go("home");
  }
}

/** Keep the OTP's deadlines as wall-clock times so a reload or a sleeping tab stays right. */
export function otpFromResponse(data) {
  const now = Date.now();
  return {
    ref: data.otp_ref ?? "",
    maskedEmail: data.masked_email ?? "",
    expiresAt: now + Number(data.expires_in ?? 300) * 1000,
    resendAt: now + Number(data.resend_after ?? 60) * 1000,
  };
}

/** An activation call that answers 401 means the activation token is gone: start again. */
export function handleActivationError(err, show) {
  if (err.status === 401) {
    clearActivation();
    go("login", { notice: err.message });
    return;
  }
  show(err.message);
}

/** Real ThaiD (OIDC): the user proves who they are on ThaiD's own pages, which send them back
 *  to /thaid/callback. `from` is the screen to return to if ThaiD says no. */
export function sendToThaid(authorizationUrl, from) {
  update({ screen: undefined, thaidFrom: from });
  window.location.assign(authorizationUrl);
}

export function storeTokens(data) {
  update({ accessToken: data.access_token, refreshToken: data.refresh_token });
}
