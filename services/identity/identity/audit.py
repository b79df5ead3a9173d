"""The append-only security log: who did what, when, from where.

Citizen IDs and e-mail addresses never reach it (or the service's logs) in clear: every
value is passed through ``mask`` first.
"""

import re

from sqlalchemy import insert

from laas_kernel import correlation

from .domain.citizen_id import mask_citizen_id
from .domain.otp import mask_email
from .models import AuditRow

SIGN_IN_OK = "sign_in_ok"
SIGN_IN_FAILED = "sign_in_failed"
OTP_SENT = "otp_sent"
OTP_FAILED = "otp_failed"
OTP_VERIFIED = "otp_verified"
THAID_CHECKED = "thaid_checked"
PASSWORD_SET = "password_set"
USER_CREATED = "user_created"
USER_REVOKED = "user_revoked"
GROUPS_CHANGED = "groups_changed"
SIGNED_OUT = "signed_out"
UNIT_CHANGED = "unit_changed"

_CITIZEN_ID = re.compile(r"(?<![0-9])[0-9]{13}(?![0-9])")
_EMAIL = re.compile(r"[^\s@]+@[^\s@]+\.[^\s@]+")


def mask_text(text: str) -> str:
    text = _CITIZEN_ID.sub(lambda m: mask_citizen_id(m.group()), text)
    return _EMAIL.sub(lambda m: mask_email(m.group()), text)


def mask(value):
    """The value with every citizen ID and e-mail address in it masked, recursively."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, dict):
        return {key: mask(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [mask(item) for item in value]
    return value


def record(
    session,
    event: str,
    *,
    outcome: str = "ok",
    actor: dict | None = None,
    subject_user_id: str | None = None,
    unit_id: str | None = None,
    client_address: str | None = None,
    **details,
):
    """Add one entry in the caller's transaction."""
    session.execute(
        insert(AuditRow).values(
            event=event,
            outcome=outcome,
            actor_user_id=(actor or {}).get("user_id"),
            actor_username=(actor or {}).get("username"),
            subject_user_id=subject_user_id,
            unit_id=unit_id,
            client_address=(client_address or "")[:64] or None,
            correlation_id=correlation.current(),
            details=mask(details),
        )
    )
