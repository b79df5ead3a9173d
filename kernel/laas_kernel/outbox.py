"""Transactional outbox: an event is stored with the state change that caused it and
published afterwards by a relay, with publisher confirms.

Two ways out of the table:

- **Hand-over** (the fast path). When the transaction that stored events commits, the
  events go straight to the relay of this process and database, which publishes whatever
  it has been handed since its last batch, waits once for the broker's confirms and marks
  the rows sent in one statement. Their rows are stored not due before ``HAND_OVER_GRACE``
  from now, so no poll takes them while the hand-over is under way.
- **Poll** (the safety net). Every ``poll_seconds`` the relay takes the rows that are due —
  hand-overs that a crash or a broker outage left behind, events no queue was bound to
  yet, rows written where no relay runs — with ``FOR UPDATE SKIP LOCKED``, so several
  replicas share the work.

A crash between the commit and the publish loses nothing: the row is still unpublished
and a poll sends it. A crash between the publish and marking the row sent sends it twice,
which the consumers' inbox absorbs. Publishing is ``mandatory``: an event that no queue is
bound to yet stays in the outbox and is tried again, instead of vanishing.
"""

import json
import logging
import time
import uuid
from datetime import UTC, datetime, timedelta

import eventlet
from eventlet.event import Event as GreenEvent
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import correlation
from .confirms import BatchPublisher, OutgoingEvent
from .db import after_commit
from .events import Event
from .schema import outbox

log = logging.getLogger(__name__)

HAND_OVER_GRACE = timedelta(seconds=5)

# The running relays of this process, by the engine of the database whose outbox they
# empty: a commit hands its events to the relay of its own database.
_relays: dict = {}


def add_event(session: Session, event: Event, correlation_id: str | None = None):
    """Store ``event`` in the current transaction; it is published once that commits."""
    headers = {correlation.HEADER: correlation_id or correlation.current() or correlation.new_id()}
    payload = event.to_payload()
    outgoing = OutgoingEvent(
        str(event.event_id), event.source, event.event_type, json.dumps(payload), headers
    )
    session.execute(
        insert(outbox).values(
            event_id=event.event_id,
            source=event.source,
            event_type=event.event_type,
            payload=payload,
            headers=headers,
            next_attempt_at=hand_over_after_commit(session, [outgoing]),
        )
    )


def hand_over_after_commit(session: Session, events: list[OutgoingEvent]) -> datetime:
    """Hand ``events`` to this process's relay once ``session`` commits.

    The caller stores their rows in the same transaction with ``next_attempt_at`` set to
    the returned time: later than now when a relay will publish them, so that no poll
    sends them a second time meanwhile; now when there is no relay here to hand them to.
    """
    relay = _relays.get(session.get_bind())
    now = datetime.now(UTC)
    if relay is None:
        return now
    after_commit(session, lambda: relay.hand_over(events))
    return now + HAND_OVER_GRACE


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts - 1, 0), 60))


def _ids(event_ids) -> list[uuid.UUID]:
    return [uuid.UUID(str(event_id)) for event_id in event_ids]


def _outgoing(row) -> OutgoingEvent:
    return OutgoingEvent(
        str(row.event_id), row.source, row.event_type, json.dumps(row.payload), row.headers or {}
    )


