from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from identity.domain.activation import (
    ACTIVATION_RULES,
    CUTOVER_DATE,
    THAID_NONE,
    THAID_ON_FILE,
    THAID_TYPED,
    Activation,
    ActivationExpired,
    ActivationPolicy,
    ActivationStepOutOfOrder,
    PolicyRule,
    ThaidIdentity,
    ThaidNotRegistered,
    UnknownUnitKind,
    needs_activation,
    policy_for,
)
from identity.domain.citizen_id import InvalidCitizenId
from identity.domain.otp import InvalidEmail

BEFORE = datetime(2024, 10, 15, 9, 0, tzinfo=UTC)
AFTER = datetime(2025, 2, 18, 9, 0, tzinfo=UTC)
PERSON = ThaidIdentity("1234567890121", "กนชาย", "ใจดี", "นาย")


def test_cutover_is_18_feb_2568():
    assert CUTOVER_DATE == date(2025, 2, 18)


@pytest.mark.parametrize(
    "kind, on, thaid, profile",
    [
        ("province_office", BEFORE, THAID_TYPED, False),
        ("province_office", AFTER, THAID_TYPED, False),
        ("lao", AFTER, THAID_ON_FILE, False),
        ("subordinate_unit", BEFORE, THAID_NONE, True),
        ("subordinate_unit", AFTER - timedelta(days=1), THAID_NONE, True),
        ("subordinate_unit", AFTER, THAID_TYPED, False),
        ("subordinate_unit", AFTER + timedelta(days=400), THAID_TYPED, False),
    ],
)
def test_policy_per_kind_and_date(kind, on, thaid, profile):
    policy = policy_for(kind, on.date())
    assert (policy.thaid, policy.profile_required) == (thaid, profile)
    assert policy.activation_required


def test_department_users_need_no_activation():
    assert not needs_activation("department", AFTER.date())
    assert needs_activation("lao", AFTER.date())
    with pytest.raises(ValueError):
        Activation.start("admin", "department", AFTER)


def test_unknown_kind_is_refused():
    with pytest.raises(UnknownUnitKind) as caught:
        policy_for("ministry", AFTER.date())
    assert caught.value.details == {"kind": "ministry"}


def test_the_cutover_lives_in_the_rules():
    moved = tuple(
        replace(rule, from_date=date(2025, 6, 1)) if rule.from_date else rule
        for rule in ACTIVATION_RULES
    )
    assert policy_for("subordinate_unit", AFTER.date(), moved).thaid == THAID_NONE
    extra = moved + (PolicyRule("lao", ActivationPolicy(THAID_TYPED), date(2026, 1, 1)),)
    assert policy_for("lao", date(2026, 1, 1), extra).thaid == THAID_TYPED


@pytest.mark.parametrize(
    "kind, started, steps",
    [
        ("province_office", AFTER, ["citizen_id", "email", "otp", "password", "done"]),
        ("lao", AFTER, ["thaid", "email", "otp", "password", "done"]),
        ("subordinate_unit", BEFORE, ["email", "otp", "password", "profile", "done"]),
        ("subordinate_unit", AFTER, ["citizen_id", "email", "otp", "password", "done"]),
    ],
)
def test_steps_per_policy(kind, started, steps):
    assert list(Activation.start("u1", kind, started).steps) == steps


def run_through(activation, now):
    """Walk every remaining step and record what next_step said before each."""
    seen = []
    while not activation.is_done:
        step = activation.next_step
        seen.append(step)
        if step in ("citizen_id", "thaid"):
            activation = activation.thaid_confirmed(PERSON, now=now)
        elif step == "email":
            activation = activation.email_given("con303@gmail.com", now=now)
        elif step == "otp":
            activation = activation.otp_verified(now=now)
        elif step == "password":
            activation = activation.password_set(now=now)
        elif step == "profile":
            activation = activation.profile_saved(now=now)
    return activation, seen


def run_through_until(activation, stop_at):
    seen = []
    while activation.next_step != stop_at:
        activation, step_seen = step_once(activation)
        seen.append(step_seen)
    return activation, seen


def step_once(activation):
    step = activation.next_step
    if step in ("citizen_id", "thaid"):
        return activation.thaid_confirmed(PERSON, now=AFTER), step
    if step == "email":
        return activation.email_given("con303@gmail.com", now=AFTER), step
    return activation.otp_verified(now=AFTER), step


def test_province_office_full_flow():
    activation = Activation.start("u1", "province_office", AFTER)
    assert activation.next_step == "citizen_id"
    done, seen = run_through(activation, AFTER + timedelta(minutes=5))
    assert seen == ["citizen_id", "email", "otp", "password"]
    assert done.next_step == "done"
    assert done.identity == PERSON
    assert done.email == "con303@gmail.com"


def test_lao_identity_on_file_is_confirmed_then_email():
    activation = Activation.start("u2", "lao", AFTER)
    confirmed = activation.thaid_confirmed(PERSON, now=AFTER)
    assert confirmed.next_step == "email"
    assert confirmed.identity.as_public() == {
        "citizen_id": "1234567890121",
        "first_name": "กนชาย",
        "last_name": "ใจดี",
    }


