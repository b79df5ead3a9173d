"""Fixtures for every suite. nameko does not monkey-patch for pytest, so it happens here,
before anything imports socket or threading."""

import eventlet

eventlet.monkey_patch()

import uuid  # noqa: E402

import pytest  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402

from laas_kernel.db import make_psycopg2_green  # noqa: E402
from testing.databases import TestDatabases  # noqa: E402
from testing.infrastructure import Containers, Vhosts, default_urls, docker_answers  # noqa: E402

make_psycopg2_green()


@pytest.fixture(scope="session")
def infrastructure():
    """(amqp_uri, database_url, vhosts): containers when Docker answers, else the servers
    named by AMQP_URI / DATABASE_URL."""
    containers = Containers() if docker_answers() else None
    if containers:
        amqp_uri, database_url, management = (
            containers.amqp_uri,
            containers.database_url,
            containers.management_url,
        )
    else:
        amqp_uri, database_url, management = default_urls()
    yield amqp_uri, database_url, Vhosts(amqp_uri, management)
    if containers:
        containers.stop()


@pytest.fixture(scope="session")
def test_databases(infrastructure):
    databases = TestDatabases(infrastructure[1])
    yield databases
    databases.close()


@pytest.fixture
def amqp_uri(infrastructure):
    """A RabbitMQ vhost of this test's own."""
    vhosts = infrastructure[2]
    vhost = vhosts.create()
    yield vhosts.uri_for(vhost)
    vhosts.delete(vhost)


@pytest.fixture
def db_prefix(test_databases):
    """The prefix of this test's databases; ``databases(service)`` creates one."""
    prefix = f"t{uuid.uuid4().hex[:10]}"
    yield prefix
    test_databases.drop_created()


@pytest.fixture
def databases(test_databases, db_prefix):
    return lambda service: test_databases.create(db_prefix, service)


@pytest.fixture
def service_config(amqp_uri, infrastructure, db_prefix):
    return {
        "AMQP_URI": amqp_uri,
        "DATABASE_URL": infrastructure[1],
        "DATABASE_PREFIX": db_prefix,
        "RPC_TIMEOUT_SECONDS": 5,
        "EVENT_MAX_ATTEMPTS": 5,
        "EVENT_RETRY_BASE_MS": 50,
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        "max_workers": 10,
    }


@pytest.fixture
def run_services(service_config):
    """Start nameko services in this process against the test's vhost and databases."""
    runners = []

    def start(*service_classes, **overrides):
        runner = ServiceRunner({**service_config, **overrides})
        for cls in service_classes:
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        return runner

    yield start
    for runner in reversed(runners):
        try:
            runner.kill()
        except Exception:  # a test may already have stopped it
            pass


@pytest.fixture
def system(run_services, service_config, databases):
    """Every service, the gateway, the mailbox and the ThaiD sandbox, for end-to-end tests."""
    from testing.system import start_system

    started = start_system(run_services, service_config, databases)
    yield started
    for process in started._processes:
        process.stop()


@pytest.fixture
def system_factory(run_services, service_config, databases):
    """Like ``system``, with settings of the test's own (short OTP lifetimes, …)."""
    from testing.system import start_system

    started = []

    def start(**overrides):
        started.append(start_system(run_services, service_config, databases, **overrides))
        return started[-1]

    yield start
    for one in started:
        for process in one._processes:
            process.stop()
