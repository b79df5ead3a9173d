"""Proofs of the messaging kernel against the real broker and database.

An event written in a committed transaction reaches its subscriber exactly once in effect
when (a) the relay dies after the commit and before the publish, (b) the same message is
delivered twice, (c) the handler fails three times and then succeeds; (d) a poison message
ends in the dead-letter store without holding up the messages behind it; (e) a call to a
service that is not running fails within its timeout with a clear error.
"""

import time
from collections import Counter

import eventlet
import psycopg2
import pytest
from nameko.standalone.events import event_dispatcher
from sqlalchemy import Column, Integer, MetaData, Table, Uuid, create_engine, func, select
from sqlalchemy.orm import sessionmaker

from laas_kernel import correlation, inbox
from laas_kernel import outbox as outbox_module
from laas_kernel.confirms import BatchPublisher, OutgoingEvent
from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.deadletter import list_dead_letters, replay
from laas_kernel.entrypoints import event_handler, rpc
from laas_kernel.errors import DomainError, ServiceUnavailable
from laas_kernel.events import Event
from laas_kernel.outbox import OutboxRelay, RelayPass, add_event
from laas_kernel.rpc_client import ServiceRpc
from laas_kernel.schema import outbox
from laas_kernel.standalone import rpc_cluster

effects_metadata = MetaData()
effects = Table(
    "effects",
    effects_metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("n", Integer, nullable=False),
)


class Happened(Event):
    source = "kt_source"
    event_type = "happened"
    n: int


# Per test: how many more times the handler fails for a given n; and what it saw.
failures_left: Counter = Counter()
always_failing: set[int] = set()
seen_correlation_ids: list[str | None] = []


class Subscriber:
    name = "kt_subscriber"
    db = Database("laas_kernel")
    correlation_id = CorrelationId()

    @event_handler("kt_source", "happened")
    def on_happened(self, payload):
        event = Happened.model_validate(payload)
        seen_correlation_ids.append(correlation.current())
        if event.n in always_failing:
            raise RuntimeError(f"cannot handle {event.n}")
        if failures_left[event.n] > 0:
            failures_left[event.n] -= 1
            raise RuntimeError(f"failing on purpose, {failures_left[event.n]} more")
        with self.db.begin():
            if inbox.claim(self.db, event.event_id, "kt_subscriber.on_happened"):
                self.db.execute(effects.insert().values(event_id=event.event_id, n=event.n))


class Source:
    name = "kt_source"
    db = Database("laas_kernel")
    outbox_relay = OutboxRelay(poll_seconds=0.2)
    correlation_id = CorrelationId()

    @rpc
    def record(self, n):
        with self.db.begin():
            add_event(self.db, Happened(n=n))

    @rpc
    def record_after_a_retry(self, n):
        # The first attempt stores n + 1 and rolls back; the second stores n + 2.
        for attempt in (1, 2):
            try:
                with self.db.begin():
                    add_event(self.db, Happened(n=n + attempt))
                    if attempt == 1:
                        raise RuntimeError("lost a race; try again")
            except RuntimeError:
                continue

    @rpc
    def lose_the_database(self):
        raise psycopg2.OperationalError("server closed the connection unexpectedly")

    @rpc
    def refuse(self):
        raise Refusal(details={"why": "because", "attempts_left": 4, "ok": False})


class Refusal(DomainError):
    code = "refused_on_purpose"
    message = "ปฏิเสธโดยตั้งใจ"


class Caller:
    name = "kt_caller"
    absent = ServiceRpc("kt_absent", timeout=1)
    stopped = ServiceRpc("kt_stopped", timeout=1)

    @rpc
    def call_absent(self):
        return self.absent.anything()

    @rpc
    def call_stopped(self):
        return self.stopped.anything()


class Stopped:
    name = "kt_stopped"

    @rpc
    def anything(self):
        return "answered"


@pytest.fixture(autouse=True)
def _reset():
    failures_left.clear()
    always_failing.clear()
    seen_correlation_ids.clear()


@pytest.fixture
def kernel_db(databases):
    url = databases("laas_kernel")
    engine = create_engine(url)
    effects_metadata.create_all(engine)
    yield sessionmaker(bind=engine)
    engine.dispose()


