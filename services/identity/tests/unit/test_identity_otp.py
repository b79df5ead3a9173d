import re
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from identity.domain import otp as otp_module
from identity.domain.otp import (
    OTP_MAX_FAILED_ATTEMPTS,
    InvalidEmail,
    OtpAttemptsExceeded,
    OtpExpired,
    OtpInvalid,
    OtpResendTooSoon,
    is_valid_email,
    issue_otp,
    mask_email,
    require_resend_allowed,
    require_valid_email,
    verify_otp,
)

SECRET = b"test-secret"
T0 = datetime(2025, 2, 18, 9, 0, tzinfo=UTC)


def issued(now=T0):
    return issue_otp(now, 300, 60, SECRET)


def wrong(code):
    return f"{(int(code) + 1) % 1_000_000:06d}"


def test_issue_gives_six_digits_a_reference_and_times():
    code, record = issued()
    assert re.fullmatch(r"[0-9]{6}", code)
    assert re.fullmatch(r"[A-Z][0-9]{5}", record.ref)
    assert record.issued_at == T0
    assert record.expires_at == T0 + timedelta(seconds=300)
    assert record.resend_at == T0 + timedelta(seconds=60)
    assert record.failed_attempts == 0 and not record.used


def test_record_never_holds_the_plain_code():
    code, record = issued()
    assert code not in repr(record)
    assert len(record.code_hash) == 64  # hex sha256


def test_same_code_hashes_differently_per_record(monkeypatch):
    monkeypatch.setattr(otp_module.secrets, "choice", lambda seq: seq[0])
    code_a, record_a = issued()
    code_b, record_b = issued()
    assert code_a == code_b == "000000"
    assert record_a.salt != record_b.salt
    assert record_a.code_hash != record_b.code_hash


def test_codes_and_refs_vary():
    pairs = [issued() for _ in range(30)]
    assert len({code for code, _ in pairs}) > 1
    assert len({record.ref for _, record in pairs}) > 1


def test_issue_needs_a_secret():
    with pytest.raises(ValueError):
        issue_otp(T0, 300, 60, b"")


def test_right_code_marks_the_record_used():
    code, record = issued()
    checked = verify_otp(record, code, T0 + timedelta(seconds=299), SECRET)
    assert checked.used
    assert checked.failed_attempts == 0


def test_surrounding_spaces_are_forgiven():
    code, record = issued()
    assert verify_otp(record, f" {code} ", T0, SECRET).used


def test_other_secret_does_not_verify():
    code, record = issued()
    with pytest.raises(OtpInvalid):
        verify_otp(record, code, T0, b"other-secret")


def test_wrong_code_is_refused_and_counted():
    code, record = issued()
    with pytest.raises(OtpInvalid) as caught:
        verify_otp(record, wrong(code), T0, SECRET)
    error = caught.value
    assert error.code == "otp_invalid"
    assert error.message == "รหัส OTP ไม่ถูกต้อง กรุณาตรวจสอบรหัส OTP อีกครั้ง"
    assert error.record.failed_attempts == 1
    assert error.details == {"attempts_left": 4}


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", None, "๑๒๓๔๕๖"])
def test_malformed_code_costs_a_try(typed):
    _, record = issued()
    with pytest.raises(OtpInvalid) as caught:
        verify_otp(record, typed, T0, SECRET)
    assert caught.value.record.failed_attempts == 1


def test_fifth_wrong_try_ends_the_code():
    code, record = issued()
    for attempt in range(1, OTP_MAX_FAILED_ATTEMPTS):
        with pytest.raises(OtpInvalid) as caught:
            verify_otp(record, wrong(code), T0, SECRET)
        record = caught.value.record
        assert record.failed_attempts == attempt
    with pytest.raises(OtpAttemptsExceeded) as caught:
        verify_otp(record, wrong(code), T0, SECRET)
    assert caught.value.code == "otp_attempts_exceeded"
    assert caught.value.record.failed_attempts == 5
    # Even the right code no longer works.
    with pytest.raises(OtpAttemptsExceeded):
        verify_otp(caught.value.record, code, T0, SECRET)


