"""The correlation id chosen at the HTTP edge reaches the service's workers and log lines."""

import json
import logging

import requests

from gateway.errors import json_response
from gateway.http import route
from laas_kernel import correlation
from laas_kernel.correlation import CorrelationFilter, CorrelationId
from laas_kernel.entrypoints import rpc
from laas_kernel.logs import JsonFormatter
from laas_kernel.rpc_client import ServiceRpc
from testing.system import gateway_port

seen: list[str | None] = []


class Echo:
    name = "kt_echo"
    correlation_id = CorrelationId()

    @rpc
    def whoami(self):
        seen.append(correlation.current())
        logging.getLogger("kt_echo").info("answering")
        return correlation.current()


class Edge:
    name = "kt_edge"
    echo = ServiceRpc("kt_echo")

    @route("GET", "/kt/whoami", auth=False)
    def whoami(self, request):
        return json_response({"seen": self.echo.whoami()})


def test_http_correlation_id_reaches_the_service_and_its_log_lines(run_services, caplog):
    seen.clear()
    runner = run_services(Echo, Edge)
    url = f"http://127.0.0.1:{gateway_port(runner)}/kt/whoami"
    caplog.handler.addFilter(CorrelationFilter())
    with caplog.at_level(logging.INFO, logger="kt_echo"):
        answer = requests.get(url, headers={"X-Correlation-ID": "edge-0123456789"}, timeout=10)
    assert answer.json() == {"seen": "edge-0123456789"}
    assert answer.headers["X-Correlation-ID"] == "edge-0123456789"
    record = next(r for r in caplog.records if r.name == "kt_echo")
    line = json.loads(JsonFormatter(service="kt_echo").format(record))
    assert line["correlation_id"] == "edge-0123456789"
    assert line["message"] == "answering"


def test_a_request_without_one_gets_a_fresh_id_everywhere(run_services):
    seen.clear()
    runner = run_services(Echo, Edge)
    answer = requests.get(f"http://127.0.0.1:{gateway_port(runner)}/kt/whoami", timeout=10)
    given = answer.headers["X-Correlation-ID"]
    assert len(given) == 32 and answer.json() == {"seen": given} and seen == [given]
