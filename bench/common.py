"""What the benchmarks share: starting services as real `nameko run` processes on a vhost of
their own, load generators for RPC and HTTP, and printing figures.

Load comes from green threads in this process while the services run in their own
processes, so on a 2-core machine client and server share the CPU: compare figures only
with the baselines measured in the same run.
"""

import eventlet

eventlet.monkey_patch()

import http.client  # noqa: E402
import os  # noqa: E402
import socket  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from pathlib import Path  # noqa: E402

import yaml  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "kernel"), str(ROOT / "gateway")] + [
    str(ROOT / "services" / s) for s in ("identity", "ledger", "budget", "assets", "notify")
]

from laas_kernel.standalone import rpc_cluster  # noqa: E402
from testing.infrastructure import Vhosts, default_urls  # noqa: E402

PYTHONPATH = os.pathsep.join(sys.path[:8])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Cluster:
    """Services started with `nameko run` on a fresh vhost; stopped on exit."""

    def __init__(self, config: dict | None = None):
        amqp_uri, database_url, management = default_urls()
        self.vhosts = Vhosts(amqp_uri, management)
        self.vhost = self.vhosts.create()
        self.amqp_uri = self.vhosts.uri_for(self.vhost)
        self.config = {
            "AMQP_URI": self.amqp_uri,
            "DATABASE_URL": database_url,
            "max_workers": 50,
            "LOGGING": {"version": 1, "root": {"level": "WARNING"}},
            **(config or {}),
        }
        self.processes = []
        self.tmp = tempfile.TemporaryDirectory()

    def start(self, target: str, **config) -> str:
        """Start `nameko run target`; returns the web address when it serves HTTP."""
        merged = {**self.config, **config}
        if "WEB_SERVER_ADDRESS" not in merged:
            merged["WEB_SERVER_ADDRESS"] = f"127.0.0.1:{free_port()}"
        path = Path(self.tmp.name) / f"{len(self.processes)}.yml"
        path.write_text(yaml.safe_dump(merged))
        env = {**os.environ, "PYTHONPATH": PYTHONPATH, "PYTHONWARNINGS": "ignore"}
        nameko = Path(sys.executable).parent / "nameko"
        self.processes.append(
            subprocess.Popen(
                [str(nameko), "run", "--config", str(path), target],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
        )
        return "http://" + merged["WEB_SERVER_ADDRESS"]

    def wait_rpc(self, service: str, method: str = "health", timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                with rpc_cluster(self.amqp_uri, timeout=2) as cluster:
                    getattr(getattr(cluster, service), method)()
                return
            except Exception:
                time.sleep(0.3)
        raise RuntimeError(f"{service} did not answer")

    def wait_http(self, url: str, timeout: float = 30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2)
                return
            except urllib.error.HTTPError:
                return
            except OSError:
                time.sleep(0.3)
        raise RuntimeError(f"{url} did not answer")

    def stop(self):
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                process.kill()
        self.vhosts.delete(self.vhost)
        self.tmp.cleanup()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def run_concurrently(work, total: int, concurrency: int):
    """``work(i)`` ``total`` times on ``concurrency`` green threads → (rate, latencies)."""
    latencies = []
    counter = iter(range(total))

    def worker():
        for i in counter:
            started = time.perf_counter()
            work(i)
            latencies.append(time.perf_counter() - started)

    pool = eventlet.GreenPool(concurrency)
    started = time.perf_counter()
    for _ in range(concurrency):
        pool.spawn(worker)
    pool.waitall()
    elapsed = time.perf_counter() - started
    return total / elapsed, latencies


def rpc_rate(amqp_uri, service, method, total, concurrency, args=()):
    """RPC calls per second, one standalone proxy per green thread."""
    proxies = []

    def setup():
        context = rpc_cluster(amqp_uri, timeout=30)
        cluster = context.__enter__()
        proxies.append(context)
        return getattr(getattr(cluster, service), method)

    calls = [setup() for _ in range(concurrency)]
    slots = eventlet.queue.LightQueue()
    for call in calls:
        slots.put(call)

    def work(i):
        call = slots.get()
        try:
            call(*args)
        finally:
            slots.put(call)

    try:
        return run_concurrently(work, total, concurrency)
    finally:
        for context in proxies:
            context.__exit__(None, None, None)


class HttpClient:
    """A keep-alive HTTP/1.1 connection."""

    def __init__(self, base_url: str):
        host, port = base_url.removeprefix("http://").split(":")
        self.connection = http.client.HTTPConnection(host, int(port), timeout=30)

    def request(self, method, path, body=None, headers=None):
        self.connection.request(method, path, body=body, headers=headers or {})
        response = self.connection.getresponse()
        data = response.read()
        return response.status, data


def http_rate(base_url, path, total, concurrency, method="GET", body_for=None, headers_for=None):
    clients = eventlet.queue.LightQueue()
    for _ in range(concurrency):
        clients.put(HttpClient(base_url))
    statuses = {}

    def work(i):
        client = clients.get()
        try:
            body = body_for(i) if body_for else None
            headers = headers_for(i) if headers_for else None
            status, _ = client.request(method, path, body, headers)
            statuses[status] = statuses.get(status, 0) + 1
        finally:
            clients.put(client)

    rate, latencies = run_concurrently(work, total, concurrency)
    return rate, latencies, statuses


def pct(latencies, q) -> float:
    """The q-th percentile in milliseconds."""
    ordered = sorted(latencies)
    index = min(len(ordered) - 1, max(0, round(q / 100 * len(ordered)) - 1))
    return ordered[index] * 1000


def print_table(title, rows, headers):
    widths = [max(len(str(x)) for x in column) for column in zip(headers, *rows, strict=True)]
    print(f"\n{title}")
    print("  ".join(str(h).ljust(w) for h, w in zip(headers, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for row in rows:
        print("  ".join(str(x).ljust(w) for x, w in zip(row, widths, strict=True)))


def median(values):
    return statistics.median(values)
