"""Sign-in refusals: wrong credentials, account lockout, per-key throttling.

State goes in, a decision or new state comes out; the service stores the state.
"""

import math
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from laas_kernel.errors import DomainError


class InvalidCredentials(DomainError):
    code = "invalid_credentials"
    # The same words whether the username exists or not.
    message = "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"


class AccountLocked(DomainError):
    code = "account_locked"
    message = "บัญชีผู้ใช้ถูกระงับชั่วคราวเนื่องจากระบุรหัสผ่านไม่ถูกต้องหลายครั้ง กรุณารอสักครู่แล้วลองใหม่อีกครั้ง"


class TooManyAttempts(DomainError):
    code = "too_many_attempts"
    message = "มีการพยายามเข้าสู่ระบบบ่อยเกินไป กรุณารอสักครู่แล้วลองใหม่อีกครั้ง"


def _seconds_until(moment: datetime, now: datetime) -> int:
    return max(0, math.ceil((moment - now).total_seconds()))


# --- lockout: N consecutive failures lock the account for M minutes ------------


@dataclass(frozen=True)
class LockoutPolicy:
    max_failures: int = 5
    lock_minutes: int = 15


DEFAULT_LOCKOUT = LockoutPolicy()


@dataclass(frozen=True)
class LockoutState:
    failures: int = 0  # consecutive, since the last success or release
    locked_until: datetime | None = None

    def is_locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until


def account_locked_error(state: LockoutState, now: datetime) -> AccountLocked:
    seconds_left = _seconds_until(state.locked_until, now)
    minutes = max(1, math.ceil(seconds_left / 60))
    return AccountLocked(
        message=(
            f"บัญชีผู้ใช้ถูกระงับชั่วคราวเนื่องจากระบุรหัสผ่านไม่ถูกต้องหลายครั้ง กรุณารอ {minutes} นาทีแล้วลองใหม่อีกครั้ง"
        ),
        details={"locked_until": state.locked_until.isoformat(), "seconds_left": seconds_left},
    )


def check_not_locked(state: LockoutState, now: datetime) -> LockoutState:
    """Raise AccountLocked while locked; once the lock has passed, a released state."""
    if state.is_locked(now):
        raise account_locked_error(state, now)
    if state.locked_until is not None:
        return LockoutState()
    return state


def record_failure(
    state: LockoutState, now: datetime, policy: LockoutPolicy = DEFAULT_LOCKOUT
) -> LockoutState:
    """Count a wrong password; the Nth in a row locks the account from ``now``."""
    state = check_not_locked(state, now)
    failures = state.failures + 1
    if failures >= policy.max_failures:
        return LockoutState(0, now + timedelta(minutes=policy.lock_minutes))
    return replace(state, failures=failures)


def record_success(state: LockoutState) -> LockoutState:
    return LockoutState()


def refusal_after_failure(state: LockoutState, now: datetime) -> DomainError:
    """What to answer after record_failure: locked if this failure locked it."""
    if state.is_locked(now):
        return account_locked_error(state, now)
    return InvalidCredentials()


# --- throttle: at most K attempts per key in a sliding window ------------------


@dataclass(frozen=True)
class ThrottlePolicy:
    max_attempts: int = 10
    window_seconds: int = 60


DEFAULT_THROTTLE = ThrottlePolicy()


@dataclass(frozen=True)
class ThrottleState:
    attempts: tuple[datetime, ...] = ()  # only those still inside the window


def throttle_key(username: str, client_address: str) -> tuple[str, str]:
    """Usernames differing only in case or surrounding spaces share one budget."""
    return ((username or "").strip().casefold(), client_address or "")


def register_attempt(
    state: ThrottleState, now: datetime, policy: ThrottlePolicy = DEFAULT_THROTTLE
) -> ThrottleState:
    """Count an attempt, or raise TooManyAttempts (a refused attempt is not counted)."""
    window_start = now - timedelta(seconds=policy.window_seconds)
    recent = tuple(t for t in state.attempts if t > window_start)
    if len(recent) >= policy.max_attempts:
        oldest_to_expire = sorted(recent)[len(recent) - policy.max_attempts]
        retry_at = oldest_to_expire + timedelta(seconds=policy.window_seconds)
        raise TooManyAttempts(details={"retry_after": max(1, _seconds_until(retry_at, now))})
    return ThrottleState(recent + (now,))
