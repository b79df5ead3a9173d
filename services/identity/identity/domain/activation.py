"""First sign-in (activation): which steps a user goes through, and in what order.

Which steps apply depends on the kind of unit and on the cut-over date (DOMAIN.md:
before 18 Feb 2568 subordinate units skipped ThaiD and filled in a profile instead).
That choice is data, ``ACTIVATION_RULES``, so it can be corrected without code changes.

An ``Activation`` is immutable: each step returns the advanced copy to store.
"""

from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

from laas_kernel.errors import DomainError, InvalidInput

from .citizen_id import require_valid_citizen_id
from .otp import require_valid_email

CUTOVER_DATE = date(2025, 2, 18)  # 18 ก.พ. 2568: New e-LAAS opened after the migration
ACTIVATION_TTL_SECONDS = 30 * 60

THAID_TYPED = "typed"  # the user types the 13-digit ID
THAID_ON_FILE = "on_file"  # the ID on file is checked at login, then shown
THAID_NONE = "none"

# Step names. Except "thaid", they are the API's next_step values; "thaid" (ID on file)
# is confirmed by the login call itself, so a client never sees it.
STEP_CITIZEN_ID = "citizen_id"
STEP_THAID = "thaid"
STEP_EMAIL = "email"
STEP_OTP = "otp"
STEP_PASSWORD = "password"
STEP_PROFILE = "profile"
STEP_DONE = "done"


class ThaidNotRegistered(DomainError):
    code = "thaid_not_registered"
    message = "ไม่พบข้อมูลใน ThaiD กรุณาดำเนินการลงทะเบียน ThaiD เพื่อยืนยันตัวตนก่อนลงชื่อเข้าใช้งาน"


class ActivationStepOutOfOrder(DomainError):
    code = "activation_step_invalid"
    message = "ขั้นตอนการยืนยันตัวตนไม่ถูกต้อง กรุณากลับหน้า Login แล้วเริ่มต้นใหม่อีกครั้ง"


class ActivationExpired(DomainError):
    code = "activation_expired"
    message = "การยืนยันตัวตนหมดเวลา กรุณากลับหน้า Login แล้วเข้าสู่ระบบใหม่อีกครั้ง"


class UnknownUnitKind(InvalidInput):
    code = "unknown_unit_kind"
    message = "ไม่พบประเภทหน่วยงานที่ระบุ"


@dataclass(frozen=True)
class ActivationPolicy:
    thaid: str  # THAID_TYPED | THAID_ON_FILE | THAID_NONE
    profile_required: bool = False
    activation_required: bool = True

    def steps(self) -> tuple[str, ...]:
        """The steps after credentials, ending with "done"."""
        if not self.activation_required:
            return (STEP_DONE,)
        first = {THAID_TYPED: (STEP_CITIZEN_ID,), THAID_ON_FILE: (STEP_THAID,), THAID_NONE: ()}
        profile = (STEP_PROFILE,) if self.profile_required else ()
        return first[self.thaid] + (STEP_EMAIL, STEP_OTP, STEP_PASSWORD) + profile + (STEP_DONE,)


@dataclass(frozen=True)
class PolicyRule:
    kind: str
    policy: ActivationPolicy
    from_date: date | None = None  # applies to activations started on/after; None: always


ACTIVATION_RULES: tuple[PolicyRule, ...] = (
    # The Department's administrator is created active (API.md, LAAS_ADMIN_*).
    PolicyRule("department", ActivationPolicy(THAID_NONE, activation_required=False)),
    PolicyRule("province_office", ActivationPolicy(THAID_TYPED)),
    PolicyRule("lao", ActivationPolicy(THAID_ON_FILE)),
    PolicyRule("subordinate_unit", ActivationPolicy(THAID_NONE, profile_required=True)),
    PolicyRule("subordinate_unit", ActivationPolicy(THAID_TYPED), from_date=CUTOVER_DATE),
)


