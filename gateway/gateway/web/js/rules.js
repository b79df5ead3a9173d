// Pure rules shared by the screens: no DOM, no network, so they can be tested with node.

/** Digits only: people type the ID with dashes or spaces as printed on the card. */
export function digitsOnly(text) {
  return String(text ?? "").replace(/[\s-]/g, "");
}

/**
 * What is wrong with a citizen ID, or null when it is valid.
 * "empty" | "length" (not 13 digits) | "checksum" (check digit does not match).
 * Check digit: sum = Σ d_i × (14 − i), i = 1..12; d13 = (11 − sum mod 11) mod 10.
 */
export function citizenIdProblem(text) {
  const id = digitsOnly(text);
  if (id === "") return "empty";
  if (!/^\d{13}$/.test(id)) return "length";
  let sum = 0;
  for (let i = 1; i <= 12; i += 1) sum += Number(id[i - 1]) * (14 - i);
  const check = (11 - (sum % 11)) % 10;
  return check === Number(id[12]) ? null : "checksum";
}

// Permissive on purpose: the server has the last word, the client only catches typing slips.
const EMAIL = /^[^\s@]+@[^\s@.]+(\.[^\s@.]+)+$/;

export function isValidEmail(text) {
  return EMAIL.test(String(text ?? "").trim());
}

/** The five rules of the login manual, keyed by the server's violation codes. */
export const PASSWORD_RULES = [
  ["min_length", "มีความยาวตัวอักษรไม่น้อยกว่า 8 หลัก"],
  ["uppercase", "มีอักษรภาษาอังกฤษตัวใหญ่ (Upper Case) อย่างน้อย 1 ตัวอักษร"],
  ["lowercase", "มีอักษรภาษาอังกฤษตัวเล็ก (Lower Case) อย่างน้อย 1 ตัวอักษร"],
  ["digit", "มีตัวเลข (0 - 9) อย่างน้อย 1 ตัว"],
  ["special", "มีอักขระพิเศษอย่างน้อย 1 ตัวอักษร เช่น + - * / $ = , @ เป็นต้น"],
];

export function passwordChecks(password) {
  const p = String(password ?? "");
  return {
    min_length: [...p].length >= 8,
    uppercase: /[A-Z]/.test(p),
    lowercase: /[a-z]/.test(p),
    digit: /[0-9]/.test(p),
    // ASCII punctuation and symbols; Thai letters are not "special characters"
    special: /[!-/:-@[-`{-~]/.test(p),
  };
}

/** Seconds left → "mm:ss", never negative. */
export function formatCountdown(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  const mm = String(Math.floor(s / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return `${mm}:${ss}`;
}

export const THAI_MONTHS = [
  "มกราคม",
  "กุมภาพันธ์",
  "มีนาคม",
  "เมษายน",
  "พฤษภาคม",
  "มิถุนายน",
  "กรกฎาคม",
  "สิงหาคม",
  "กันยายน",
  "ตุลาคม",
  "พฤศจิกายน",
  "ธันวาคม",
];

// Dates are shown as in Thailand whatever the browser's time zone: UTC+7, no daylight saving.
const BANGKOK_OFFSET_MS = 7 * 60 * 60 * 1000;

/** The calendar fields of a moment on a Bangkok clock. */
export function inBangkok(date) {
  const shifted = new Date(date.getTime() + BANGKOK_OFFSET_MS);
  return {
    year: shifted.getUTCFullYear(),
    month: shifted.getUTCMonth(),
    day: shifted.getUTCDate(),
    hours: shifted.getUTCHours(),
    minutes: shifted.getUTCMinutes(),
  };
}

/** A date as users read it: "25 พฤศจิกายน 2569" (BE = CE + 543), on the Bangkok calendar. */
export function formatThaiDate(date) {
  const b = inBangkok(date);
  return `${b.day} ${THAI_MONTHS[b.month]} ${b.year + 543}`;
}

/** "25 พฤศจิกายน 2569 เวลา 14:05 น." on a Bangkok clock. */
export function formatThaiDateTime(date) {
  const b = inBangkok(date);
  const hh = String(b.hours).padStart(2, "0");
  const mm = String(b.minutes).padStart(2, "0");
  return `${formatThaiDate(date)} เวลา ${hh}:${mm} น.`;
}

/** The ISO date (CE) of a moment on the Bangkok calendar. */
export function isoDateInBangkok(date) {
  return new Date(date.getTime() + BANGKOK_OFFSET_MS).toISOString().slice(0, 10);
}

/** The BE fiscal year a date falls in: 1 October starts the next year's number. */
export function fiscalYearBE(date) {
  const b = inBangkok(date);
  const ce = b.month >= 9 ? b.year + 1 : b.year;
  return ce + 543;
}

/** What ThaiD put on our redirect URI (/thaid/callback?code=…&state=… or ?error=…), or null
 *  when the address carries neither a code nor an error. */
export function thaidAnswer(search) {
  const params = new URLSearchParams(search);
  const answer = {};
  for (const key of ["code", "state", "error"]) {
    const value = params.get(key);
    if (value) answer[key] = value;
  }
  return answer.code || answer.error ? answer : null;
}
