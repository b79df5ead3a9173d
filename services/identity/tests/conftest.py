"""Fixtures for the identity service's tests: the service on this test's own vhost and
database, the ThaiD sandbox in-process, quick argon2 parameters, and an RPC client."""

import pytest
from sqlalchemy import create_engine, text

from laas_kernel.sealing import unseal
from laas_kernel.standalone import rpc_cluster

SECRET = "identity-test-secret-of-at-least-32-bytes"
FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}


@pytest.fixture
def thaid():
    from thaid_sandbox import ThaidSandbox

    with ThaidSandbox(port=0) as sandbox:
        yield sandbox


class IdentityUnderTest:
    def __init__(self, rpc, database_url, config):
        self.rpc = rpc
        self.config = config
        self.engine = create_engine(database_url, pool_size=1)

    def sql(self, statement, **params):
        with self.engine.begin() as conn:
            result = conn.execute(text(statement), params)
            return result.all() if result.returns_rows else result.rowcount

    def otp_events(self, email=None):
        rows = self.sql("SELECT payload FROM outbox WHERE event_type = 'otp_requested' ORDER BY id")
        payloads = [row[0] for row in rows]
        return [p for p in payloads if email is None or p["email"] == email]

    def last_otp(self, email=None) -> tuple[str, str]:
        """(code, ref) of the newest OTP event, unsealed as the notify service would."""
        event = self.otp_events(email)[-1]
        return unseal(event["code_sealed"], SECRET), event["otp_ref"]


@pytest.fixture
def start_identity(run_services, databases, service_config, thaid):
    """start_identity(**config) -> IdentityUnderTest with .rpc (a standalone proxy)."""
    from identity.service import IdentityService

    opened = []

    def start(**overrides):
        database_url = databases("identity")
        config = {
            "THAID_URL": thaid.url,
            "LAAS_SECRET_KEY": SECRET,
            "LAAS_ADMIN_USERNAME": "admin",
            "LAAS_ADMIN_PASSWORD": "Admin#2568",
            **FAST_HASHING,
            **overrides,
        }
        run_services(IdentityService, **config)
        cluster = rpc_cluster(service_config["AMQP_URI"], timeout=15)
        proxy = cluster.__enter__()
        opened.append(cluster)
        under_test = IdentityUnderTest(proxy.identity, database_url, config)
        opened_engines.append(under_test.engine)
        return under_test

    opened_engines = []
    yield start
    for cluster in opened:
        cluster.__exit__(None, None, None)
    for engine in opened_engines:
        engine.dispose()


@pytest.fixture
def identity(start_identity):
    return start_identity()
