"""Health: each service answers ``health()`` over RPC; this module checks one from a shell.

python -m laas_kernel.health ledger     (exit 0 when it answers "ok")
"""

import logging
import sys

from sqlalchemy import text

log = logging.getLogger(__name__)


def database_status(session) -> str:
    try:
        session.execute(text("SELECT 1"))
        session.rollback()
        return "ok"
    except Exception as exc:  # a health check reports, it never raises
        log.warning("database check failed: %s", exc)
        session.rollback()
        return "down"


def service_health(service: str, session) -> dict:
    """What a service's ``health`` RPC returns: it answered, so the broker works."""
    database = database_status(session)
    return {
        "service": service,
        "status": "ok" if database == "ok" else "down",
        "broker": "ok",
        "database": database,
    }


def main(argv=None):
    from .settings import get_settings
    from .standalone import rpc_cluster

    argv = argv if argv is not None else sys.argv[1:]
    service = argv[0]
    try:
        with rpc_cluster(get_settings().amqp_uri, timeout=5) as cluster:
            answer = getattr(cluster, service).health()
    except Exception as exc:
        print(f"{service}: down ({type(exc).__name__}: {exc})")
        return 1
    print(f"{service}: {answer}")
    return 0 if answer.get("status") == "ok" else 1


if __name__ == "__main__":
    sys.exit(main())
