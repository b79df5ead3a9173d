from datetime import UTC, datetime, timedelta

import pytest

from identity.domain.sign_in import (
    AccountLocked,
    InvalidCredentials,
    LockoutPolicy,
    LockoutState,
    ThrottlePolicy,
    ThrottleState,
    TooManyAttempts,
    check_not_locked,
    record_failure,
    record_success,
    refusal_after_failure,
    register_attempt,
    throttle_key,
)

T0 = datetime(2025, 2, 18, 9, 0, tzinfo=UTC)


def fail_times(n, state=None, now=T0, policy=LockoutPolicy()):
    state = state or LockoutState()
    for _ in range(n):
        state = record_failure(state, now, policy)
    return state


def test_invalid_credentials_does_not_say_which_part_is_wrong():
    error = InvalidCredentials()
    assert error.code == "invalid_credentials"
    assert error.message == "ชื่อผู้ใช้หรือรหัสผ่านไม่ถูกต้อง กรุณาตรวจสอบอีกครั้ง"


def test_four_failures_do_not_lock():
    state = fail_times(4)
    assert state.failures == 4
    assert not state.is_locked(T0)
    assert check_not_locked(state, T0) == state
    assert isinstance(refusal_after_failure(state, T0), InvalidCredentials)


def test_fifth_failure_locks_for_fifteen_minutes():
    state = fail_times(5)
    assert state.locked_until == T0 + timedelta(minutes=15)
    refusal = refusal_after_failure(state, T0)
    assert isinstance(refusal, AccountLocked)
    assert refusal.code == "account_locked"


def test_locked_account_refuses_even_before_the_password_is_checked():
    state = fail_times(5)
    with pytest.raises(AccountLocked) as caught:
        check_not_locked(state, T0 + timedelta(minutes=5, seconds=30))
    error = caught.value
    assert error.details == {
        "locked_until": (T0 + timedelta(minutes=15)).isoformat(),
        "seconds_left": 570,
    }
    assert "กรุณารอ 10 นาที" in error.message


def test_failures_while_locked_do_not_extend_the_lock():
    state = fail_times(5)
    with pytest.raises(AccountLocked):
        record_failure(state, T0 + timedelta(minutes=1))


def test_lock_is_released_after_the_lock_time():
    state = fail_times(5)
    released = check_not_locked(state, T0 + timedelta(minutes=15))
    assert released == LockoutState()
    # A new failure after release starts counting from one.
    assert record_failure(state, T0 + timedelta(minutes=16)).failures == 1


def test_success_resets_the_count():
    assert record_success(fail_times(4)) == LockoutState()
    state = fail_times(4, record_success(fail_times(4)))
    assert not state.is_locked(T0)


def test_policy_is_configurable():
    policy = LockoutPolicy(max_failures=3, lock_minutes=60)
    state = fail_times(3, policy=policy)
    assert state.locked_until == T0 + timedelta(minutes=60)
    assert not fail_times(2, policy=policy).is_locked(T0)


def test_throttle_allows_k_attempts_per_window():
    policy = ThrottlePolicy(max_attempts=3, window_seconds=60)
    state = ThrottleState()
    for second in range(3):
        state = register_attempt(state, T0 + timedelta(seconds=second), policy)
    with pytest.raises(TooManyAttempts) as caught:
        register_attempt(state, T0 + timedelta(seconds=10), policy)
    assert caught.value.code == "too_many_attempts"
    # The oldest attempt (at 0 s) leaves the window at 60 s.
    assert caught.value.details == {"retry_after": 50}


def test_throttle_window_slides():
    policy = ThrottlePolicy(max_attempts=3, window_seconds=60)
    state = ThrottleState()
    for second in (0, 1, 2):
        state = register_attempt(state, T0 + timedelta(seconds=second), policy)
    state = register_attempt(state, T0 + timedelta(seconds=60), policy)
    assert len(state.attempts) == 3  # the 0 s attempt was dropped
    with pytest.raises(TooManyAttempts):
        register_attempt(state, T0 + timedelta(seconds=60, milliseconds=1), policy)


def test_refused_attempts_are_not_counted():
    policy = ThrottlePolicy(max_attempts=1, window_seconds=60)
    state = register_attempt(ThrottleState(), T0, policy)
    for second in range(1, 30):
        with pytest.raises(TooManyAttempts):
            register_attempt(state, T0 + timedelta(seconds=second), policy)
    register_attempt(state, T0 + timedelta(seconds=60), policy)


def test_throttle_key_ignores_case_and_spaces_in_username():
    assert throttle_key(" Admin ", "10.0.0.1") == throttle_key("admin", "10.0.0.1")
    assert throttle_key("admin", "10.0.0.1") != throttle_key("admin", "10.0.0.2")
