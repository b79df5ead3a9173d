"""The gateway's HTTP entrypoint: JSON errors everywhere (unknown routes included), a
correlation id on every request and response, and a record of each route for openapi.json."""

from functools import partial

from eventlet.event import Event
from nameko.web.handlers import HttpRequestHandler
from nameko.web.server import WebServer
from werkzeug.exceptions import HTTPException, MethodNotAllowed, NotFound
from werkzeug.wrappers import Request

from laas_kernel import correlation
from laas_kernel.errors import DomainError

from .errors import error_body, error_response, json_response
from .schemas import refuse_nul

CORRELATION_HEADER = "X-Correlation-ID"

# What openapi.json documents: one dict per route, filled by ``route``.
ROUTES = []


def correlation_id_from(request) -> str:
    given = request.headers.get(CORRELATION_HEADER, "")
    if 8 <= len(given) <= 64 and given.replace("-", "").isalnum():
        return given
    return correlation.new_id()


class JsonWebServer(WebServer):
    """nameko's web server, answering unknown routes and methods in the API's error shape."""

    def get_wsgi_app(self):
        url_map = self.make_url_map()

        def app(environ, start_response):
            request = Request(environ, shallow=True)
            try:
                provider, values = url_map.bind_to_environ(environ).match()
                request.path_values = values
                response = provider.handle_request(request)
            except MethodNotAllowed:
                response = json_response(error_body("method_not_allowed", "ไม่รองรับคำขอรูปแบบนี้"), 405)
            except NotFound:
                response = json_response(
                    error_body("route_not_found", "ไม่พบหน้าหรือบริการที่ต้องการ"), 404
                )
            except HTTPException as exc:
                response = exc
            return response(environ, start_response)

        return app


class ApiHandler(HttpRequestHandler):
    server = JsonWebServer()

    def handle_request(self, request):
        request.shallow = False
        correlation_id = correlation_id_from(request)
        try:
            args, kwargs = self.get_entrypoint_parameters(request)
            refuse_nul(kwargs, "path")
            self.check_signature(args, kwargs)
            done = Event()
            self.container.spawn_worker(
                self,
                args,
                kwargs,
                context_data={correlation.HEADER: correlation_id},
                handle_result=partial(self.handle_result, done),
            )
            response = self.response_from_result(done.wait())
        except Exception as exc:
            response = self.response_from_exception(exc)
        response.headers[CORRELATION_HEADER] = correlation_id
        return response

    def response_from_exception(self, exc):
        return error_response(exc)


def route(
    method,
    url,
    summary="",
    *,
    body=None,
    response=None,
    status=200,
    tag="system",
    auth=True,
    query=None,
):
    """nameko's ``@http`` plus what openapi.json says about the route."""
    ROUTES.append(
        dict(
            method=method,
            url=url,
            summary=summary,
            body=body,
            response=response,
            status=status,
            tag=tag,
            auth=auth,
            query=query,
        )
    )
    return ApiHandler.decorator(method, url, expected_exceptions=DomainError)
