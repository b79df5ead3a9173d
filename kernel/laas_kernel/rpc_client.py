"""Calling another service: always with a timeout, and a clear error when it does not answer.

nameko 2's RPC proxy waits forever for a reply. A call to a service that is down must
fail within its timeout instead (and expire in the queue, so it is not run long after the
caller gave up).
"""

import eventlet
from nameko.exceptions import UnknownService
from nameko.rpc import RpcProxy

from .errors import ServiceUnavailable
from .settings import settings_from_config

SERVICE_NAMES_TH = {
    "identity": "บริการผู้ใช้งาน",
    "ledger": "บริการบัญชี",
    "budget": "บริการงบประมาณ",
    "assets": "บริการทรัพย์สิน",
    "notify": "บริการแจ้งเตือน",
}


def unavailable(service: str) -> ServiceUnavailable:
    name = SERVICE_NAMES_TH.get(service, service)
    return ServiceUnavailable(
        f"{name}ไม่พร้อมให้บริการชั่วคราว กรุณาลองใหม่อีกครั้งในอีกสักครู่",
        details={"service": service},
    )


class TimedProxy:
    def __init__(self, proxy, service: str, timeout: float):
        self._proxy = proxy
        self._service = service
        self._timeout = timeout

    def __getattr__(self, method):
        method_proxy = getattr(self._proxy, method)

        def call(*args, timeout=None, **kwargs):
            limit = timeout or self._timeout
            try:
                reply = method_proxy.call_async(*args, **kwargs)
                with eventlet.Timeout(limit, unavailable(self._service)):
                    return reply.result()
            except UnknownService:
                raise unavailable(self._service) from None

        return call


class ServiceRpc(RpcProxy):
    """Like nameko's ``RpcProxy``, with a timeout per call (``RPC_TIMEOUT_SECONDS``)."""

    def __init__(self, target_service, timeout=None, **options):
        self.timeout = timeout
        super().__init__(target_service, **options)

    def setup(self):
        if self.timeout is None:
            self.timeout = settings_from_config(self.container.config).rpc_timeout_seconds
        # Messages expire when the caller stops waiting.
        self.options.setdefault("expiration", self.timeout)
        super().setup()

    def get_dependency(self, worker_ctx):
        return TimedProxy(super().get_dependency(worker_ctx), self.target_service, self.timeout)
