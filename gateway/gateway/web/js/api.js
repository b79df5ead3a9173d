// JSON calls to the gateway on the same origin. Every failure becomes an ApiError with a
// Thai `message` the screens can show as is.
import { clearAll, session, update } from "./store.js";

export const MESSAGES = {
  network:
    "ไม่สามารถติดต่อระบบได้ กรุณาตรวจสอบการเชื่อมต่ออินเทอร์เน็ตแล้วลองใหม่อีกครั้ง",
  timeout: "ระบบไม่ตอบสนองภายในเวลาที่กำหนด กรุณาลองใหม่อีกครั้ง",
  unavailable: "ระบบไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่อีกครั้งในภายหลัง",
  server: "เกิดข้อผิดพลาดในระบบ กรุณาลองใหม่อีกครั้ง",
  sessionExpired: "หมดเวลาการใช้งาน กรุณาเข้าสู่ระบบอีกครั้ง",
};

const TIMEOUT_MS = 20000;

export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.status = status;
    this.code = code;
    this.details = details ?? {};
  }
}

let onSessionLost = () => {};

/** Called (with a Thai message) when an authenticated call answers 401 for good. */
export function setSessionLostHandler(fn) {
  onSessionLost = fn;
}

async function send(method, path, body, token) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (token) headers.Authorization = `Bearer ${token}`;
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), TIMEOUT_MS);
  try {
    const res = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: abort.signal,
      credentials: "same-origin",
      cache: "no-store",
    });
    let data = null;
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        data = null; // a proxy's HTML error page, for instance
      }
    }
    return { res, data };
  } catch (err) {
    const timedOut = err?.name === "AbortError";
    throw new ApiError(0, timedOut ? "timeout" : "network_error", timedOut ? MESSAGES.timeout : MESSAGES.network);
  } finally {
    clearTimeout(timer);
  }
}

function toError(res, data) {
  const e = data && typeof data === "object" ? data.error : null;
  if (e && typeof e.message === "string" && e.message) {
    return new ApiError(res.status, e.code ?? "error", e.message, e.details);
  }
  if (res.status === 503 || res.status === 502 || res.status === 504) {
    return new ApiError(res.status, "service_unavailable", MESSAGES.unavailable);
  }
  return new ApiError(res.status, `http_${res.status}`, MESSAGES.server);
}

async function refreshTokens() {
  const { refreshToken } = session();
  if (!refreshToken) return false;
  try {
    const { res, data } = await send("POST", "/api/v1/auth/refresh", { refresh_token: refreshToken });
    if (!res.ok || !data?.access_token) return false;
    update({ accessToken: data.access_token, refreshToken: data.refresh_token ?? refreshToken });
    return true;
  } catch {
    return false;
  }
}

/**
 * Call the API. `auth: true` sends the bearer token; a 401 then tries one token refresh and,
 * failing that, ends the session and hands over to the sign-in screen.
 */
export async function api(method, path, { body, auth = false, endSessionOn401 = true } = {}) {
  let { res, data } = await send(method, path, body, auth ? session().accessToken : null);
  if (auth && endSessionOn401 && res.status === 401 && (await refreshTokens())) {
    ({ res, data } = await send(method, path, body, session().accessToken));
  }
  if (res.ok) return data ?? {};
  const error = toError(res, data);
  if (auth && endSessionOn401 && res.status === 401) {
    error.sessionLost = true; // the screen is already gone: callers should not show it
    clearAll();
    onSessionLost(MESSAGES.sessionExpired);
  }
  throw error;
}

/** GET /healthz answers 503 with the same body naming what is down, so read both. */
export async function getHealth() {
  const { res, data } = await send("GET", "/healthz");
  if (data && typeof data === "object" && "status" in data) return { httpStatus: res.status, ...data };
  throw toError(res, data);
}