def wait_for(condition, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        eventlet.sleep(0.05)
    return condition()


def effect_counts(make_session):
    with make_session() as session:
        rows = session.execute(select(effects.c.n, func.count()).group_by(effects.c.n)).all()
    return dict(rows)


def commit_event(make_session, n):
    event = Happened(n=n)
    with make_session() as session, session.begin():
        add_event(session, event)
    return event


def unpublished(make_session):
    with make_session() as session:
        return session.scalar(
            select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        )


def test_relay_killed_between_commit_and_publish_loses_nothing(kernel_db, run_services, amqp_uri):
    run_services(Subscriber)
    commit_event(kernel_db, 1)

    class RelayKilled(Exception):
        pass

    def die(events):
        raise RelayKilled()

    with pytest.raises(RelayKilled):
        RelayPass(kernel_db, amqp_uri).run(publish=die)
    assert unpublished(kernel_db) == 1

    assert RelayPass(kernel_db, amqp_uri).run() == 1
    assert wait_for(lambda: effect_counts(kernel_db) == {1: 1})
    assert unpublished(kernel_db) == 0


def test_relay_dying_after_publish_sends_twice_but_the_effect_happens_once(
    kernel_db, run_services, amqp_uri
):
    run_services(Subscriber)
    commit_event(kernel_db, 2)
    relay = RelayPass(kernel_db, amqp_uri)

    def publish_then_die(events):
        relay.publish(events)
        raise ConnectionError("relay died before marking the row sent")

    with pytest.raises(ConnectionError):
        relay.run(publish=publish_then_die)
    assert relay.run() == 1  # the same event goes out a second time
    assert wait_for(lambda: len(seen_correlation_ids) >= 2)
    eventlet.sleep(0.3)
    assert effect_counts(kernel_db) == {2: 1}


def test_the_same_message_delivered_twice_changes_nothing_twice(kernel_db, run_services, amqp_uri):
    run_services(Subscriber)
    event = Happened(n=3)
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("kt_source", "happened", event.to_payload())
    dispatch("kt_source", "happened", event.to_payload())
    assert wait_for(lambda: len(seen_correlation_ids) >= 2)
    eventlet.sleep(0.3)
    assert effect_counts(kernel_db) == {3: 1}


def test_a_handler_failing_three_times_then_succeeding_applies_once(
    kernel_db, run_services, amqp_uri
):
    run_services(Subscriber)
    failures_left[4] = 3
    commit_event(kernel_db, 4)
    RelayPass(kernel_db, amqp_uri).run()
    assert wait_for(lambda: effect_counts(kernel_db) == {4: 1})
    assert len(seen_correlation_ids) == 4  # three failures and the success
    assert list_dead_letters(kernel_db) == []


def test_a_poison_message_is_dead_lettered_without_holding_up_the_others(
    kernel_db, run_services, amqp_uri
):
    run_services(Subscriber)
    always_failing.add(5)
    dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
    dispatch("kt_source", "happened", {"n": "not a number", "event_id": "x"})  # malformed
    commit_event(kernel_db, 5)  # valid, but its handler always fails
    for n in (6, 7, 8):
        commit_event(kernel_db, n)
    RelayPass(kernel_db, amqp_uri).run()

    # The good ones are through before the poison one has used up its retries.
    assert wait_for(lambda: effect_counts(kernel_db) == {6: 1, 7: 1, 8: 1})
    assert wait_for(lambda: len(list_dead_letters(kernel_db)) == 2)
    dead = list_dead_letters(kernel_db)
    malformed = next(d for d in dead if d["payload"]["n"] == "not a number")
    assert malformed["attempts"] == 1 and "ValidationError" in malformed["error"]
    failing = next(d for d in dead if d["payload"]["n"] == 5)
    assert failing["attempts"] == 5 and "cannot handle 5" in failing["error"]

    # Once the cause is mended, operators replay it and it takes effect once.
    always_failing.clear()
    assert replay(kernel_db, amqp_uri, [failing["id"]]) == [failing["id"]]
    assert wait_for(lambda: effect_counts(kernel_db).get(5) == 1)
    assert [d["id"] for d in list_dead_letters(kernel_db)] == [malformed["id"]]


def test_outbox_relay_in_a_service_publishes_after_commit_with_the_callers_correlation_id(
    kernel_db, run_services, amqp_uri
):
    run_services(Source, Subscriber)
    with rpc_cluster(amqp_uri, timeout=5, correlation_id="abc123correlation") as cluster:
        cluster.kt_source.record(9)
    assert wait_for(lambda: effect_counts(kernel_db) == {9: 1})
    assert seen_correlation_ids == ["abc123correlation"]


def test_a_domain_error_crosses_rpc_with_its_code_message_and_details(
    kernel_db, run_services, amqp_uri
):
    run_services(Source)
    with rpc_cluster(amqp_uri, timeout=5) as cluster:
        with pytest.raises(DomainError) as raised:
            cluster.kt_source.refuse()
    assert raised.value.code == "refused_on_purpose"
    assert raised.value.message == "ปฏิเสธโดยตั้งใจ"
    assert raised.value.details == {"why": "because", "attempts_left": 4, "ok": False}


def test_a_lost_database_reaches_the_caller_as_service_unavailable(run_services, amqp_uri):
    run_services(Source)
    with rpc_cluster(amqp_uri, timeout=5) as cluster:
        with pytest.raises(DomainError) as raised:
            cluster.kt_source.lose_the_database()
    assert raised.value.code == ServiceUnavailable.code


def test_calling_a_service_that_never_ran_fails_at_once_with_a_clear_error(run_services, amqp_uri):
    run_services(Caller)
    with rpc_cluster(amqp_uri, timeout=10) as cluster:
        with pytest.raises(DomainError) as raised:
            cluster.kt_caller.call_absent()
    assert raised.value.code == ServiceUnavailable.code


def test_calling_a_service_that_stopped_fails_within_its_timeout(run_services, amqp_uri):
    stopped = run_services(Stopped)
    stopped.stop()  # its queue stays; nobody consumes it
    run_services(Caller)
    started = time.monotonic()
    with rpc_cluster(amqp_uri, timeout=10) as cluster:
        with pytest.raises(DomainError) as raised:
            cluster.kt_caller.call_stopped()
    waited = time.monotonic() - started
    assert raised.value.code == ServiceUnavailable.code
    assert "ไม่พร้อมให้บริการ" in raised.value.message
    assert waited < 5  # the 1-second timeout, not the caller's 10 s nor forever


def outbox_rows(make_session):
    with make_session() as session:
        return session.execute(
            select(outbox.c.published_at, outbox.c.next_attempt_at, outbox.c.attempts)
        ).all()


def test_a_committed_event_is_handed_to_the_relay_and_sent_before_any_poll_could_take_it(
    kernel_db, run_services, amqp_uri
):
    run_services(Source, Subscriber)
    with rpc_cluster(amqp_uri, timeout=5) as cluster:
        cluster.kt_source.record(21)
    assert wait_for(lambda: effect_counts(kernel_db) == {21: 1})
    [(published_at, due_for_a_poll, attempts)] = outbox_rows(kernel_db)
    assert published_at is not None and published_at < due_for_a_poll and attempts == 0


def test_events_of_a_rolled_back_attempt_are_never_published(kernel_db, run_services, amqp_uri):
    run_services(Source, Subscriber)
    with rpc_cluster(amqp_uri, timeout=5) as cluster:
        cluster.kt_source.record_after_a_retry(30)
        cluster.kt_source.record(40)  # published after anything the retry handed over
    assert wait_for(lambda: 40 in effect_counts(kernel_db))
    eventlet.sleep(0.3)
    assert effect_counts(kernel_db) == {32: 1, 40: 1}


def test_a_handed_over_event_nobody_listens_to_yet_waits_for_a_poll_and_then_arrives(
    kernel_db, run_services, amqp_uri, monkeypatch
):
    monkeypatch.setattr(outbox_module, "HAND_OVER_GRACE", outbox_module.timedelta(seconds=0.5))
    run_services(Source)
    with rpc_cluster(amqp_uri, timeout=5) as cluster:
        cluster.kt_source.record(50)
    eventlet.sleep(0.3)  # came back from the broker: no queue is bound to it yet
    [(published_at, _, _)] = outbox_rows(kernel_db)
    assert published_at is None
    run_services(Subscriber)
    assert wait_for(lambda: effect_counts(kernel_db) == {50: 1})
    [(published_at, due_for_a_poll, _)] = outbox_rows(kernel_db)
    assert published_at >= due_for_a_poll  # a poll sent it, once its grace was over


def test_a_batch_is_split_into_what_the_broker_took_and_what_came_back(amqp_uri):
    from kombu import Connection, Exchange, Queue

    exchange = Exchange("kt_batch.events", type="topic", durable=True)
    publisher = BatchPublisher(amqp_uri, lambda source: exchange)
    listened = Queue("kt_batch_listener", exchange, routing_key="listened", durable=False)
    with Connection(amqp_uri) as conn:
        channel = conn.channel()
        exchange(channel).declare()
        listened(channel).declare()
        events = [
            OutgoingEvent(
                f"00000000-0000-0000-0000-{n:012d}", "kt_batch", kind, f'{{"n": {n}}}', {}
            )
            for n in range(40)
            for kind in (["listened", "unheard"][n % 2],)
        ]
        result = publisher.publish(events)
        publisher.close()
        assert result.confirmed == [e.event_id for e in events if e.event_type == "listened"]
        assert result.returned == [e.event_id for e in events if e.event_type == "unheard"]
        received = []
        while (message := listened(channel).get(no_ack=True)) is not None:
            received.append(message.properties["message_id"])
        assert received == result.confirmed


def test_a_failed_hand_over_leaves_every_handed_event_to_the_poll_and_keeps_none():
    class BrokerAway:
        batch = 2

        def deliver(self, events):
            raise ConnectionError("broker away")

    relay = OutboxRelay()
    relay._running = True
    relay.relay_pass = BrokerAway()
    relay.hand_over([OutgoingEvent(str(n), "kt_source", "happened", "{}", {}) for n in range(5)])
    with pytest.raises(ConnectionError):
        relay._deliver_handed()
    assert relay._handed == []  # their rows fall due for the poll after the grace
