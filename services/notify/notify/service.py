"""The notify service's nameko entrypoints: thin, they turn messages into calls."""

from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.entrypoints import rpc
from laas_kernel.health import service_health
from laas_kernel.outbox import OutboxRelay


class NotifyService:
    name = "notify"

    db = Database("notify")
    outbox_relay = OutboxRelay()
    correlation_id = CorrelationId()

    @rpc
    def health(self):
        return service_health(self.name, self.db)
