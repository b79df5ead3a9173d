"""Database access for a nameko service: one engine per container, one session per worker.

psycopg2 is made green so that a query waiting on PostgreSQL yields to other
greenthreads instead of blocking the eventlet hub.
"""

import logging

from nameko.extensions import DependencyProvider
from sqlalchemy import create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .settings import settings_from_config

log = logging.getLogger(__name__)
_green = False


def make_psycopg2_green():
    global _green
    if _green:
        return
    from eventlet.support import psycopg2_patcher

    psycopg2_patcher.make_psycopg_green()
    _green = True


def create_service_engine(url: str, pool_size: int = 10):
    return create_engine(
        url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,
        pool_recycle=1800,
        future=True,
    )


class Database(DependencyProvider):
    """Injects a ``Session`` bound to this service's own database.

    Every after-commit hook registered in ``session.info["after_commit"]`` runs once
    the transaction is durable: that is how the outbox wakes its relay.
    """

    def __init__(self, service_name: str, pool_size: int = 10):
        self.service_name = service_name
        self.pool_size = pool_size
        self.engine = None
        self.sessionmaker = None
        self.sessions = {}

    def setup(self):
        make_psycopg2_green()
        settings = settings_from_config(self.container.config)
        self.url = settings.database_url_for(self.service_name)
        self.engine = create_service_engine(self.url, self.pool_size)
        self.sessionmaker = sessionmaker(bind=self.engine, expire_on_commit=False)
        event.listen(self.sessionmaker, "after_commit", _run_after_commit_hooks)
        event.listen(self.sessionmaker, "after_transaction_end", _drop_after_commit_hooks)

    def stop(self):
        if self.engine is not None:
            self.engine.dispose()

    def kill(self):
        self.stop()

    def get_dependency(self, worker_ctx):
        session = self.sessionmaker()
        self.sessions[worker_ctx] = session
        return session

    def worker_teardown(self, worker_ctx):
        session = self.sessions.pop(worker_ctx, None)
        if session is not None:
            session.close()

    def new_session(self) -> Session:
        return self.sessionmaker()

    def check(self) -> str:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return "ok"
        except Exception as exc:  # health reports, never raises
            log.warning("database check failed: %s", exc)
            return "down"


def _run_after_commit_hooks(session):
    hooks = session.info.pop("after_commit", [])
    for hook in hooks:
        hook()


def _drop_after_commit_hooks(session, transaction):
    # However the outermost transaction ended, its hooks are done: after a commit they have
    # run; after a rollback (even one that failed) they must never run, since what they
    # announce was never stored.
    if transaction.parent is None:
        session.info.pop("after_commit", None)


def after_commit(session: Session, hook):
    hooks = session.info.setdefault("after_commit", [])
    if hook not in hooks:
        hooks.append(hook)
