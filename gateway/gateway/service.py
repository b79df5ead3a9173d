"""The gateway: the only HTTP door. Routes live in ``routes/`` by area; this class joins them."""

from laas_kernel.correlation import CorrelationId
from laas_kernel.rpc_client import ServiceRpc

from .auth import Auth
from .routes.admin import AdminRoutes
from .routes.auth import AuthRoutes
from .routes.ledger import LedgerRoutes
from .routes.notifications import NotificationRoutes
from .routes.system import SystemRoutes


class GatewayService(AuthRoutes, AdminRoutes, LedgerRoutes, NotificationRoutes, SystemRoutes):
    name = "gateway"

    auth = Auth()
    correlation_id = CorrelationId()
    identity = ServiceRpc("identity")
    ledger = ServiceRpc("ledger")
    budget = ServiceRpc("budget")
    assets = ServiceRpc("assets")
    notify = ServiceRpc("notify")
