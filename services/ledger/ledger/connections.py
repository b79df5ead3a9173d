"""Database connections for postings: kept open in autocommit, handed out without a ping.

A posting sends its own BEGIN with its first statements and its COMMIT with its last
(``posting.post_vouchers``), so it needs nothing from the driver's or the ORM's transaction
handling. Through SQLAlchemy's pool each posting also paid a ping at checkout and the
isolation-level switches on the way in and out: three round trips more than the two the
posting needs, and on this kind of machine each round trip under load costs milliseconds.

A connection that comes back with a transaction still open (the posting failed half-way)
or broken is closed, never reused: closing it rolls back whatever it held on the server.
"""

from contextlib import contextmanager

import psycopg2
from nameko.extensions import DependencyProvider
from psycopg2.extensions import TRANSACTION_STATUS_IDLE
from sqlalchemy.engine import make_url

from laas_kernel.db import make_psycopg2_green
from laas_kernel.settings import settings_from_config


class PostingConnections(DependencyProvider):
    def __init__(self, service_name: str = "ledger", keep: int = 10, prepare=()):
        self.service_name = service_name
        self.prepare = list(prepare)  # PREPARE statements every new connection runs once
        self.keep = keep  # idle connections kept open; the service's workers bound the rest
        self.idle: list = []

    def setup(self):
        make_psycopg2_green()
        url = settings_from_config(self.container.config).database_url_for(self.service_name)
        self.dsn = make_url(url).set(drivername="postgresql").render_as_string(False)

    def stop(self):
        idle, self.idle = self.idle, []
        for connection in idle:
            connection.close()

    def kill(self):
        self.stop()

    @contextmanager
    def cursor(self):
        connection = self.idle.pop() if self.idle else self._connect()
        try:
            yield connection.cursor()
        finally:
            reusable = (
                not connection.closed
                and connection.info.transaction_status == TRANSACTION_STATUS_IDLE
            )
            if reusable and len(self.idle) < self.keep:
                self.idle.append(connection)
            else:
                connection.close()

    def discard_idle(self):
        """After a connection broke: the idle ones most likely broke with it (a database
        restart), and a retry should not spend its attempts finding that out one by one."""
        self.stop()

    def _connect(self):
        connection = psycopg2.connect(self.dsn)
        try:
            connection.autocommit = True
            if self.prepare:
                connection.cursor().execute(";\n".join(self.prepare))
        except BaseException:
            connection.close()
            raise
        return connection

    def get_dependency(self, worker_ctx):
        return self