class RelayPass:
    """Publishing and marking, without a nameko container, so that tests can run a poll
    pass (or stop half-way through one) by hand."""

    def __init__(self, sessionmaker, amqp_uri: str, config: dict | None = None, batch=200):
        self.sessionmaker = sessionmaker
        self.batch = batch
        config = config or {}
        self.publisher = BatchPublisher(amqp_uri, lambda source: get_event_exchange(source, config))
        self._marker = None  # the connection that marks handed-over events sent

    def publish(self, events: list[OutgoingEvent]):
        return self.publisher.publish(events)

    def run(self, publish=None) -> int:
        """One poll pass: publish what is due, mark it sent, postpone what came back."""
        publish = publish or self.publish
        with self.sessionmaker() as session, session.begin():
            now = datetime.now(UTC)
            rows = session.execute(
                select(outbox)
                .where(outbox.c.published_at.is_(None), outbox.c.next_attempt_at <= now)
                .order_by(outbox.c.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            if not rows:
                return 0
            result = publish([_outgoing(row) for row in rows])
            if result.confirmed:
                session.execute(
                    update(outbox)
                    .where(outbox.c.event_id.in_(_ids(result.confirmed)))
                    .values(published_at=now)
                )
            returned = set(result.returned)
            for row in rows:
                if str(row.event_id) in returned:
                    self._postpone(session, row, "no queue is bound for this event yet")
        return len(result.confirmed)

    def deliver(self, events: list[OutgoingEvent]) -> int:
        """Publish handed-over events and mark the confirmed ones sent. What came back or
        failed stays due at its grace time, for a poll."""
        result = self.publish(events)
        if result.confirmed:
            self._mark_sent(result.confirmed)
        return len(result.confirmed)

    # One round trip on a connection the relay keeps open in autocommit: no checkout, no
    # isolation switching. Not waiting for the WAL flush is safe here: a mark lost in a
    # crash only means the event is sent again, which the consumers' inbox absorbs.
    MARK_SENT = (
        "BEGIN; SET LOCAL synchronous_commit TO off;"
        " UPDATE outbox SET published_at = now()"
        " WHERE event_id = ANY(%(ids)s::uuid[]) AND published_at IS NULL; COMMIT"
    )

    def _mark_sent(self, event_ids):
        if self._marker is None:
            engine = self.sessionmaker.kw["bind"]
            self._marker = engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            self._marker.exec_driver_sql(self.MARK_SENT, {"ids": [str(i) for i in event_ids]})
        except Exception:
            marker, self._marker = self._marker, None
            marker.invalidate()
            raise

    def _postpone(self, session, row, reason):
        attempts = row.attempts + 1
        session.execute(
            update(outbox)
            .where(outbox.c.id == row.id)
            .values(
                attempts=attempts,
                last_error=reason,
                next_attempt_at=datetime.now(UTC) + retry_delay(attempts),
            )
        )

    def close(self):
        self.publisher.close()
        if self._marker is not None:
            self._marker.close()
            self._marker = None


class OutboxRelay(DependencyProvider):
    """Runs the relay inside a service process. Declared on the service class beside its
    ``Database``; publishes what commits hand over at once, and polls as a safety net."""

    def __init__(self, database_attr: str = "db", poll_seconds: float = 1.0):
        self.database_attr = database_attr
        self.poll_seconds = poll_seconds
        self._wakeup = GreenEvent()
        self._handed: list[OutgoingEvent] = []
        self._running = False
        self._thread = None

    def setup(self):
        self.database = next(
            dep
            for dep in self.container.dependencies
            if getattr(dep, "attr_name", None) == self.database_attr
        )

    def start(self):
        self.relay_pass = RelayPass(
            self.database.sessionmaker, self.container.config["AMQP_URI"], self.container.config
        )
        self._running = True
        _relays[self.database.engine] = self
        self._thread = self.container.spawn_managed_thread(self._loop)

    def stop(self):
        self._running = False
        _relays.pop(self.database.engine, None)
        self.wake()
        if self._thread is not None:
            self._thread.wait()
        self.relay_pass.close()

    def kill(self):
        self._running = False
        _relays.pop(self.database.engine, None)
        if self._thread is not None:
            self._thread.kill()

    def hand_over(self, events: list[OutgoingEvent]):
        if self._running:  # once stopping, the poll of the next start sends them
            self._handed.extend(events)
            self.wake()

    def wake(self):
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def _loop(self):
        next_poll = 0.0
        while self._running:
            # A fresh event before each batch: a hand-over during the batch wakes the next.
            self._wakeup = GreenEvent()
            try:
                self._deliver_handed()
                if time.monotonic() >= next_poll:
                    next_poll = time.monotonic() + self.poll_seconds
                    while self._running and self.relay_pass.run() == self.relay_pass.batch:
                        pass
            except Exception:
                log.exception("outbox relay failed; the poll will try again")
                eventlet.sleep(self.poll_seconds)
            if not self._handed:
                with eventlet.Timeout(max(next_poll - time.monotonic(), 0), False):
                    self._wakeup.wait()
        self._deliver_handed(final=True)

    def _deliver_handed(self, final=False):
        while self._handed:
            events, self._handed = (
                self._handed[: self.relay_pass.batch],
                self._handed[self.relay_pass.batch :],
            )
            try:
                self.relay_pass.deliver(events)
            except Exception:
                # The broker or the database is away. Every handed-over event is stored and
                # falls due for the poll at its grace time: keep none of them in memory.
                left, self._handed = len(events) + len(self._handed), []
                if not final:
                    raise
                log.warning("stopping: %d handed-over events are left to a poll", left)

    def get_dependency(self, worker_ctx):
        return self
