"""The whole system for end-to-end tests: every service and the gateway on this test's own
vhost and databases, with the development mailbox and the ThaiD sandbox as real processes.

    def test_something(system):
        answer = system.post("/api/v1/auth/login", {"username": "admin", "password": "…"})
        mail = system.wait_for_mail("someone@example.com")
"""

import importlib
import socket
import subprocess
import sys
import time
from pathlib import Path

import eventlet
import requests

from laas_kernel.settings import SERVICES

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "deploy" / "dev"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_answers(url: str, timeout: float = 15.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            eventlet.sleep(0.1)
    raise RuntimeError(f"{url} did not answer within {timeout} s")


def service_class(service: str):
    module = importlib.import_module(f"{service}.service")
    return next(
        value
        for value in vars(module).values()
        if isinstance(value, type) and getattr(value, "name", None) == service
    )


def gateway_port(runner) -> int:
    from gateway.http import JsonWebServer

    for container in runner.containers:
        for extension in container.extensions:
            if isinstance(extension, JsonWebServer):
                return extension._sock.getsockname()[1]
    raise RuntimeError("the gateway's web server is not running")


class DevProcess:
    def __init__(self, args: list[str], url: str):
        self.process = subprocess.Popen(
            [sys.executable, *args], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.url = url
        wait_until_answers(url)

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()


class System:
    def __init__(self, base_url, mailbox, thaid, config, runner):
        self.base_url = base_url
        self.mailbox = mailbox
        self.thaid = thaid
        self.config = config
        self.runner = runner
        self.http = requests.Session()

    def request(self, method, path, body=None, token=None, headers=None, **kwargs):
        headers = dict(headers or {})
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return self.http.request(
            method, self.base_url + path, json=body, headers=headers, timeout=30, **kwargs
        )

    def get(self, path, **kwargs):
        return self.request("GET", path, **kwargs)

    def post(self, path, body=None, **kwargs):
        return self.request("POST", path, body, **kwargs)

    def put(self, path, body=None, **kwargs):
        return self.request("PUT", path, body, **kwargs)

    def delete(self, path, **kwargs):
        return self.request("DELETE", path, **kwargs)

    def mail_to(self, address: str) -> list[dict]:
        answer = requests.get(f"{self.mailbox.url}/api/messages", params={"to": address}, timeout=5)
        return answer.json()

    def wait_for_mail(self, address: str, count: int = 1, timeout: float = 15.0) -> dict:
        """The newest message to ``address`` once at least ``count`` have arrived."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            messages = self.mail_to(address)
            if len(messages) >= count:
                return messages[0]
            eventlet.sleep(0.1)
        raise AssertionError(f"no mail number {count} to {address} within {timeout} s")

    def add_thaid_person(self, citizen_id, title, first_name, last_name):
        person = dict(
            citizen_id=citizen_id, title=title, first_name=first_name, last_name=last_name
        )
        answer = requests.post(f"{self.thaid.url}/persons", json=person, timeout=5)
        assert answer.status_code == 201, answer.text


def start_system(run_services, service_config, databases, **overrides) -> System:
    for service in SERVICES:
        databases(service)
    smtp_port, mailbox_port, thaid_port = free_port(), free_port(), free_port()
    mailbox = DevProcess(
        [
            str(DEV / "devmailbox.py"),
            "--smtp-port",
            str(smtp_port),
            "--http-port",
            str(mailbox_port),
        ],
        f"http://127.0.0.1:{mailbox_port}",
    )
    thaid = DevProcess(
        [str(DEV / "thaid_sandbox.py"), "--port", str(thaid_port)],
        f"http://127.0.0.1:{thaid_port}",
    )
    config = {
        **service_config,
        "SMTP_HOST": "127.0.0.1",
        "SMTP_PORT": smtp_port,
        "THAID_URL": thaid.url,
        "LAAS_ADMIN_USERNAME": "admin",
        "LAAS_ADMIN_PASSWORD": "Admin#2568",
        "LAAS_SECRET_KEY": "test-secret-key-of-at-least-32-bytes",
        **overrides,
    }
    from gateway.service import GatewayService

    classes = [service_class(service) for service in SERVICES]
    runner = run_services(*classes, GatewayService, **config)
    system = System(f"http://127.0.0.1:{gateway_port(runner)}", mailbox, thaid, config, runner)
    system._processes = [mailbox, thaid]
    return system
