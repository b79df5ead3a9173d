"""When an event's mail is sent, skipped or held back, from the delivery log alone."""

from datetime import UTC, datetime, timedelta

import pytest

from notify.domain.delivery_rules import (
    SEND,
    SKIP,
    WAIT,
    attempt_limit_after,
    gives_up,
    next_step,
)

NOW = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
LEASE = timedelta(seconds=120)


@pytest.mark.parametrize("status", ["queued", "failed", "dead"])
def test_a_mail_not_yet_delivered_is_sent(status):
    assert next_step(status, NOW - timedelta(seconds=1), NOW, LEASE) == SEND


def test_a_mail_already_sent_is_never_sent_again():
    assert next_step("sent", None, NOW, LEASE) == SKIP
    assert next_step("sent", NOW - timedelta(days=3), NOW, LEASE) == SKIP


def test_a_mail_being_sent_by_another_worker_is_waited_for():
    assert next_step("sending", NOW - timedelta(seconds=119), NOW, LEASE) == WAIT


def test_an_abandoned_attempt_is_sent_again_after_its_lease():
    assert next_step("sending", NOW - timedelta(seconds=120), NOW, LEASE) == SEND


def test_a_replayed_dead_mail_gets_a_fresh_allowance_of_attempts():
    assert attempt_limit_after("dead", attempts=30, give_up_at=30, max_attempts=30) == 60
    assert attempt_limit_after("failed", attempts=7, give_up_at=30, max_attempts=30) == 30


def test_giving_up_happens_at_the_limit_not_before():
    assert not gives_up(29, 30)
    assert gives_up(30, 30)
