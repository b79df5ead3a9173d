"""Ledger posting throughput, beside its two baselines measured in the same run.

    .venv/bin/python bench/ledger_bench.py            (BENCH_SECONDS=6 per measurement)

Starts on a RabbitMQ vhost and a ledger database of its own: the ledger service, the gateway,
and for the floor a trivial service plus a trivial gateway route (each its own process, as
``nameko run`` runs them). Clients are green threads in this process, each posting 4-line
vouchers to a unit of its own with a fresh Idempotency-Key.

Measures, at 1, 4 and 16 concurrent clients:
- HTTP→RPC floor: GET on a gateway route that makes one trivial RPC (req/s);
- ceiling: the same POST through the real gateway to a stand-in ``ledger`` on a vhost of its
  own that answers with a voucher-shaped answer and touches no database (see ledger_run.py):
  what a voucher-sized request and answer cost before any posting work;
- RPC floor: one trivial RPC from a standalone client (calls/s);
- single postings through the gateway (POST /vouchers) and through RPC (post_voucher);
- raw PostgreSQL: pgbench running the same posting work in plain SQL (counter upsert,
  header, 4 lines, 4 balance upserts; one statement per voucher), 1/4/16 connections;
- batch posting, 100 vouchers per request, through the gateway and through RPC.
Everything it started is stopped and dropped at the end.
"""

import os
import subprocess
import tempfile
import uuid

from ledger_support import (
    Bench,
    Http,
    percentile,
    print_table,
    run_clients,
    token,
)

from laas_kernel.standalone import rpc_cluster

SECONDS = float(os.environ.get("BENCH_SECONDS", 6))
CLIENTS = (1, 4, 16)
BATCH_SIZE = 100
BATCH_CLIENTS = (1, 4)
CASH, BANK = "1101010101", "1101020603"
OTHER_REVENUE, OTHER_PAYABLES = "4313010199", "2101020198"


def voucher(i: int) -> dict:
    a, b = 100 + i % 900, 50 + i % 77
    return {
        "type": "RV",
        "date": "2024-10-15",
        "description": f"รับเงิน {i}",
        "lines": [
            {"account_code": CASH, "debit": f"{a}.25", "credit": "0"},
            {"account_code": BANK, "debit": f"{b}.50", "credit": "0"},
            {"account_code": OTHER_REVENUE, "debit": "0", "credit": f"{a}.25"},
            {"account_code": OTHER_PAYABLES, "debit": "0", "credit": f"{b}.50"},
        ],
    }


class Counter:
    def __init__(self):
        self.errors = 0


def measure(clients, make_client, step, seconds=SECONDS, per_op=1):
    ops, elapsed, latencies = run_clients(clients, make_client, step, seconds)
    return {
        "rate": ops * per_op / elapsed,
        "p50": percentile(latencies, 0.5) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
    }


def http_floor(address, clients):
    def step(client, n, i):
        status, _ = client.request("GET", f"/floor/u{n}")
        assert status == 200, status

    return measure(clients, lambda n: Http(address), step)


class RpcClient:
    def __init__(self, amqp_uri):
        self._cm = rpc_cluster(amqp_uri, timeout=120)
        self.cluster = self._cm.__enter__()

    def close(self):
        self._cm.__exit__(None, None, None)


def rpc_floor(amqp_uri, clients):
    def step(client, n, i):
        client.cluster.bench_floor.ping(f"u{n}")

    return measure(clients, lambda n: RpcClient(amqp_uri), step)


def gateway_posting(address, clients, run):
    tok = token()

    def step(client, n, i):
        status, data = client.request(
            "POST",
            f"/api/v1/units/{run}-{n}/vouchers",
            voucher(i),
            headers={"Idempotency-Key": uuid.uuid4().hex},
        )
        assert status == 201, (status, data[:300])

    return measure(clients, lambda n: Http(address, tok), step)


def rpc_posting(amqp_uri, clients, run):
    actor = {"user_id": "bench-user", "username": "bench"}

    def step(client, n, i):
        answer = client.cluster.ledger.post_voucher(
            f"{run}-{n}", voucher(i), uuid.uuid4().hex, actor
        )
        assert answer["status"] == "created"

    return measure(clients, lambda n: RpcClient(amqp_uri), step)


