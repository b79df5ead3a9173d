"""Identity benchmark: sign-ins per second and activation-step latency (p50/p95), printed
beside the bare RPC round trip measured in the same run.

    .venv/bin/python bench/identity_bench.py [--seconds 8] [--concurrency 8] [--activations 20]

It starts what it needs, as the tests do: a RabbitMQ vhost and a fresh identity database on
the servers named by AMQP_URI / DATABASE_URL, the ThaiD sandbox, and the identity service
plus the gateway in this process. Sign-ins and activation steps go through the gateway's
HTTP API; argon2 runs with the production parameters unless --fast-hashing is given. The
OTP is read from the event in the outbox (the notify service is not part of this run).
"""

import eventlet

eventlet.monkey_patch()

import argparse  # noqa: E402
import statistics  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
for part in ("kernel", "services/identity", "gateway", "deploy/dev", "."):
    sys.path.insert(0, str(ROOT / part))

import requests  # noqa: E402
from nameko.runners import ServiceRunner  # noqa: E402
from sqlalchemy import create_engine, text  # noqa: E402

from laas_kernel.db import make_psycopg2_green  # noqa: E402
from laas_kernel.sealing import unseal  # noqa: E402
from laas_kernel.standalone import rpc_cluster  # noqa: E402

SECRET = "benchmark-secret-key-of-32-bytes-or-more"
ADMIN = ("admin", "Admin#2568")
PERSON = "3650100456781"  # นาย ประเสริฐ บัญชีกลาง, in the sandbox
NEW_PASSWORD = "Bench#2568ok"


def percentiles(samples: list[float]) -> tuple[float, float]:
    """(p50, p95) in milliseconds."""
    if len(samples) < 2:
        value = samples[0] * 1000 if samples else float("nan")
        return value, value
    cuts = statistics.quantiles(samples, n=100, method="inclusive")
    return cuts[49] * 1000, cuts[94] * 1000