def test_fourth_wrong_try_still_leaves_one():
    code, record = issued()
    record = replace(record, failed_attempts=3)
    with pytest.raises(OtpInvalid) as caught:
        verify_otp(record, wrong(code), T0, SECRET)
    assert caught.value.details == {"attempts_left": 1}
    assert verify_otp(caught.value.record, code, T0, SECRET).used


def test_expired_code_gives_the_manuals_message():
    code, record = issued()
    with pytest.raises(OtpExpired) as caught:
        verify_otp(record, code, T0 + timedelta(seconds=300), SECRET)
    assert caught.value.code == "otp_expired"
    assert caught.value.message == "รหัส OTP หมดเวลา กรุณาตรวจสอบอีเมลหรือกดส่งรหัส OTP อีกครั้ง"


def test_used_code_cannot_be_replayed():
    code, record = issued()
    used = verify_otp(record, code, T0, SECRET)
    with pytest.raises(OtpInvalid) as caught:
        verify_otp(used, code, T0, SECRET)
    assert caught.value.details == {"reason": "already_used"}


def test_old_code_does_not_open_the_new_record(monkeypatch):
    # Force known draws: the first code is 111111, the second 222222.
    draws = iter("111111" + "A11111" + "222222" + "B22222")
    monkeypatch.setattr(otp_module.secrets, "choice", lambda seq: next(draws))
    old_code, old_record = issued()
    new_code, new_record = issued(T0 + timedelta(seconds=61))
    assert (old_code, old_record.ref) == ("111111", "A11111")
    assert (new_code, new_record.ref) == ("222222", "B22222")
    with pytest.raises(OtpInvalid):
        verify_otp(new_record, old_code, T0 + timedelta(seconds=61), SECRET)
    assert verify_otp(new_record, new_code, T0 + timedelta(seconds=61), SECRET).used


def test_resend_waits_for_resend_after():
    _, record = issued()
    with pytest.raises(OtpResendTooSoon) as caught:
        require_resend_allowed(record, T0 + timedelta(seconds=20, milliseconds=500))
    assert caught.value.code == "otp_resend_too_soon"
    assert caught.value.details == {"seconds_left": 40}
    require_resend_allowed(record, T0 + timedelta(seconds=60))


# --- e-mail ---------------------------------------------------------------


def test_mask_email_as_on_the_otp_screen():
    assert mask_email("example@gmail.com") == "xxxple@gmail.com"
    assert mask_email("con303@gmail.com") == "xxx303@gmail.com"


def test_mask_email_hides_short_local_parts():
    assert mask_email("ab@x.co") == "xxxb@x.co"
    assert mask_email("a@x.co") == "xxx@x.co"
    assert mask_email("abcd@x.co") == "xxxcd@x.co"


@pytest.mark.parametrize(
    "address",
    [
        "con303@gmail.com",
        "ktb303@gmail.com",
        "first.last+laas@dla.go.th",
        "a_b-c@sub-1.example.co.th",
    ],
)
def test_valid_emails(address):
    assert is_valid_email(address)


@pytest.mark.parametrize(
    "address",
    [
        "",
        "con303gmail.com",
        "con303@gmail",
        "con303@@gmail.com",
        "a@b@gmail.com",
        "con 303@gmail.com",
        ".con@gmail.com",
        "con.@gmail.com",
        "co..n@gmail.com",
        "con@-gmail.com",
        "con@gmail..com",
        "con@gmail.c",
        "สมชาย@gmail.com",
        "@gmail.com",
        None,
        "a" * 65 + "@gmail.com",
    ],
)
def test_invalid_emails(address):
    assert not is_valid_email(address)


def test_require_valid_email_message_is_the_manuals():
    with pytest.raises(InvalidEmail) as caught:
        require_valid_email("con303@gmail")
    assert caught.value.code == "invalid_email"
    assert caught.value.message == "รูปแบบอีเมลไม่ถูกต้อง"


def test_require_valid_email_trims_and_lowercases_the_domain():
    assert require_valid_email("  Con303@Gmail.COM ") == "Con303@gmail.com"
