"""Notify benchmark: from an OTP request to the message in the mailbox.

    .venv/bin/python bench/notify_bench.py [--sequential 80] [--burst 400]

Starts what it needs on this machine's RabbitMQ and PostgreSQL (AMQP_URI, DATABASE_URL;
a fresh vhost and database, dropped at the end), the development mailbox as its own
process, and in this process: the notify service, a stand-in for identity that requests
an OTP the way identity does (event written to its outbox in the RPC's transaction, relay
publishes after commit), and an echo service for the bare RPC round trip.

Reports, in one run:
  - bare RPC round trip (p50/p95);
  - OTP request → message in the mailbox, one at a time: via the outbox (RPC + commit +
    relay + broker + notify + SMTP) and via a plain event dispatch;
  - e-mails per second sustained over a burst, and the latency of each mail in it.
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import logging  # noqa: E402
import secrets  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, datetime, timedelta  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for sub in ("kernel", "services/notify", "gateway", "deploy/dev", "."):
    sys.path.insert(0, str(ROOT / sub))

import requests  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from nameko.standalone.events import event_dispatcher  # noqa: E402
from sqlalchemy import create_engine, func, select  # noqa: E402

from laas_kernel.contracts import OtpRequested  # noqa: E402
from laas_kernel.db import Database, make_psycopg2_green  # noqa: E402
from laas_kernel.entrypoints import rpc  # noqa: E402
from laas_kernel.outbox import OutboxRelay, add_event  # noqa: E402
from laas_kernel.sealing import seal  # noqa: E402
from laas_kernel.standalone import rpc_cluster  # noqa: E402
from notify.models import Delivery  # noqa: E402
from notify.service import NotifyService  # noqa: E402
from testing.databases import TestDatabases  # noqa: E402
from testing.infrastructure import Vhosts, default_urls  # noqa: E402
from testing.system import DEV, DevProcess, free_port  # noqa: E402

make_psycopg2_green()

SECRET = "bench-secret-key"


def otp_event(email: str) -> OtpRequested:
    return OtpRequested(
        user_id="u-bench",
        unit_id="unit-bench",
        username="bench.user",
        email=email,
        otp_ref=f"E{secrets.randbelow(100000):05d}",
        code_sealed=seal(f"{secrets.randbelow(1_000_000):06d}", SECRET),
        expires_at=datetime.now(UTC) + timedelta(minutes=5),
        ttl_seconds=300,
    )


class StandInIdentity:
    """Requests an OTP as identity does: the event goes into the outbox with the change.
    It borrows notify's database for its outbox table (benchmark only)."""

    name = "bench_identity"
    db = Database("notify")
    outbox_relay = OutboxRelay()

    @rpc
    def request_otp(self, email):
        with self.db.begin():
            add_event(self.db, otp_event(email))


class Echo:
    name = "bench_echo"

    @rpc
    def ping(self):
        return "pong"


def percentile(values, p):
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


def summary(label, seconds):
    ms = [s * 1000 for s in seconds]
    print(
        f"  {label:<44} p50 {percentile(ms, 50):7.1f} ms   p95 {percentile(ms, 95):7.1f} ms"
        f"   (n={len(ms)}, mean {statistics.fmean(ms):.1f})"
    )


