// Pure rules of the web client. Run: node --test gateway/gateway/web/tests/
import assert from "node:assert/strict";
import { test } from "node:test";

import {
  citizenIdProblem,
  fiscalYearBE,
  formatCountdown,
  formatThaiDate,
  formatThaiDateTime,
  isoDateInBangkok,
  isValidEmail,
  passwordChecks,
  thaidAnswer,
} from "../js/rules.js";

// Build a valid ID from 12 digits with the Department's check-digit rule.
function withCheckDigit(twelve) {
  let sum = 0;
  for (let i = 0; i < 12; i += 1) sum += Number(twelve[i]) * (13 - i);
  return twelve + String((11 - (sum % 11)) % 10);
}

test("citizen ID: accepts a correct check digit, rejects every other one", () => {
  const good = withCheckDigit("110170020345");
  assert.equal(citizenIdProblem(good), null);
  const last = Number(good[12]);
  for (let d = 0; d < 10; d += 1) {
    if (d === last) continue;
    assert.equal(citizenIdProblem(good.slice(0, 12) + d), "checksum");
  }
});

test("citizen ID: length and characters", () => {
  assert.equal(citizenIdProblem(""), "empty");
  assert.equal(citizenIdProblem("123456789"), "length");
  assert.equal(citizenIdProblem("12345678901234"), "length");
  assert.equal(citizenIdProblem("12345678901a3"), "length");
  // dashes and spaces as printed on the card are tolerated
  const good = withCheckDigit("310050012345");
  const dashed = `${good[0]}-${good.slice(1, 5)}-${good.slice(5, 10)}-${good.slice(10, 12)}-${good[12]}`;
  assert.equal(citizenIdProblem(dashed), null);
});

test("e-mail format", () => {
  for (const ok of ["ktb303@gmail.com", "a.b+c@sub.example.go.th"]) {
    assert.equal(isValidEmail(ok), true, ok);
  }
  for (const bad of ["", "ktb303", "ktb303@", "@gmail.com", "a@b", "a b@c.com", "a@@b.com", "a@b..com"]) {
    assert.equal(isValidEmail(bad), false, bad);
  }
});

test("password rules are checked one by one", () => {
  assert.deepEqual(passwordChecks(""), {
    min_length: false,
    uppercase: false,
    lowercase: false,
    digit: false,
    special: false,
  });
  assert.deepEqual(passwordChecks("Abcdef1$"), {
    min_length: true,
    uppercase: true,
    lowercase: true,
    digit: true,
    special: true,
  });
  const c = passwordChecks("abcdefg");
  assert.equal(c.min_length, false);
  assert.equal(c.lowercase, true);
  assert.equal(c.uppercase, false);
  for (const ch of ["+", "-", "*", "/", "$", "=", ",", "@"]) {
    assert.equal(passwordChecks(`x${ch}`).special, true, ch);
  }
  // Thai letters are not English letters
  assert.equal(passwordChecks("กขคงจฉชซ").lowercase, false);
});

test("countdown mm:ss", () => {
  assert.equal(formatCountdown(300), "05:00");
  assert.equal(formatCountdown(299), "04:59");
  assert.equal(formatCountdown(61), "01:01");
  assert.equal(formatCountdown(0), "00:00");
  assert.equal(formatCountdown(-5), "00:00");
});

test("Thai date in the Buddhist era", () => {
  assert.equal(formatThaiDate(new Date(2026, 10, 25)), "25 พฤศจิกายน 2569");
  assert.equal(formatThaiDate(new Date(2024, 8, 20)), "20 กันยายน 2567");
  assert.equal(formatThaiDate(new Date(2025, 0, 1)), "1 มกราคม 2568");
});

test("fiscal year starts in October", () => {
  assert.equal(fiscalYearBE(new Date(2024, 9, 1)), 2568);
  assert.equal(fiscalYearBE(new Date(2025, 8, 30)), 2568);
  assert.equal(fiscalYearBE(new Date(2025, 9, 1)), 2569);
});

test("dates are read on a Bangkok clock whatever the browser's zone", () => {
  // 22:50 UTC on 25 November is already 05:50 on the 26th in Thailand.
  const late = new Date(Date.UTC(2026, 10, 25, 22, 50));
  assert.equal(formatThaiDate(late), "26 พฤศจิกายน 2569");
  assert.equal(formatThaiDateTime(late), "26 พฤศจิกายน 2569 เวลา 05:50 น.");
  assert.equal(isoDateInBangkok(late), "2026-11-26");
  // 30 September 20:00 UTC is 1 October in Thailand: the next fiscal year.
  assert.equal(fiscalYearBE(new Date(Date.UTC(2025, 8, 30, 20, 0))), 2569);
});

test("ThaiD's answer on the redirect URI: a code with its state, or an error, else nothing", () => {
  assert.deepEqual(thaidAnswer("?code=abc&state=s1"), { code: "abc", state: "s1" });
  assert.deepEqual(thaidAnswer("?error=access_denied&state=s1"), { error: "access_denied", state: "s1" });
  assert.equal(thaidAnswer("?state=s1"), null);
  assert.equal(thaidAnswer(""), null);
  assert.deepEqual(thaidAnswer("?code=a%2Bb&state=x&other=1"), { code: "a+b", state: "x" });
});