def policy_for(kind: str, on: date, rules=ACTIVATION_RULES) -> ActivationPolicy:
    """The rule for ``kind`` with the latest from_date not after ``on``."""
    if isinstance(on, datetime):
        on = on.date()
    candidates = [r for r in rules if r.kind == kind and (r.from_date is None or r.from_date <= on)]
    if not candidates:
        raise UnknownUnitKind(details={"kind": kind})
    return max(candidates, key=lambda r: r.from_date or date.min).policy


def needs_activation(kind: str, on: date, rules=ACTIVATION_RULES) -> bool:
    return policy_for(kind, on, rules).activation_required


@dataclass(frozen=True)
class ThaidIdentity:
    citizen_id: str
    first_name: str
    last_name: str
    title: str = ""

    def as_public(self) -> dict:
        """What the API shows: {"citizen_id", "first_name", "last_name"}."""
        return {
            "citizen_id": self.citizen_id,
            "first_name": self.first_name,
            "last_name": self.last_name,
        }


@dataclass(frozen=True)
class Activation:
    user_id: str
    kind: str
    policy: ActivationPolicy
    started_at: datetime
    expires_at: datetime
    steps_done: tuple[str, ...] = ()
    identity: ThaidIdentity | None = None
    email: str | None = None
    steps: tuple[str, ...] = field(init=False)

    def __post_init__(self):
        object.__setattr__(self, "steps", self.policy.steps())

    @classmethod
    def start(
        cls,
        user_id: str,
        kind: str,
        now: datetime,
        ttl_seconds: int = ACTIVATION_TTL_SECONDS,
        rules=ACTIVATION_RULES,
        policy_date: date | None = None,
    ) -> "Activation":
        """After the credentials were accepted for a user who is not yet active.

        ``policy_date`` picks the rule as of another day than ``now`` (a demo or test of
        the flow before the cut-over); the lifetime still runs from ``now``.
        """
        policy = policy_for(kind, policy_date or now.date(), rules)
        if not policy.activation_required:
            raise ValueError(f"users of a {kind} unit are created active")
        return cls(user_id, kind, policy, now, now + timedelta(seconds=ttl_seconds))

    @property
    def next_step(self) -> str:
        return self.steps[len(self.steps_done)]

    @property
    def is_done(self) -> bool:
        return self.next_step == STEP_DONE

    def require_not_expired(self, now: datetime) -> None:
        if now >= self.expires_at:
            raise ActivationExpired()

    def require_next(self, step: str, now: datetime) -> None:
        """Refuse unless ``step`` is the one due now (check before any costly look-up)."""
        self._require_step(step, now)

    def _require_step(self, step: str, now: datetime) -> None:
        self.require_not_expired(now)
        if self.next_step != step:
            raise ActivationStepOutOfOrder(details={"expected": self.next_step, "got": step})

    def _advance(self, step: str, now: datetime, **changes) -> "Activation":
        self._require_step(step, now)
        return replace(self, steps_done=self.steps_done + (step,), **changes)

    def thaid_confirmed(self, identity: ThaidIdentity, *, now: datetime) -> "Activation":
        """ThaiD knows the person (typed ID or ID on file); next: e-mail."""
        step = STEP_THAID if self.policy.thaid == THAID_ON_FILE else STEP_CITIZEN_ID
        self._require_step(step, now)
        citizen_id = require_valid_citizen_id(identity.citizen_id)
        return self._advance(step, now, identity=replace(identity, citizen_id=citizen_id))

    def email_given(self, email: str, *, now: datetime) -> "Activation":
        self._require_step(STEP_EMAIL, now)
        return self._advance(STEP_EMAIL, now, email=require_valid_email(email))

    def otp_verified(self, *, now: datetime) -> "Activation":
        return self._advance(STEP_OTP, now)

    def password_set(self, *, now: datetime) -> "Activation":
        return self._advance(STEP_PASSWORD, now)

    def profile_saved(self, *, now: datetime) -> "Activation":
        return self._advance(STEP_PROFILE, now)
