"""The kernel's nameko entrypoints: ``rpc`` that sends domain errors in a form every caller
can read, and ``event_handler`` that retries with backoff and dead-letters what keeps failing.
"""

import json
import logging
import os

import psycopg2
from kombu import Queue
from nameko.amqp.publish import Publisher
from nameko.events import EventHandler
from nameko.rpc import Rpc
from nameko.timer import Timer
from pydantic import ValidationError
from sqlalchemy import exc as sa_exc

from .errors import DomainError, InvalidInput, ServiceUnavailable
from .settings import settings_from_config

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-laas-attempt"
MAX_RETRY_DELAY_MS = 300_000


def _as_domain_error(exc):
    if isinstance(exc, DomainError):
        return exc.to_wire()
    if isinstance(exc, ValidationError):
        problems = {
            ".".join(str(part) for part in error["loc"]) or "body": error["msg"]
            for error in exc.errors()
        }
        return InvalidInput(details={"fields": problems}).to_wire()
    if isinstance(exc, _DATABASE_UNREACHABLE):
        # The database went away (or kept refusing after the retries): the caller may try
        # again later, so it hears "unavailable", not "internal error". Still logged.
        return ServiceUnavailable().to_wire()
    return None


_DATABASE_UNREACHABLE = (
    psycopg2.OperationalError,
    psycopg2.InterfaceError,
    sa_exc.OperationalError,
    sa_exc.InterfaceError,
)


class DomainRpc(Rpc):
    """An RPC entrypoint whose refusals reach the caller as ``DomainError``.

    Subclasses are sent as the base class (with their code, message and details), so a
    caller needs none of the service's modules to read them. Invalid payloads (pydantic)
    become ``invalid_input``.
    """

    def __init__(self, expected_exceptions=(DomainError, ValidationError), **kwargs):
        super().__init__(expected_exceptions=expected_exceptions, **kwargs)

    def handle_result(self, message, worker_ctx, result, exc_info):
        if exc_info is not None:
            wire = _as_domain_error(exc_info[1])
            if wire is not None:
                exc_info = (DomainError, wire, exc_info[2])
        return super().handle_result(message, worker_ctx, result, exc_info)


rpc = DomainRpc.decorator


class ConfiguredTimer(Timer):
    """nameko's timer, its interval (seconds) read from ``setting`` in the container's config
    or the environment when present: housekeeping runs every few minutes, a test makes it run
    every moment."""

    def __init__(self, setting: str, default: float, **kwargs):
        super().__init__(interval=default, **kwargs)
        self.setting = setting

    def setup(self):
        configured = self.container.config.get(self.setting) or os.environ.get(self.setting)
        self.interval = float(configured or self.interval)


every = ConfiguredTimer.decorator


def retry_delay_ms(attempt: int, base_ms: int) -> int:
    return min(base_ms * 2 ** (attempt - 1), MAX_RETRY_DELAY_MS)


def is_permanent(exc) -> bool:
    """Failures that no retry can mend: a bad payload, a domain refusal, or an error
    that says so (``permanent = True``)."""
    return isinstance(exc, (ValidationError, DomainError)) or getattr(exc, "permanent", False)


class ReliableEventHandler(EventHandler):
    """An event handler that never loops forever and never drops a message.

    A failed message is acknowledged only after a copy is safely elsewhere: republished to
    a delay queue that returns it after a backoff, or, once ``EVENT_MAX_ATTEMPTS`` is used
    up or the failure is permanent, stored in the service's ``dead_letters`` table for
    operators to inspect and replay. Errors marked ``transient = True`` (a mail server that
    is down) are retried without that limit. Messages behind a failing one are not held up.
    """

    def __init__(self, source_service, event_type, database_attr="db", **kwargs):
        super().__init__(source_service, event_type, **kwargs)
        self.database_attr = database_attr

    def setup(self):
        super().setup()
        settings = settings_from_config(self.container.config)
        self.max_attempts = settings.event_max_attempts
        self.retry_base_ms = settings.event_retry_base_ms
        self.publisher = Publisher(self.container.config["AMQP_URI"], use_confirms=True)

    def handle_message_processed(self, message, result=None, exc_info=None):
        if exc_info is not None:
            try:
                self._handle_failure(message, exc_info[1])
            except Exception:
                log.exception("could not park a failed message; it goes back to the queue")
                self.queue_consumer.requeue_message(message)
                return
        self.queue_consumer.ack_message(message)

    def _handle_failure(self, message, exc):
        attempt = int(message.headers.get(ATTEMPT_HEADER, 0)) + 1
        transient = getattr(exc, "transient", False)
        if is_permanent(exc) or (not transient and attempt >= self.max_attempts):
            self._dead_letter(message, exc, attempt)
        else:
            self._retry_later(message, attempt)

    def _retry_later(self, message, attempt):
        delay_ms = retry_delay_ms(attempt, self.retry_base_ms)
        delay_queue = Queue(
            f"{self.queue.name}.retry.{delay_ms}",
            durable=True,
            queue_arguments={
                "x-message-ttl": delay_ms,
                "x-dead-letter-exchange": "",
                "x-dead-letter-routing-key": self.queue.name,
                # Unused delay queues go away, but only long after their messages left.
                "x-expires": delay_ms + 600_000,
            },
        )
        headers = dict(message.headers)
        headers[ATTEMPT_HEADER] = attempt
        log.warning("%s failed (attempt %s); retrying in %s ms", self.queue.name, attempt, delay_ms)
        self.publisher.publish(
            message.payload,
            exchange=None,
            routing_key=delay_queue.name,
            headers=headers,
            declare=[delay_queue],
        )

    def _dead_letter(self, message, exc, attempt):
        from .deadletter import store_dead_letter

        database = self._database()
        log.error("%s gave up after %s attempt(s): %r", self.queue.name, attempt, exc)
        store_dead_letter(
            database.sessionmaker,
            queue=self.queue.name,
            event_type=self.event_type,
            payload=message.payload,
            headers=json.loads(json.dumps(dict(message.headers), default=str)),
            error=f"{type(exc).__name__}: {exc}"[:4000],
            attempts=attempt,
        )

    def _database(self):
        for dependency in self.container.dependencies:
            if getattr(dependency, "attr_name", None) == self.database_attr:
                return dependency
        raise RuntimeError(f"service has no database dependency named {self.database_attr!r}")


event_handler = ReliableEventHandler.decorator