class Bench:
    def __init__(self, fast_hashing: bool):
        from thaid_sandbox import ThaidSandbox

        from testing.databases import TestDatabases
        from testing.infrastructure import Vhosts, default_urls

        make_psycopg2_green()
        amqp_uri, database_url, management = default_urls()
        self.vhosts = Vhosts(amqp_uri, management)
        self.vhost = self.vhosts.create()
        self.amqp_uri = self.vhosts.uri_for(self.vhost)
        self.databases = TestDatabases(database_url)
        prefix = f"bench{uuid.uuid4().hex[:8]}"
        identity_url = self.databases.create(prefix, "identity")
        self.sql_engine = create_engine(identity_url, pool_size=1)
        self.sandbox = ThaidSandbox(port=0).start()
        config = {
            "AMQP_URI": self.amqp_uri,
            "DATABASE_URL": database_url,
            "DATABASE_PREFIX": prefix,
            "LAAS_SECRET_KEY": SECRET,
            "LAAS_ADMIN_USERNAME": ADMIN[0],
            "LAAS_ADMIN_PASSWORD": ADMIN[1],
            "THAID_URL": self.sandbox.url,
            "THROTTLE_USER_MAX": 1_000_000,
            "THROTTLE_ADDRESS_MAX": 1_000_000,
            "WEB_SERVER_ADDRESS": "127.0.0.1:0",
            "max_workers": 20,
        }
        if fast_hashing:
            config.update(ARGON2_TIME_COST=1, ARGON2_MEMORY_KIB=1024, ARGON2_PARALLELISM=1)
        from gateway.service import GatewayService
        from identity.service import IdentityService
        from testing.system import gateway_port

        self.runner = ServiceRunner(config)
        self.runner.add_service(IdentityService)
        self.runner.add_service(GatewayService)
        self.runner.start()
        self.base = f"http://127.0.0.1:{gateway_port(self.runner)}"
        self.http = requests.Session()

    def close(self):
        self.runner.kill()
        self.sandbox.stop()
        self.sql_engine.dispose()
        self.databases.close()
        self.vhosts.delete(self.vhost)

    def post(self, path, body, token=None, address="127.0.0.1"):
        headers = {"X-Forwarded-For": address}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        answer = self.http.post(self.base + path, json=body, headers=headers, timeout=30)
        if answer.status_code >= 300:
            raise RuntimeError(f"{path}: {answer.status_code} {answer.text}")
        return answer.json()

    # --- measurements ---------------------------------------------------------------------

    def rpc_floor(self, calls=200) -> list[float]:
        samples = []
        with rpc_cluster(self.amqp_uri, timeout=10) as cluster:
            cluster.identity.health()
            for _ in range(calls):
                started = time.perf_counter()
                cluster.identity.health()
                samples.append(time.perf_counter() - started)
        return samples

    def add_users(self, count, unit_id, token, **extra) -> list[str]:
        names = []
        for _ in range(count):
            name = f"bench{uuid.uuid4().hex[:8]}"
            body = {"username": name, "unit_id": unit_id, "groups": ["finance_officer"], **extra}
            self.post("/api/v1/admin/users", body, token)
            names.append(name)
        return names

    def sign_ins(self, seconds: float, concurrency: int) -> tuple[int, float, list[float]]:
        admin = self.post("/api/v1/auth/login", {"username": ADMIN[0], "password": ADMIN[1]})
        department = admin["user"]["unit"]["id"]
        users = self.add_users(
            concurrency, department, admin["access_token"], initial_password="Dept#2568x"
        )
        samples: list[float] = []
        deadline = time.perf_counter() + seconds

        def sign_in_loop(index):
            session = requests.Session()
            body = {"username": users[index], "password": "Dept#2568x"}
            headers = {"X-Forwarded-For": f"10.20.0.{index + 1}"}
            while time.perf_counter() < deadline:
                started = time.perf_counter()
                answer = session.post(
                    self.base + "/api/v1/auth/login", json=body, headers=headers, timeout=30
                )
                if answer.status_code != 200 or answer.json()["status"] != "authenticated":
                    raise RuntimeError(answer.text)
                samples.append(time.perf_counter() - started)

        started = time.perf_counter()
        pool = eventlet.GreenPool(concurrency)
        for index in range(concurrency):
            pool.spawn(sign_in_loop, index)
        pool.waitall()
        return len(samples), time.perf_counter() - started, samples

    def last_otp(self, email) -> str:
        with self.sql_engine.begin() as conn:
            payload = conn.execute(
                text(
                    "SELECT payload FROM outbox WHERE event_type = 'otp_requested'"
                    " AND payload->>'email' = :email ORDER BY id DESC LIMIT 1"
                ),
                {"email": email},
            ).scalar_one()
        return unseal(payload["code_sealed"], SECRET)

    def activations(self, count: int) -> dict[str, list[float]]:
        admin = self.post("/api/v1/auth/login", {"username": ADMIN[0], "password": ADMIN[1]})
        token = admin["access_token"]
        province = self.post(
            "/api/v1/admin/units", {"code": "BP", "name": "สถจ.", "kind": "province_office"}, token
        )
        lao = self.post(
            "/api/v1/admin/units",
            {"code": "BL", "name": "ทต.", "kind": "lao", "parent_id": province["id"]},
            token,
        )
        school = self.post(
            "/api/v1/admin/units",
            {"code": "BS", "name": "รร.", "kind": "subordinate_unit", "parent_id": lao["id"]},
            token,
        )
        users = self.add_users(count, school["id"], token, initial_password="School#2568")
        steps: dict[str, list[float]] = {
            name: [] for name in ("login", "citizen_id", "email", "otp", "password")
        }

        def timed(step, path, body):
            started = time.perf_counter()
            answer = self.post(path, body)
            steps[step].append(time.perf_counter() - started)
            return answer

        for name in users:
            email = f"{name}@example.com"
            login = timed(
                "login", "/api/v1/auth/login", {"username": name, "password": "School#2568"}
            )
            activation = login["activation_token"]
            timed(
                "citizen_id",
                "/api/v1/auth/activation/citizen-id",
                {"activation_token": activation, "citizen_id": PERSON},
            )
            timed(
                "email",
                "/api/v1/auth/activation/email",
                {"activation_token": activation, "email": email},
            )
            code = self.last_otp(email)
            timed(
                "otp", "/api/v1/auth/activation/otp", {"activation_token": activation, "otp": code}
            )
            timed(
                "password",
                "/api/v1/auth/activation/password",
                {"activation_token": activation, "new_password": NEW_PASSWORD},
            )
        return steps


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0, help="sign-in phase length")
    parser.add_argument("--concurrency", type=int, default=8, help="parallel sign-ins")
    parser.add_argument("--activations", type=int, default=20)
    parser.add_argument("--fast-hashing", action="store_true", help="argon2 at test cost")
    args = parser.parse_args(argv)

    bench = Bench(args.fast_hashing)
    try:
        floor = bench.rpc_floor()
        count, elapsed, sign_in_samples = bench.sign_ins(args.seconds, args.concurrency)
        steps = bench.activations(args.activations)
    finally:
        bench.close()

    hashing = "test cost (t=1, 1 MiB)" if args.fast_hashing else "production (t=3, 64 MiB, p=2)"
    print(f"identity benchmark — argon2id {hashing}, through the gateway (HTTP)")
    print(f"{'measure':<40}{'p50 ms':>10}{'p95 ms':>10}{'n':>7}")
    p50, p95 = percentiles(floor)
    print(f"{'RPC floor: identity.health() round trip':<40}{p50:>10.1f}{p95:>10.1f}{len(floor):>7}")
    p50, p95 = percentiles(sign_in_samples)
    label = f"sign-in ({args.concurrency} in parallel)"
    print(f"{label:<40}{p50:>10.1f}{p95:>10.1f}{count:>7}")
    for step, samples in steps.items():
        p50, p95 = percentiles(samples)
        print(f"{'activation step: ' + step:<40}{p50:>10.1f}{p95:>10.1f}{len(samples):>7}")
    print(f"sign-ins per second: {count / elapsed:.1f} ({count} in {elapsed:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
