"""Health, the OpenAPI document and the web client's static files."""

import mimetypes
from pathlib import Path

import eventlet
from werkzeug.wrappers import Response

from laas_kernel.settings import SERVICES

from ..errors import error_body, json_response
from ..http import route
from ..openapi import build_spec
from ..schemas import Health

WEB_ROOT = Path(__file__).resolve().parent.parent / "web"
HEALTH_TIMEOUT_SECONDS = 3


class SystemRoutes:
    @route(
        "GET", "/healthz", "Health of the gateway and every service", response=Health, auth=False
    )
    def healthz(self, request):
        pool = eventlet.GreenPool(len(SERVICES))
        states = dict(pool.imap(self._service_state, SERVICES))
        healthy = all(state == "ok" for state in states.values())
        body = {"status": "ok" if healthy else "down", "services": states}
        if not healthy:
            body["down"] = sorted(name for name, state in states.items() if state != "ok")
        return json_response(body, 200 if healthy else 503)

    def _service_state(self, service):
        try:
            answer = getattr(self, service).health(timeout=HEALTH_TIMEOUT_SECONDS)
        except Exception:
            return service, "down"
        return service, "ok" if answer.get("status") == "ok" else "database_down"

    @route("GET", "/openapi.json", "This document", auth=False)
    def openapi(self, request):
        if self._spec is None:
            type(self)._spec = build_spec()
        return json_response(self._spec)

    _spec = None

    @route("GET", "/", "The web client", auth=False, tag="web")
    def index(self, request):
        return self._static("index.html")

    @route("GET", "/thaid/callback", "Where the real ThaiD sends users back", auth=False, tag="web")
    def thaid_return(self, request):
        # THAID_OIDC_REDIRECT_URI points here: the web client reads ThaiD's answer from the
        # address and hands it to the API (POST /api/v1/auth/activation/thaid/callback).
        return self._static("index.html")

    @route("GET", "/<path:path>", "The web client's files", auth=False, tag="web")
    def static(self, request, path):
        return self._static(path)

    def _static(self, path):
        target = (WEB_ROOT / path).resolve()
        if WEB_ROOT not in target.parents or not target.is_file():
            return json_response(error_body("route_not_found", "ไม่พบหน้าหรือบริการที่ต้องการ"), 404)
        content_type = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if content_type.startswith("text/") or content_type in ("application/javascript",):
            content_type += "; charset=utf-8"
        # content_type, not mimetype: werkzeug adds a charset of its own to a text mimetype.
        return Response(
            target.read_bytes(), content_type=content_type, headers={"Cache-Control": "no-cache"}
        )
