"""Fixtures for the ledger's service tests: the service on a vhost and database of its own,
an RPC client through RabbitMQ, and plain SQL on the same database for checking results.

The service is started once per test module (starting it per test costs ~2.5 s of vhost and
database set-up); tests stay independent by each using units of their own.
"""

import uuid

import pytest
from nameko.runners import ServiceRunner
from sqlalchemy import create_engine, text
from sqlalchemy.orm import Session

from laas_kernel.standalone import rpc_cluster


class LedgerUnderTest:
    def __init__(self, rpc, amqp_uri, database_url):
        self.rpc = rpc
        self.amqp_uri = amqp_uri
        self.database_url = database_url
        self.engine = create_engine(database_url, pool_size=2)

    def sql(self, statement, **params):
        with self.engine.begin() as conn:
            return conn.execute(text(statement), params).all()

    def session(self) -> Session:
        return Session(self.engine)

    def events(self, unit_id, event_type="voucher_posted") -> list[dict]:
        rows = self.sql(
            "SELECT payload FROM outbox WHERE event_type = :type"
            " AND payload->>'unit_id' = :unit ORDER BY id",
            type=event_type,
            unit=unit_id,
        )
        return [row[0] for row in rows]

    def close(self):
        self.engine.dispose()


@pytest.fixture(scope="module")
def ledger_setup(infrastructure, test_databases):
    """(amqp_uri, database_url, config) of a vhost and a ledger database for one module."""
    _, server_url, vhosts = infrastructure
    vhost = vhosts.create()
    prefix = f"m{uuid.uuid4().hex[:10]}"
    database_url = test_databases.create(prefix, "ledger")
    # Per-test clean-up drops what ``create`` lists; this one lives for the whole module.
    test_databases.created.remove(f"{prefix}_ledger")
    config = {
        "AMQP_URI": vhosts.uri_for(vhost),
        "DATABASE_URL": server_url,
        "DATABASE_PREFIX": prefix,
        "RPC_TIMEOUT_SECONDS": 10,
        "max_workers": 10,
    }
    yield config["AMQP_URI"], database_url, config
    test_databases.drop(f"{prefix}_ledger")
    vhosts.delete(vhost)


@pytest.fixture(scope="module")
def ledger(ledger_setup):
    """The ledger service through RabbitMQ: ``ledger.rpc.post_voucher(...)``."""
    from ledger.service import LedgerService

    amqp_uri, database_url, config = ledger_setup
    runner = ServiceRunner(config)
    runner.add_service(LedgerService)
    runner.start()
    try:
        with rpc_cluster(amqp_uri, timeout=30) as cluster:
            under_test = LedgerUnderTest(cluster.ledger, amqp_uri, database_url)
            yield under_test
            under_test.close()
    finally:
        runner.kill()


@pytest.fixture
def unit_id():
    return f"unit-{uuid.uuid4().hex[:12]}"
