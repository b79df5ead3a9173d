"""The gateway: the only HTTP door. Routes live in ``routes/`` by area; this class joins them."""

from laas_kernel.rpc_client import ServiceRpc

from .routes.system import SystemRoutes


class GatewayService(SystemRoutes):
    name = "gateway"

    identity = ServiceRpc("identity")
    ledger = ServiceRpc("ledger")
    budget = ServiceRpc("budget")
    assets = ServiceRpc("assets")
    notify = ServiceRpc("notify")