class Mailbox:
    def __init__(self):
        self.smtp_port, http_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{http_port}"
        self.process = DevProcess(
            [
                str(DEV / "devmailbox.py"),
                "--smtp-port",
                str(self.smtp_port),
                "--http-port",
                str(http_port),
            ],
            self.url,
        )
        self.http = requests.Session()

    def messages(self, to=None):
        params = {"to": to} if to else None
        return self.http.get(f"{self.url}/api/messages", params=params, timeout=10).json()

    def arrival(self, to, timeout=15.0) -> float:
        """The mailbox's receipt time (epoch seconds) of the first mail to ``to``."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.messages(to)
            if found:
                return datetime.fromisoformat(found[-1]["received_at"]).timestamp()
            eventlet.sleep(0.003)
        raise RuntimeError(f"no mail to {to} within {timeout} s")


def address(tag, n):
    return f"{tag}{n}.{uuid.uuid4().hex[:6]}@bench.example.com"


def main(argv=None):
    parser = argparse.ArgumentParser()
    parser.add_argument("--sequential", type=int, default=80, help="OTPs one at a time, per path")
    parser.add_argument("--burst", type=int, default=800, help="OTPs published at once")
    parser.add_argument("--rpc", type=int, default=300, help="bare RPC round trips")
    args, _ = parser.parse_known_args(argv)  # run_all.py hands every bench the same args
    logging.basicConfig(level=logging.WARNING)

    amqp_root, database_url, management = default_urls()
    vhosts = Vhosts(amqp_root, management)
    vhost = vhosts.create()
    amqp_uri = vhosts.uri_for(vhost)
    databases = TestDatabases(database_url)
    prefix = f"bench{uuid.uuid4().hex[:8]}"
    notify_url = databases.create(prefix, "notify")
    mailbox = Mailbox()
    runner = ServiceRunner(
        {
            "AMQP_URI": amqp_uri,
            "DATABASE_URL": database_url,
            "DATABASE_PREFIX": prefix,
            "SMTP_HOST": "127.0.0.1",
            "SMTP_PORT": mailbox.smtp_port,
            "LAAS_SECRET_KEY": SECRET,
            "EVENT_RETRY_BASE_MS": 50,
            "max_workers": 10,
            "LOGGING": {
                "version": 1,
                "disable_existing_loggers": False,
                "root": {"level": "ERROR"},
            },
        }
    )
    for cls in (NotifyService, StandInIdentity, Echo):
        runner.add_service(cls)
    started = time.monotonic()
    try:
        runner.start()
        dispatch = event_dispatcher({"AMQP_URI": amqp_uri})
        print(f"notify benchmark (2 x {args.sequential} sequential, burst {args.burst})")
        with rpc_cluster(amqp_uri, timeout=30) as cluster:
            # Warm up connections, queues and the mailbox.
            cluster.bench_echo.ping()
            cluster.bench_identity.request_otp(address("warm", 0))
            dispatch("identity", "otp_requested", otp_event(address("warm", 1)).to_payload())
            eventlet.sleep(1)

            rtt = []
            for _ in range(args.rpc):
                t0 = time.perf_counter()
                cluster.bench_echo.ping()
                rtt.append(time.perf_counter() - t0)

            via_outbox = []
            for n in range(args.sequential):
                to = address("outbox", n)
                t0 = time.time()
                cluster.bench_identity.request_otp(to)
                via_outbox.append(mailbox.arrival(to) - t0)

            via_dispatch = []
            for n in range(args.sequential):
                to = address("dispatch", n)
                t0 = time.time()
                dispatch("identity", "otp_requested", otp_event(to).to_payload())
                via_dispatch.append(mailbox.arrival(to) - t0)

        # Burst: everything published as fast as one publisher can, then drained.
        engine = create_engine(notify_url)
        sent_before = _sent(engine)
        events = [otp_event(address("burst", n)) for n in range(args.burst)]
        published_at = {}
        t_start = time.time()
        for event in events:
            published_at[event.email] = time.time()
            dispatch("identity", "otp_requested", event.to_payload())
        t_published = time.time()
        deadline = time.monotonic() + 45
        while _sent(engine) - sent_before < args.burst and time.monotonic() < deadline:
            eventlet.sleep(0.2)
        engine.dispose()
        arrivals = {
            to: datetime.fromisoformat(m["received_at"]).timestamp()
            for m in mailbox.messages()
            for to in m["to"]
            if to in published_at
        }
        burst_latency = [arrivals[to] - published_at[to] for to in arrivals]
        last = max(arrivals.values()) if arrivals else t_start
        rate = len(arrivals) / (last - t_start) if arrivals else 0.0

        summary("bare RPC round trip (echo)", rtt)
        summary("OTP request via outbox → mailbox", via_outbox)
        summary("OTP event dispatched → mailbox", via_dispatch)
        summary(f"latency within a burst of {args.burst}", burst_latency or [0])
        print(
            f"  sustained: {len(arrivals)}/{args.burst} mails in {last - t_start:.2f} s = "
            f"{rate:.1f} e-mails/s (publishing took {t_published - t_start:.2f} s)"
        )
        print(f"  total run {time.monotonic() - started:.1f} s")
        return 0 if len(arrivals) == args.burst else 1
    finally:
        try:
            runner.kill()
        finally:
            mailbox.process.stop()
            databases.close()
            vhosts.delete(vhost)


def _sent(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(
            select(func.count()).select_from(Delivery).where(Delivery.status == "sent")
        )


if __name__ == "__main__":
    sys.exit(main())
