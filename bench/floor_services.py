"""The smallest services the stack allows: the floor every other benchmark compares with."""

from gateway.errors import json_response
from gateway.http import route
from laas_kernel.entrypoints import rpc
from laas_kernel.rpc_client import ServiceRpc


class EchoService:
    name = "bench_echo"

    @rpc
    def ping(self, value=None):
        return value


class FloorGateway:
    name = "bench_gateway"
    echo = ServiceRpc("bench_echo")

    @route("GET", "/ping", "Trivial HTTP: no RPC", auth=False)
    def ping(self, request):
        return json_response({"ok": True})

    @route("GET", "/rpc-ping", "HTTP then one trivial RPC", auth=False)
    def rpc_ping(self, request):
        return json_response({"ok": self.echo.ping(True)})
