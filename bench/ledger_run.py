"""Runs one nameko service for the ledger benchmarks, as ``nameko run`` would (ServiceRunner,
eventlet), with its config as JSON in the BENCH_CONFIG environment variable.

    BENCH_CONFIG='{"AMQP_URI": …}' python bench/ledger_run.py ROLE

ROLE: ledger, gateway, floor, floor_gateway or ceiling.

``floor`` and ``floor_gateway`` are the HTTP→RPC floor: a gateway route built with the
project's own ``route`` (same web server, same error handling) that makes one trivial RPC.
``ceiling`` is a service named ``ledger`` that answers ``post_voucher`` with a voucher-shaped
answer built from the request, without the database or events: run with the real gateway
(on a vhost of its own) it shows what the gateway and the broker cost for a voucher-sized
request and answer, the most a posting could reach.
"""

import eventlet

eventlet.monkey_patch()

import hashlib  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime  # noqa: E402

from nameko.runners import ServiceRunner  # noqa: E402

from laas_kernel.db import make_psycopg2_green  # noqa: E402
from laas_kernel.entrypoints import rpc  # noqa: E402
from laas_kernel.rpc_client import ServiceRpc  # noqa: E402


class BenchFloorService:
    name = "bench_floor"

    @rpc
    def ping(self, unit_id):
        return {"unit_id": unit_id, "ok": True}


def _floor_gateway():
    from gateway.errors import json_response
    from gateway.http import route

    class BenchFloorGateway:
        name = "bench_floor_gateway"
        floor = ServiceRpc("bench_floor")

        @route("GET", "/floor/<unit_id>", "HTTP→RPC floor", auth=False, tag="bench")
        def floor_route(self, request, unit_id):
            return json_response(self.floor.ping(unit_id))

    return BenchFloorGateway


class CeilingLedger:
    name = "ledger"

    @rpc
    def post_voucher(self, unit_id, body, idempotency_key, actor=None):
        lines = [
            {
                "account_code": line["account_code"],
                "debit": line["debit"],
                "credit": line["credit"],
                "memo": "",
            }
            for line in body["lines"]
        ]
        voucher = {
            "id": str(uuid.uuid4()),
            "unit_id": unit_id,
            "number": "RV-2568-000001",
            "type": body["type"],
            "date": body["date"],
            "fiscal_year": 2568,
            "period": 1,
            "description": body["description"],
            "total": "0.00",
            "origin": "post",
            "posted_by": actor["user_id"],
            "posted_by_name": actor["username"],
            "posted_at": datetime.now(UTC).isoformat(),
            "hash": hashlib.sha256(idempotency_key.encode()).hexdigest(),
            "previous_hash": "0" * 64,
            "reverses_id": None,
            "reversed_by_id": None,
            "lines": lines,
        }
        return {"status": "created", "voucher": voucher}


def service_for(role):
    if role == "ledger":
        from ledger.service import LedgerService

        return LedgerService
    if role == "gateway":
        from gateway.service import GatewayService

        return GatewayService
    if role == "floor":
        return BenchFloorService
    if role == "floor_gateway":
        return _floor_gateway()
    if role == "ceiling":
        return CeilingLedger
    raise SystemExit(f"unknown role {role!r}")


def main():
    make_psycopg2_green()
    config = json.loads(os.environ["BENCH_CONFIG"])
    runner = ServiceRunner(config)
    runner.add_service(service_for(sys.argv[1]))
    stop = eventlet.event.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.send(True) if not stop.ready() else None)
    runner.start()
    print("ready", flush=True)
    stop.wait()
    runner.stop()


if __name__ == "__main__":
    main()
