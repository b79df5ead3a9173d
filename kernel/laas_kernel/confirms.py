"""Publishing a batch of events with publisher confirms, waiting once for the whole batch.

nameko's ``Publisher`` waits for each message's confirm before it sends the next one: a
broker round trip per event. The outbox relay sends a pass's events back to back on one
channel in confirm mode and then collects the broker's acks, so a pass of N events costs
one wait. Messages are built as nameko's event dispatcher builds them (JSON body,
persistent, ``nameko.*`` context headers), so nameko's event handlers read them unchanged.
"""

import logging
from dataclasses import dataclass

import amqp
from kombu import Connection

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class OutgoingEvent:
    """An event as the outbox stores it and the relay publishes it."""

    event_id: str
    source: str  # the service whose exchange ``<source>.events`` carries it
    event_type: str  # the routing key
    body: str  # the payload as JSON text
    headers: dict  # context headers (correlation id), without the ``nameko.`` prefix


@dataclass
class BatchResult:
    confirmed: list  # event ids the broker has taken
    returned: list  # event ids no queue is bound for yet (mandatory publish came back)


class BatchPublisher:
    """One connection and channel, kept between batches and reopened after a failure."""

    def __init__(self, amqp_uri: str, exchange_for, confirm_timeout: float = 10.0):
        self.amqp_uri = amqp_uri
        self.exchange_for = exchange_for  # source -> kombu Exchange (nameko's declaration)
        self.confirm_timeout = confirm_timeout
        self._connection = None  # kombu's, around py-amqp's
        self._channel = None
        self._next_tag = 0
        self._declared: set[str] = set()

    def publish(self, events: list[OutgoingEvent]) -> BatchResult:
        """Publish ``events``; raise if the broker could not be reached (nothing is known
        to be sent then, and the caller leaves the events for a later pass)."""
        if not events:
            return BatchResult([], [])
        try:
            return self._publish(events)
        except Exception:
            self._drop()
            raise

    def _publish(self, events):
        channel = self._open()
        returned: set[str] = set()
        nacked: set[int] = set()
        outstanding: dict[int, str] = {}

        def on_return(exc, exchange, routing_key, message):
            returned.add(message.properties.get("message_id"))

        def settle(delivery_tag, multiple, rejected=False):
            tags = [t for t in outstanding if t <= delivery_tag] if multiple else [delivery_tag]
            for tag in tags:
                if outstanding.pop(tag, None) is not None and rejected:
                    nacked.add(tag)

        handlers = (
            ("basic_return", on_return),
            ("basic_ack", settle),
            ("basic_nack", lambda tag, multiple: settle(tag, multiple, rejected=True)),
        )
        for name, handler in handlers:
            channel.events[name].add(handler)
        try:
            tag_of = {}
            for event in events:
                self._declare(channel, event.source)
                self._next_tag += 1
                outstanding[self._next_tag] = event.event_id
                tag_of[event.event_id] = self._next_tag
                channel.basic_publish(
                    _message(event),
                    exchange=f"{event.source}.events",
                    routing_key=event.event_type,
                    mandatory=True,
                )
            while outstanding:
                self._connection.connection.drain_events(timeout=self.confirm_timeout)
        finally:
            for name, handler in handlers:
                channel.events[name].discard(handler)
        confirmed = [
            e.event_id
            for e in events
            if e.event_id not in returned and tag_of[e.event_id] not in nacked
        ]
        return BatchResult(confirmed, [e.event_id for e in events if e.event_id in returned])

    def _open(self):
        if self._channel is None:
            connection = Connection(self.amqp_uri)
            connection.connect()
            channel = connection.connection.channel()  # py-amqp's own channel
            channel.confirm_select()
            self._connection, self._channel = connection, channel
            self._next_tag = 0  # delivery tags count from 1 on a channel in confirm mode
            self._declared = set()
        return self._channel

    def _declare(self, channel, source: str):
        # Declaring costs a round trip: once per exchange and connection is enough.
        if source not in self._declared:
            self.exchange_for(source)(channel).declare()
            self._declared.add(source)

    def close(self):
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            try:
                connection.release()
            except Exception:  # already broken: nothing more to release
                log.debug("closing the relay's broker connection failed", exc_info=True)

    def _drop(self):
        # After a failure the broker may not answer a polite close (a resource alarm, a
        # silent network): let go of the socket without waiting for its CloseOk.
        connection, self._connection, self._channel = self._connection, None, None
        if connection is not None:
            connection.collect()


def _message(event: OutgoingEvent) -> amqp.Message:
    return amqp.Message(
        event.body.encode(),
        content_type="application/json",
        content_encoding="utf-8",
        delivery_mode=2,  # persistent, as nameko's dispatcher sends events
        message_id=str(event.event_id),
        application_headers={f"nameko.{key}": value for key, value in event.headers.items()},
    )