def test_subordinate_unit_before_cutover_skips_thaid_and_ends_with_profile():
    activation = Activation.start("u3", "subordinate_unit", BEFORE)
    assert activation.next_step == "email"
    with pytest.raises(ActivationStepOutOfOrder):
        activation.thaid_confirmed(PERSON, now=BEFORE)
    done, seen = run_through(activation, BEFORE)
    assert seen == ["email", "otp", "password", "profile"]
    assert done.identity is None


def test_steps_return_new_objects():
    activation = Activation.start("u1", "province_office", AFTER)
    activation.thaid_confirmed(PERSON, now=AFTER)
    assert activation.next_step == "citizen_id"


def test_skipping_a_step_is_refused():
    activation = Activation.start("u1", "province_office", AFTER)
    with pytest.raises(ActivationStepOutOfOrder) as caught:
        activation.email_given("con303@gmail.com", now=AFTER)
    error = caught.value
    assert error.code == "activation_step_invalid"
    assert error.details == {"expected": "citizen_id", "got": "email"}
    with pytest.raises(ActivationStepOutOfOrder):
        activation.password_set(now=AFTER)


def test_replaying_a_step_is_refused():
    activation = Activation.start("u1", "province_office", AFTER)
    after_otp, _ = run_through_until(activation, "password")
    with pytest.raises(ActivationStepOutOfOrder):
        after_otp.otp_verified(now=AFTER)
    with pytest.raises(ActivationStepOutOfOrder):
        after_otp.email_given("other@gmail.com", now=AFTER)


def test_nothing_after_done():
    done, _ = run_through(Activation.start("u1", "province_office", AFTER), AFTER)
    for call in (
        lambda: done.password_set(now=AFTER),
        lambda: done.profile_saved(now=AFTER),
        lambda: done.otp_verified(now=AFTER),
    ):
        with pytest.raises(ActivationStepOutOfOrder):
            call()


def test_profile_not_asked_when_not_required():
    activation = Activation.start("u1", "province_office", AFTER)
    at_password, _ = run_through_until(activation, "password")
    with pytest.raises(ActivationStepOutOfOrder):
        at_password.profile_saved(now=AFTER)


def test_expired_activation_is_refused():
    activation = Activation.start("u1", "province_office", AFTER, ttl_seconds=600)
    assert activation.expires_at == AFTER + timedelta(seconds=600)
    with pytest.raises(ActivationExpired) as caught:
        activation.thaid_confirmed(PERSON, now=AFTER + timedelta(seconds=600))
    assert caught.value.code == "activation_expired"
    # Expiry is checked before the step, so an out-of-order call also reports expiry.
    with pytest.raises(ActivationExpired):
        activation.password_set(now=AFTER + timedelta(hours=1))
    activation.thaid_confirmed(PERSON, now=AFTER + timedelta(seconds=599))


def test_bad_email_does_not_advance():
    activation = Activation.start("u3", "subordinate_unit", BEFORE)
    with pytest.raises(InvalidEmail):
        activation.email_given("con303@gmail", now=BEFORE)
    assert activation.next_step == "email"


def test_identity_must_carry_a_valid_citizen_id():
    activation = Activation.start("u1", "province_office", AFTER)
    with pytest.raises(InvalidCitizenId):
        activation.thaid_confirmed(replace(PERSON, citizen_id="1234567890122"), now=AFTER)


def test_identity_citizen_id_is_normalised():
    activation = Activation.start("u1", "province_office", AFTER)
    grouped = replace(PERSON, citizen_id="1-2345-67890-12-1")
    assert activation.thaid_confirmed(grouped, now=AFTER).identity.citizen_id == "1234567890121"


def test_thaid_not_registered_message_is_exact():
    error = ThaidNotRegistered()
    assert error.code == "thaid_not_registered"
    assert error.message == (
        "ไม่พบข้อมูลใน ThaiD กรุณาดำเนินการลงทะเบียน ThaiD เพื่อยืนยันตัวตนก่อนลงชื่อเข้าใช้งาน"
    )


def test_activation_started_before_cutover_keeps_its_policy_after_it():
    activation = Activation.start("u3", "subordinate_unit", BEFORE, ttl_seconds=10**9)
    later = activation.email_given("con303@gmail.com", now=AFTER)
    assert later.policy.profile_required
    assert later.next_step == "otp"


def test_policy_date_picks_the_rule_before_the_cutover_while_time_runs_from_now():
    activation = Activation.start("u1", "subordinate_unit", AFTER, policy_date=BEFORE.date())
    assert activation.steps[0] == "email"
    assert "profile" in activation.steps
    assert activation.started_at == AFTER
    assert Activation.start("u1", "subordinate_unit", AFTER).steps[0] == "citizen_id"


def test_require_next_checks_order_and_expiry_without_advancing():
    activation = Activation.start("u1", "province_office", AFTER)
    activation.require_next("citizen_id", AFTER)
    with pytest.raises(ActivationStepOutOfOrder):
        activation.require_next("email", AFTER)
    with pytest.raises(ActivationExpired):
        activation.require_next("citizen_id", activation.expires_at)
    assert activation.steps_done == ()
