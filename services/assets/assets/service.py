"""The assets service's nameko entrypoints: thin, they turn messages into calls."""

from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.entrypoints import rpc
from laas_kernel.health import service_health
from laas_kernel.outbox import OutboxRelay


class AssetsService:
    name = "assets"

    db = Database("assets")
    outbox_relay = OutboxRelay()
    correlation_id = CorrelationId()

    @rpc
    def health(self):
        return service_health(self.name, self.db)
