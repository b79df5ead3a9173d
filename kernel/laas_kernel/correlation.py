"""The correlation id: chosen at the HTTP edge, carried through RPC and events, and put in
every log line, so that one user action can be followed across services.

nameko forwards ``worker_ctx.data`` as message headers on every RPC call and event it sends;
the outbox relay copies it from the outbox row. This provider reads it back on each worker.
"""

import logging
import uuid

from eventlet import corolocal
from nameko.extensions import DependencyProvider

HEADER = "correlation_id"
_local = corolocal.local()


def current() -> str | None:
    return getattr(_local, "correlation_id", None)


def set_current(correlation_id: str | None):
    _local.correlation_id = correlation_id


def new_id() -> str:
    return uuid.uuid4().hex


class CorrelationId(DependencyProvider):
    """Gives each worker a correlation id (the caller's, or a new one) and logs with it."""

    def worker_setup(self, worker_ctx):
        correlation_id = worker_ctx.data.get(HEADER)
        if not correlation_id:
            correlation_id = new_id()
            worker_ctx.data[HEADER] = correlation_id
        set_current(correlation_id)

    def worker_teardown(self, worker_ctx):
        set_current(None)

    def get_dependency(self, worker_ctx):
        return worker_ctx.data.get(HEADER)


class CorrelationFilter(logging.Filter):
    def filter(self, record):
        record.correlation_id = current()
        return True
