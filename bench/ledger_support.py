"""What the ledger benchmarks share: a RabbitMQ vhost and databases of their own, services as
subprocesses (bench/ledger_run.py), green HTTP and RPC clients, access tokens, and a table.

Everything started here is stopped again by the ``Bench`` context manager.
"""

import eventlet

eventlet.monkey_patch()

import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import shutil  # noqa: E402
import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import quote, urlsplit, urlunsplit  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / p) for p in ("kernel", "gateway", "services/ledger", "deploy/dev", ".")]

import jwt  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from laas_kernel.db import make_psycopg2_green  # noqa: E402
from laas_kernel.dbsetup import migrate  # noqa: E402
from laas_kernel.settings import Settings  # noqa: E402

make_psycopg2_green()

PYTHONPATH = os.pathsep.join(
    str(ROOT / p)
    for p in (
        "kernel",
        "gateway",
        "services/identity",
        "services/ledger",
        "services/budget",
        "services/assets",
        "services/notify",
        "deploy/dev",
        ".",
    )
)
SECRET = "bench-secret-key"
AMQP_URI = os.environ.get("AMQP_URI", "amqp://guest:guest@127.0.0.1:5672/")
DATABASE_URL = os.environ.get("DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def rabbitmqctl(*args):
    ctl = shutil.which("rabbitmqctl") or "/usr/sbin/rabbitmqctl"
    subprocess.run([ctl, *args], check=True, capture_output=True)


class Process:
    """A service in its own process; ``ready`` once its runner has started."""

    def __init__(self, role: str, config: dict):
        env = {
            **os.environ,
            "BENCH_CONFIG": json.dumps(config),
            "PYTHONPATH": PYTHONPATH,
            "PYTHONWARNINGS": "ignore",
        }
        self.role = role
        self.process = subprocess.Popen(
            [sys.executable, str(ROOT / "bench" / "ledger_run.py"), role],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        line = self.process.stdout.readline()
        if line.strip() != "ready":
            self.stop()
            raise RuntimeError(f"{role} did not start")

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class Bench:
    """A vhost and a database prefix of this run's own, and the processes started in it."""

    def __init__(self, name: str, prefix: str | None = None, keep_databases=()):
        self.vhost = f"bench-{name}-{uuid.uuid4().hex[:8]}"
        self.prefix = prefix or f"bench{uuid.uuid4().hex[:8]}"
        self.keep = set(keep_databases)
        self.processes: list[Process] = []
        self.databases: list[str] = []

    def __enter__(self):
        user = urlsplit(AMQP_URI).username or "guest"
        rabbitmqctl("add_vhost", self.vhost)
        rabbitmqctl("set_permissions", "-p", self.vhost, user, ".*", ".*", ".*")
        parts = urlsplit(AMQP_URI)
        self.amqp_uri = urlunsplit(
            (parts.scheme, parts.netloc, "/" + quote(self.vhost, safe=""), "", "")
        )
        return self

    def __exit__(self, *exc):
        for process in reversed(self.processes):
            process.stop()
        server = create_engine(DATABASE_URL, isolation_level="AUTOCOMMIT")
        with server.connect() as conn:
            for name in self.databases:
                if name not in self.keep:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        server.dispose()
        rabbitmqctl("delete_vhost", self.vhost)

    def settings(self) -> Settings:
        return Settings(database_url=DATABASE_URL, database_prefix=self.prefix)

    def ledger_database(self) -> str:
        """The ledger's database for this run, migrated (kept if it already exists)."""
        migrate(self.settings(), "ledger")
        self.databases.append(f"{self.prefix}_ledger")
        return self.settings().database_url_for("ledger")

    def config(self, **extra) -> dict:
        return {
            "AMQP_URI": self.amqp_uri,
            "DATABASE_URL": DATABASE_URL,
            "DATABASE_PREFIX": self.prefix,
            "LAAS_SECRET_KEY": SECRET,
            "RPC_TIMEOUT_SECONDS": 60,
            "LOGGING": {"version": 1, "root": {"level": "WARNING", "handlers": []}},
            **extra,
        }

    def start(self, role: str, **extra) -> Process:
        process = Process(role, self.config(**extra))
        self.processes.append(process)
        return process

    def start_gateway(self, role="gateway", max_workers=50) -> str:
        port = free_port()
        self.start(role, WEB_SERVER_ADDRESS=f"127.0.0.1:{port}", max_workers=max_workers)
        return f"127.0.0.1:{port}"

    def bind_event_queue(self):
        """A subscriber's queue on ledger.events, as budget or notify would have: the outbox
        relay then publishes and marks events sent, as in the real system."""
        from kombu import Connection, Exchange, Queue

        exchange = Exchange("ledger.events", type="topic", durable=True)
        with Connection(self.amqp_uri) as conn:
            for key in ("voucher_posted", "voucher_reversed"):
                Queue(
                    f"bench-subscriber.{key}",
                    exchange,
                    routing_key=key,
                    durable=False,
                    queue_arguments={"x-max-length": 1000},
                )(conn.channel()).declare()


def token(readable="*", writable=None) -> str:
    now = int(time.time())
    claims = {
        "sub": "bench-user",
        "sid": uuid.uuid4().hex,
        "typ": "access",
        "usr": "bench",
        "unit": "",
        "grp": [],
        "prm": [],
        "rr": readable,
        "rw": readable if writable is None else writable,
        "iat": now,
        "exp": now + 3600,
    }
    return jwt.encode(claims, SECRET, algorithm="HS256")


class Http:
    """One keep-alive HTTP/1.1 connection (green)."""

    def __init__(self, address: str, token_value: str | None = None):
        host, port = address.split(":")
        self.conn = http.client.HTTPConnection(host, int(port), timeout=120)
        self.headers = {"Content-Type": "application/json"}
        if token_value:
            self.headers["Authorization"] = f"Bearer {token_value}"

    def request(self, method, path, body=None, headers=None):
        payload = json.dumps(body).encode() if body is not None else None
        self.conn.request(method, path, body=payload, headers={**self.headers, **(headers or {})})
        response = self.conn.getresponse()
        data = response.read()
        return response.status, data

    def close(self):
        self.conn.close()


def run_clients(clients: int, make_client, step, seconds: float, warmup_ops: int = 3):
    """``clients`` green threads each doing ``step(client, n, i)`` until time is up.

    Every client first completes ``warmup_ops`` steps (connections, caches, the gateway's
    first call), and only then does the measured window start for all of them.
    Returns (operations, elapsed seconds, latencies in seconds) for the measured window only.
    """
    made = [make_client(n) for n in range(clients)]
    warm = eventlet.GreenPool(clients)
    for n in range(clients):
        warm.spawn(lambda n=n: [step(made[n], n, -1 - k) for k in range(warmup_ops)])
    warm.waitall()

    stop_at = time.perf_counter() + seconds
    counts = [0] * clients
    latencies: list[float] = []

    def worker(n):
        client = made[n]
        i = 0
        try:
            while True:
                began = time.perf_counter()
                if began >= stop_at:
                    return
                step(client, n, i)
                latencies.append(time.perf_counter() - began)
                counts[n] += 1
                i += 1
        finally:
            close = getattr(client, "close", None)
            if close:
                close()

    pool = eventlet.GreenPool(clients)
    for n in range(clients):
        pool.spawn(worker, n)
    pool.waitall()
    return sum(counts), seconds, latencies


def percentile(values, fraction) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def print_table(title: str, header: list[str], rows: list[list]):
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(header, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)))
