"""One-time passwords e-mailed during activation (login manual, OTP screens).

The plain code leaves this module only to be e-mailed; the record keeps a keyed hash.
Refusals carry ``record``: the state to store (a wrong try must be counted even though
the call raised).
"""

import hashlib
import hmac
import math
import re
import secrets
import string
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from laas_kernel.errors import DomainError, InvalidInput

OTP_DIGITS = 6
OTP_MAX_FAILED_ATTEMPTS = 5
OTP_TTL_SECONDS = 300
OTP_RESEND_AFTER_SECONDS = 60
REF_DIGITS = 5
_SALT_BYTES = 16
_OTP_CODE = re.compile("[0-9]{" + str(OTP_DIGITS) + "}")


class OtpError(DomainError):
    record = None  # the OtpRecord to persist, when the refusal changed it


class OtpInvalid(OtpError):
    code = "otp_invalid"
    message = "รหัส OTP ไม่ถูกต้อง กรุณาตรวจสอบรหัส OTP อีกครั้ง"


class OtpExpired(OtpError):
    code = "otp_expired"
    message = "รหัส OTP หมดเวลา กรุณาตรวจสอบอีเมลหรือกดส่งรหัส OTP อีกครั้ง"


class OtpAttemptsExceeded(OtpError):
    code = "otp_attempts_exceeded"
    message = "ระบุรหัส OTP ไม่ถูกต้องเกินจำนวนครั้งที่กำหนด กรุณากดส่งรหัส OTP อีกครั้ง"


class OtpResendTooSoon(OtpError):
    code = "otp_resend_too_soon"
    message = "ยังไม่สามารถส่งรหัส OTP อีกครั้งได้ กรุณารอสักครู่แล้วลองใหม่อีกครั้ง"


class InvalidEmail(InvalidInput):
    code = "invalid_email"
    message = "รูปแบบอีเมลไม่ถูกต้อง"


@dataclass(frozen=True)
class OtpRecord:
    ref: str  # shown to the user ("เลขอ้างอิง : E00152") and in the e-mail
    code_hash: str  # hex HMAC-SHA256 over salt, ref and code
    salt: str  # hex
    issued_at: datetime
    expires_at: datetime
    resend_at: datetime
    failed_attempts: int = 0
    used: bool = False

    @property
    def attempts_left(self) -> int:
        return max(0, OTP_MAX_FAILED_ATTEMPTS - self.failed_attempts)


def _refusal(error_class, record, **details):
    error = error_class(details=details)
    error.record = record
    return error


def _code_hash(secret: bytes, salt_hex: str, ref: str, code: str) -> str:
    message = bytes.fromhex(salt_hex) + ref.encode("ascii") + b":" + code.encode("ascii")
    return hmac.new(secret, message, hashlib.sha256).hexdigest()


def new_otp_ref() -> str:
    """A reference such as E00152: one letter and five digits."""
    letter = secrets.choice(string.ascii_uppercase)
    return letter + "".join(secrets.choice(string.digits) for _ in range(REF_DIGITS))


def issue_otp(
    now: datetime,
    ttl_seconds: int = OTP_TTL_SECONDS,
    resend_after_seconds: int = OTP_RESEND_AFTER_SECONDS,
    secret: bytes = b"",
) -> tuple[str, OtpRecord]:
    """A fresh 6-digit code (to e-mail) and the record that can later check it."""
    if not secret:
        raise ValueError("an OTP secret is required")
    if ttl_seconds <= 0 or resend_after_seconds < 0:
        raise ValueError("OTP lifetimes must be positive")
    code = "".join(secrets.choice(string.digits) for _ in range(OTP_DIGITS))
    ref = new_otp_ref()
    salt = secrets.token_hex(_SALT_BYTES)
    record = OtpRecord(
        ref=ref,
        code_hash=_code_hash(secret, salt, ref, code),
        salt=salt,
        issued_at=now,
        expires_at=now + timedelta(seconds=ttl_seconds),
        resend_at=now + timedelta(seconds=resend_after_seconds),
    )
    return code, record


def verify_otp(record: OtpRecord, code: str, now: datetime, secret: bytes) -> OtpRecord:
    """The record marked used when ``code`` is right, else a refusal carrying the new state."""
    if record.used:
        raise _refusal(OtpInvalid, record, reason="already_used")
    if record.failed_attempts >= OTP_MAX_FAILED_ATTEMPTS:
        raise _refusal(OtpAttemptsExceeded, record, attempts_left=0)
    if now >= record.expires_at:
        raise _refusal(OtpExpired, record)
    typed = code.strip() if isinstance(code, str) else ""
    # A malformed code still costs a try, so guessing stays bounded at 5 per code.
    if _OTP_CODE.fullmatch(typed):
        expected = _code_hash(secret, record.salt, record.ref, typed)
        if hmac.compare_digest(expected, record.code_hash):
            return replace(record, used=True)
    failed = replace(record, failed_attempts=record.failed_attempts + 1)
    if failed.attempts_left == 0:
        raise _refusal(OtpAttemptsExceeded, failed, attempts_left=0)
    raise _refusal(OtpInvalid, failed, attempts_left=failed.attempts_left)


def resend_seconds_left(record: OtpRecord, now: datetime) -> int:
    return max(0, math.ceil((record.resend_at - now).total_seconds()))


def require_resend_allowed(record: OtpRecord, now: datetime) -> None:
    """Refuse a new code until resend_after has passed since the last one."""
    seconds_left = resend_seconds_left(record, now)
    if seconds_left > 0:
        raise _refusal(OtpResendTooSoon, record, seconds_left=seconds_left)


# --- e-mail -----------------------------------------------------------------

_LOCAL_PART = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*")
_DOMAIN_LABEL = re.compile(r"[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_TLD = re.compile(r"[A-Za-z]{2,63}")
MASKED_PREFIX = "xxx"
VISIBLE_LOCAL_CHARS = 3


def is_valid_email(text) -> bool:
    if not isinstance(text, str):
        return False
    text = text.strip()
    if len(text) > 254 or text.count("@") != 1:
        return False
    local, domain = text.split("@")
    if not (0 < len(local) <= 64) or not _LOCAL_PART.fullmatch(local):
        return False
    labels = domain.split(".")
    if len(labels) < 2 or not _TLD.fullmatch(labels[-1]):
        return False
    return all(_DOMAIN_LABEL.fullmatch(label) for label in labels)


def require_valid_email(text) -> str:
    """The address, trimmed and with its domain in lower case, or InvalidEmail."""
    if not is_valid_email(text):
        raise InvalidEmail()
    local, domain = text.strip().split("@")
    return f"{local}@{domain.lower()}"


def mask_email(email: str) -> str:
    """As on the OTP screen: example@gmail.com -> xxxple@gmail.com.

    A fixed "xxx" hides the local part's length; at most half of a short local part
    is shown so that "ab@x.com" does not give itself away.
    """
    local, _, domain = email.rpartition("@")
    visible = min(VISIBLE_LOCAL_CHARS, len(local) // 2)
    shown = local[len(local) - visible :] if visible else ""
    return f"{MASKED_PREFIX}{shown}@{domain}"
