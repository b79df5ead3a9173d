"""Transactional outbox: an event is stored with the state change that caused it and
published afterwards by a relay, with publisher confirms.

A crash between the commit and the publish loses nothing: the row is still unpublished and
the next relay pass sends it. A crash between the publish and marking the row sent sends it
twice, which the consumers' inbox absorbs. Publishing is ``mandatory``: an event that no
queue is bound to yet stays in the outbox and is tried again, instead of vanishing.
"""

import logging
from datetime import UTC, datetime, timedelta

import eventlet
from eventlet.event import Event as GreenEvent
from nameko.amqp.publish import Publisher, UndeliverableMessage
from nameko.extensions import DependencyProvider
from nameko.standalone.events import get_event_exchange
from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session

from . import correlation
from .db import after_commit
from .events import Event
from .schema import outbox

log = logging.getLogger(__name__)

# Relays in this process, woken when a transaction that wrote to the outbox commits.
_relays: set = set()


def _wake_relays():
    for relay in list(_relays):
        relay.wake()


def add_event(session: Session, event: Event, correlation_id: str | None = None):
    """Store ``event`` in the current transaction; it is published once that commits."""
    headers = {correlation.HEADER: correlation_id or correlation.current() or correlation.new_id()}
    session.execute(
        insert(outbox).values(
            event_id=event.event_id,
            source=event.source,
            event_type=event.event_type,
            payload=event.to_payload(),
            headers=headers,
        )
    )
    publish_after_commit(session)


def publish_after_commit(session: Session):
    """Wake this process's relay once ``session`` commits. ``add_event`` does it; code that
    writes many outbox rows in one statement of its own calls it too."""
    after_commit(session, _wake_relays)


def retry_delay(attempts: int) -> timedelta:
    return timedelta(seconds=min(2 ** max(attempts - 1, 0), 60))


class RelayPass:
    """One pass over the outbox: publish what is due, mark it sent. Plain, so tests can
    run it (or stop half-way through it) without a nameko container."""

    def __init__(self, sessionmaker, amqp_uri: str, config: dict | None = None, batch=200):
        self.sessionmaker = sessionmaker
        self.config = config or {}
        self.batch = batch
        self.publisher = Publisher(amqp_uri, use_confirms=True, mandatory=True)
        self.declared: set[str] = set()

    def run(self, publish=None) -> int:
        publish = publish or self.publish
        sent_ids = []
        with self.sessionmaker() as session, session.begin():
            now = datetime.now(UTC)
            rows = session.execute(
                select(outbox)
                .where(outbox.c.published_at.is_(None), outbox.c.next_attempt_at <= now)
                .order_by(outbox.c.id)
                .limit(self.batch)
                .with_for_update(skip_locked=True)
            ).all()
            for row in rows:
                try:
                    publish(row)
                except UndeliverableMessage:
                    self._postpone(session, row, "no queue is bound for this event yet")
                    continue
                sent_ids.append(row.id)
            if sent_ids:
                session.execute(
                    update(outbox).where(outbox.c.id.in_(sent_ids)).values(published_at=now)
                )
        return len(sent_ids)

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

    def publish(self, row):
        exchange = get_event_exchange(row.source, self.config)
        headers = {f"nameko.{key}": value for key, value in (row.headers or {}).items()}
        # Declaring the exchange costs a round trip: once per exchange is enough.
        declare = [] if row.source in self.declared else [exchange]
        self.publisher.publish(
            row.payload,
            exchange=exchange,
            routing_key=row.event_type,
            headers=headers,
            message_id=str(row.event_id),
            declare=declare,
        )
        self.declared.add(row.source)


class OutboxRelay(DependencyProvider):
    """Runs the relay inside a service process. Declared on the service class beside its
    ``Database``; woken right after commits that wrote events, and polls as a fallback."""

    def __init__(self, database_attr: str = "db", poll_seconds: float = 1.0):
        self.database_attr = database_attr
        self.poll_seconds = poll_seconds
        self._wakeup = GreenEvent()
        self._running = False
        self._thread = None

    def setup(self):
        database = next(
            dep
            for dep in self.container.dependencies
            if getattr(dep, "attr_name", None) == self.database_attr
        )
        self.database = database

    def start(self):
        self.relay_pass = RelayPass(
            self.database.sessionmaker, self.container.config["AMQP_URI"], self.container.config
        )
        self._running = True
        _relays.add(self)
        self._thread = self.container.spawn_managed_thread(self._loop)

    def stop(self):
        self._running = False
        _relays.discard(self)
        self.wake()
        if self._thread is not None:
            self._thread.wait()

    def kill(self):
        self._running = False
        _relays.discard(self)
        if self._thread is not None:
            self._thread.kill()

    def wake(self):
        if not self._wakeup.ready():
            self._wakeup.send(True)

    def _loop(self):
        while self._running:
            # A fresh event before each pass: a commit during the pass wakes the next one.
            self._wakeup = GreenEvent()
            try:
                while self._running and self.relay_pass.run() == self.relay_pass.batch:
                    pass
            except Exception:
                log.exception("outbox relay pass failed; will try again")
                eventlet.sleep(self.poll_seconds)
            with eventlet.Timeout(self.poll_seconds, False):
                self._wakeup.wait()

    def get_dependency(self, worker_ctx):
        return self
