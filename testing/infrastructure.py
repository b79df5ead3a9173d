"""Where the tests find RabbitMQ and PostgreSQL.

With a Docker engine, testcontainers starts both; without one (as on the project's
machines), the servers named by AMQP_URI and DATABASE_URL are used. Either way each test
gets its own RabbitMQ vhost and its own databases, so tests cannot see each other's messages
or rows.
"""

import base64
import json
import os
import shutil
import subprocess
import urllib.request
import uuid
from urllib.parse import quote, urlsplit, urlunsplit


def docker_answers() -> bool:
    try:
        import docker

        docker.from_env(timeout=2).ping()
        return True
    except Exception:
        return False


class Containers:
    """RabbitMQ and PostgreSQL started by testcontainers for the test session."""

    def __init__(self):
        from testcontainers.postgres import PostgresContainer
        from testcontainers.rabbitmq import RabbitMqContainer

        self.rabbit = RabbitMqContainer("rabbitmq:3-management").start()
        self.postgres = PostgresContainer("postgres:15", driver="psycopg2").start()

    @property
    def amqp_uri(self):
        host = self.rabbit.get_container_host_ip()
        return f"amqp://guest:guest@{host}:{self.rabbit.get_exposed_port(5672)}/"

    @property
    def management_url(self):
        host = self.rabbit.get_container_host_ip()
        return f"http://guest:guest@{host}:{self.rabbit.get_exposed_port(15672)}"

    @property
    def database_url(self):
        return self.postgres.get_connection_url()

    def stop(self):
        self.rabbit.stop()
        self.postgres.stop()


class Vhosts:
    """Creates and deletes RabbitMQ vhosts: the management API when it answers, otherwise
    ``rabbitmqctl`` on this machine."""

    def __init__(self, amqp_uri: str, management_url: str | None):
        self.amqp_uri = amqp_uri
        self.management_url = management_url

    def _api(self, method, path, body=None):
        parts = urlsplit(self.management_url)
        url = urlunsplit((parts.scheme, f"{parts.hostname}:{parts.port}", path, "", ""))
        request = urllib.request.Request(url, method=method)
        token = base64.b64encode(f"{parts.username}:{parts.password}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        request.add_header("Content-Type", "application/json")
        data = json.dumps(body).encode() if body is not None else None
        with urllib.request.urlopen(request, data=data, timeout=10):
            pass

    def api_answers(self) -> bool:
        if not self.management_url:
            return False
        try:
            self._api("GET", "/api/overview")
            return True
        except Exception:
            return False

    def create(self) -> str:
        name = f"test-{uuid.uuid4().hex[:12]}"
        user = urlsplit(self.amqp_uri).username or "guest"
        if self.api_answers():
            self._api("PUT", f"/api/vhosts/{name}")
            self._api(
                "PUT",
                f"/api/permissions/{name}/{user}",
                {"configure": ".*", "write": ".*", "read": ".*"},
            )
        else:
            ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
            subprocess.run([ctl, "add_vhost", name], check=True, capture_output=True)
            subprocess.run(
                [ctl, "set_permissions", "-p", name, user, ".*", ".*", ".*"],
                check=True,
                capture_output=True,
            )
        return name

    def delete(self, name: str):
        try:
            if self.api_answers():
                self._api("DELETE", f"/api/vhosts/{name}")
            else:
                ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
                subprocess.run([ctl, "delete_vhost", name], capture_output=True)
        except Exception:
            pass

    def uri_for(self, vhost: str) -> str:
        parts = urlsplit(self.amqp_uri)
        return urlunsplit((parts.scheme, parts.netloc, "/" + quote(vhost, safe=""), "", ""))


def default_urls():
    return (
        os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/"),
        os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres"),
        os.environ.get("RABBIT_MANAGEMENT_URL", "http://guest:guest@127.0.0.1:15672"),
    )
