"""Runs one nameko service for the ledger benchmarks, as ``nameko run`` would (ServiceRunner,
eventlet), with its config as JSON in the BENCH_CONFIG environment variable.

    BENCH_CONFIG='{"AMQP_URI": …}' python bench/ledger_run.py ledger|gateway|floor|floor_gateway

``floor`` and ``floor_gateway`` are the HTTP→RPC floor: a gateway route built with the
project's own ``route`` (same web server, same error handling) that makes one trivial RPC.
"""

import eventlet

eventlet.monkey_patch()

import json  # noqa: E402
import os  # noqa: E402
import signal  # noqa: E402
import sys  # noqa: E402

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