def batch_items(i):
    return [
        {"idempotency_key": uuid.uuid4().hex, **voucher(i * BATCH_SIZE + k)}
        for k in range(BATCH_SIZE)
    ]


def gateway_batch(address, clients, run):
    tok = token()

    def step(client, n, i):
        status, data = client.request(
            "POST", f"/api/v1/units/{run}-{n}/vouchers/batch", {"vouchers": batch_items(i)}
        )
        assert status == 200 and b'"status": 4' not in data, (status, data[:300])

    return measure(clients, lambda n: Http(address, tok), step, per_op=BATCH_SIZE)


def rpc_batch(amqp_uri, clients, run):
    actor = {"user_id": "bench-user", "username": "bench"}

    def step(client, n, i):
        answer = client.cluster.ledger.post_batch(f"{run}-{n}", batch_items(i), actor)
        assert all(r["status"] == "created" for r in answer["results"])

    return measure(clients, lambda n: RpcClient(amqp_uri), step, per_op=BATCH_SIZE)


# The same posting work in plain SQL: counter, header, 4 lines, 4 balance upserts in
# account order. One statement (so one round trip and one commit) per voucher: the best
# PostgreSQL can do for it, without Python, RabbitMQ, hashing or events.
PGBENCH_SCRIPT = """
\\set a random(100, 999)
\\set b random(50, 126)
WITH c AS (
  INSERT INTO voucher_counters (unit_id, fiscal_year, type, last_seq)
  VALUES ('pg-' || :client_id, 2568, 'RV', 1)
  ON CONFLICT (unit_id, fiscal_year, type) DO UPDATE SET last_seq = voucher_counters.last_seq + 1
  RETURNING last_seq
), v AS (
  INSERT INTO vouchers (id, unit_id, chain_seq, number, type, date, fiscal_year, period,
    description, total, origin, idempotency_key, content_hash, posted_by, posted_at,
    prev_hash, hash)
  SELECT gen_random_uuid(), 'pg-' || :client_id, c.last_seq,
    'RV-2568-' || lpad(c.last_seq::text, 6, '0'), 'RV', DATE '2024-10-15', 2568, 1,
    'bench', (:a + :b)::numeric + 0.75, 'post', md5(random()::text), md5(random()::text),
    'bench', now(), md5(random()::text), md5(random()::text)
  FROM c RETURNING id
), l AS (
  INSERT INTO voucher_lines (voucher_id, line_no, unit_id, fiscal_year, period, date,
    account_code, debit, credit)
  SELECT v.id, x.n, 'pg-' || :client_id, 2568, 1, DATE '2024-10-15', x.code, x.d, x.c
  FROM v, (VALUES (1, '1101010101', :a + 0.25, 0), (2, '1101020603', :b + 0.50, 0),
                  (3, '4313010199', 0, :a + 0.25), (4, '2101020198', 0, :b + 0.50))
       AS x(n, code, d, c)
  RETURNING 1
)
INSERT INTO balances (unit_id, fiscal_year, period, account_code, debit_total, credit_total)
VALUES ('pg-' || :client_id, 2568, 1, '1101010101', :a + 0.25, 0),
       ('pg-' || :client_id, 2568, 1, '1101020603', :b + 0.50, 0),
       ('pg-' || :client_id, 2568, 1, '2101020198', 0, :b + 0.50),
       ('pg-' || :client_id, 2568, 1, '4313010199', 0, :a + 0.25)
ON CONFLICT (unit_id, fiscal_year, period, account_code) DO UPDATE SET
  debit_total = balances.debit_total + EXCLUDED.debit_total,
  credit_total = balances.credit_total + EXCLUDED.credit_total;
"""


