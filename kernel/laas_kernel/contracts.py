"""The events that cross service boundaries. Publisher and subscribers both import these,
so a payload is checked on both sides against one definition."""

from datetime import date, datetime

from pydantic import BaseModel, ConfigDict

from .events import Event

# identity ---------------------------------------------------------------------------


class OtpRequested(Event):
    """An activation OTP to e-mail. The code is sealed (laas_kernel.sealing)."""

    source = "identity"
    event_type = "otp_requested"
    user_id: str
    username: str
    email: str
    recipient_name: str | None = None
    otp_ref: str
    code_sealed: str
    expires_at: datetime
    ttl_seconds: int


class AccountCreated(Event):
    source = "identity"
    event_type = "account_created"
    user_id: str
    username: str
    unit_name: str
    email: str | None = None
    recipient_name: str | None = None
    thaid_required: bool = True


class PasswordChanged(Event):
    source = "identity"
    event_type = "password_changed"
    user_id: str
    username: str
    email: str | None = None
    recipient_name: str | None = None
    changed_at: datetime


class SessionsRevoked(Event):
    """Every gateway instance drops these sessions at once (a broadcast handler)."""

    source = "identity"
    event_type = "sessions_revoked"
    user_id: str
    session_ids: list[str]
    reason: str


class UnitFacts(BaseModel):
    model_config = ConfigDict(frozen=True)
    id: str
    code: str
    name: str
    kind: str
    parent_id: str | None = None
    province_id: str | None = None
    subtype: str | None = None
    status: str = "active"
    successor_id: str | None = None


class UnitCreated(Event):
    source = "identity"
    event_type = "unit_created"
    unit: UnitFacts


class UnitChanged(Event):
    source = "identity"
    event_type = "unit_changed"
    unit: UnitFacts
    change: str  # "dissolved" | "merged" | "renamed"


# ledger -----------------------------------------------------------------------------


class PostedLine(BaseModel):
    model_config = ConfigDict(frozen=True)
    account_code: str
    debit: str  # decimal string, two places
    credit: str
    memo: str | None = None


class VoucherPosted(Event):
    source = "ledger"
    event_type = "voucher_posted"
    voucher_id: str
    number: str
    type: str
    date: date
    fiscal_year: int
    period: int
    description: str
    lines: list[PostedLine]
    total: str
    posted_by: str | None = None
    reverses_voucher_id: str | None = None


class VoucherReversed(Event):
    source = "ledger"
    event_type = "voucher_reversed"
    voucher_id: str
    number: str
    reversal_voucher_id: str
    reversal_number: str
    date: date
    lines: list[PostedLine]