def raw_postgres(database_url, clients):
    from sqlalchemy.engine import make_url

    url = make_url(database_url)
    with tempfile.NamedTemporaryFile("w", suffix=".sql", delete=False) as script:
        script.write(PGBENCH_SCRIPT)
    try:
        out = subprocess.run(
            [
                "pgbench",
                "-n",
                "-c",
                str(clients),
                "-j",
                str(min(clients, 2)),
                "-T",
                str(int(SECONDS)),
                "-f",
                script.name,
                "-h",
                url.host or "127.0.0.1",
                "-p",
                str(url.port or 5432),
                "-U",
                url.username or "postgres",
                url.database,
            ],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PGPASSWORD": url.password or ""},
        ).stdout
    finally:
        os.unlink(script.name)
    tps = next(line for line in out.splitlines() if line.startswith("tps"))
    latency = next((line for line in out.splitlines() if "latency average" in line), "")
    return {
        "rate": float(tps.split("=")[1].split()[0]),
        "p50": float(latency.split("=")[1].split()[0]) if latency else float("nan"),
        "p95": float("nan"),
    }


def fmt(value, digits=0):
    return f"{value:,.{digits}f}"


def main():
    results = {}
    with Bench("ledger") as bench, Bench("ledger-ceiling") as ceiling:
        database_url = bench.ledger_database()
        bench.bind_event_queue()
        bench.start("ledger", max_workers=10)
        gateway = bench.start_gateway()
        bench.start("floor", max_workers=10)
        floor_gateway = bench.start_gateway("floor_gateway")
        ceiling.start("ceiling", max_workers=10)
        ceiling_gateway = ceiling.start_gateway()
        run = uuid.uuid4().hex[:6]

        for c in CLIENTS:
            results[("http_floor", c)] = http_floor(floor_gateway, c)
            results[("rpc_floor", c)] = rpc_floor(bench.amqp_uri, c)
            results[("ceiling", c)] = gateway_posting(ceiling_gateway, c, f"c{run}{c}")
            results[("gateway_post", c)] = gateway_posting(gateway, c, f"g{run}{c}")
            results[("rpc_post", c)] = rpc_posting(bench.amqp_uri, c, f"r{run}{c}")
            results[("raw_pg", c)] = raw_postgres(database_url, c)
        for c in BATCH_CLIENTS:
            results[("gateway_batch", c)] = gateway_batch(gateway, c, f"gb{run}{c}")
            results[("rpc_batch", c)] = rpc_batch(bench.amqp_uri, c, f"rb{run}{c}")

    rows = []
    for c in CLIENTS:
        floor, post = results[("http_floor", c)], results[("gateway_post", c)]
        rfloor, rpost = results[("rpc_floor", c)], results[("rpc_post", c)]
        top = results[("ceiling", c)]
        rows.append(
            [
                c,
                fmt(floor["rate"]),
                f"{fmt(top['rate'])} ({top['rate'] / floor['rate']:.0%})",
                fmt(post["rate"]),
                f"{post['rate'] / floor['rate']:.0%}",
                fmt(post["p50"], 1),
                fmt(rfloor["rate"]),
                fmt(rpost["rate"]),
                f"{rpost['rate'] / rfloor['rate']:.0%}",
                fmt(results[("raw_pg", c)]["rate"]),
            ]
        )
    print_table(
        f"Single postings (4-line vouchers, one unit per client, {SECONDS:.0f} s each)",
        [
            "clients",
            "HTTP→RPC floor req/s",
            "ceiling req/s (vs floor)",
            "gateway post/s",
            "vs floor",
            "gateway p50 ms",
            "RPC floor calls/s",
            "RPC post/s",
            "vs floor",
            "raw PG post/s",
        ],
        rows,
    )
    pg16 = results[("raw_pg", 16)]["rate"]
    rows = []
    for c in BATCH_CLIENTS:
        g, r = results[("gateway_batch", c)], results[("rpc_batch", c)]
        rows.append(
            [
                c,
                fmt(g["rate"]),
                fmt(g["p50"], 1),
                fmt(r["rate"]),
                fmt(pg16),
                f"{g['rate'] / pg16:.0%}",
                f"{r['rate'] / pg16:.0%}",
            ]
        )
    print_table(
        f"Batch posting ({BATCH_SIZE} vouchers per request)",
        [
            "clients",
            "gateway vouchers/s",
            "gateway p50 ms/request",
            "RPC vouchers/s",
            "raw PG 16 conn/s",
            "gateway vs PG16",
            "RPC vs PG16",
        ],
        rows,
    )
    print(
        "\nTargets: gateway post ≥ 60% of the HTTP→RPC floor; batch ≥ 50% of raw PostgreSQL"
        " at 16 connections."
    )


if __name__ == "__main__":
    main()
