"""Trial-balance latency for one unit in a ledger holding 22,000 units' books.

    .venv/bin/python bench/ledger_trial_balance_bench.py      (BENCH_REQUESTS=1000)

The data lives in its own database, ``laas_bench_tb_ledger`` on DATABASE_URL, made once with
SQL ``generate_series`` (22,000 units × 100 four-line vouchers over FY 2568: 2.2 M vouchers,
8.8 M lines, the balances rows they sum to) and reused by later runs; drop it to make it
again. The generated vouchers carry placeholder hashes: this data is for reading speed.

Measures, for random units, GET /api/v1/units/{unit}/trial-balance?fiscal_year=2568 (year to
date) and …&period=6 through the gateway, sequentially and with 4 clients, beside:
- the HTTP→RPC floor (a trivial gateway route doing one trivial RPC);
- raw PostgreSQL running the report's own query (psycopg2, no Python service in between).
Target: p95 ≤ 10 ms through the gateway.
"""

import os
import random
import time

from ledger_support import (
    DATABASE_URL,
    Bench,
    Http,
    percentile,
    print_table,
    run_clients,
    token,
)
from sqlalchemy import create_engine, text

from laas_kernel.dbsetup import migrate
from laas_kernel.settings import Settings

PREFIX = "laas_bench_tb"
UNITS = 22_000
VOUCHERS_PER_UNIT = 100
REQUESTS = int(os.environ.get("BENCH_REQUESTS", 1000))
SECONDS = float(os.environ.get("BENCH_SECONDS", 6))
# Postable accounts of the shipped chart the generated lines spread over.
ACCOUNTS = [
    "1101010101",
    "1101020603",
    "1101020604",
    "1102010101",
    "1206010101",
    "2101020198",
    "3102010101",
    "4313010199",
    "5104010104",
    "5105010103",
    "1101010104",
    "1101020501",
]


def unit_name(n: int) -> str:
    return f"tb-{n:05d}"


GENERATE = [
    "SET session_replication_role = replica",  # bulk load: no FK or append-only triggers
    "SET work_mem = '256MB'",
    f"""INSERT INTO ledger_units (unit_id, last_hash, voucher_count)
        SELECT 'tb-' || lpad(u::text, 5, '0'), md5(u::text) || md5(u::text), {VOUCHERS_PER_UNIT}
        FROM generate_series(1, {UNITS}) u""",
    f"""INSERT INTO vouchers (id, unit_id, chain_seq, number, type, date, fiscal_year, period,
          description, total, origin, idempotency_key, content_hash, posted_by, posted_at,
          prev_hash, hash)
        SELECT md5(u || '-' || s)::uuid, 'tb-' || lpad(u::text, 5, '0'), s,
          'GJ-2568-' || lpad(s::text, 6, '0'), 'GJ', d, 2568,
          (extract(month FROM d)::int + 2) % 12 + 1, 'generated',
          (s * 37 % 1000) + 100.25 + (s * 11 % 500) + 50.50, 'post', 'gen-' || s,
          md5(s::text) || md5(s::text), 'bench', now(), repeat('0', 64), repeat('0', 64)
        FROM generate_series(1, {UNITS}) u, generate_series(1, {VOUCHERS_PER_UNIT}) s,
          LATERAL (SELECT DATE '2024-10-01' + ((s - 1) * 364 / {VOUCHERS_PER_UNIT})) AS day(d)""",
    f"""INSERT INTO voucher_lines (voucher_id, line_no, unit_id, fiscal_year, period, date,
          account_code, debit, credit)
        SELECT v.id, x.n, v.unit_id, v.fiscal_year, v.period, v.date,
          (ARRAY[{",".join(f"'{a}'" for a in ACCOUNTS)}])[
            1 + (v.chain_seq * 7 + x.n * 5 + substr(v.unit_id, 4)::int) % {len(ACCOUNTS)}],
          CASE x.n WHEN 1 THEN (v.chain_seq * 37 % 1000) + 100.25
                   WHEN 2 THEN (v.chain_seq * 11 % 500) + 50.50 ELSE 0 END,
          CASE x.n WHEN 3 THEN (v.chain_seq * 37 % 1000) + 100.25
                   WHEN 4 THEN (v.chain_seq * 11 % 500) + 50.50 ELSE 0 END
        FROM vouchers v, (VALUES (1), (2), (3), (4)) AS x(n)""",
    """INSERT INTO balances (unit_id, fiscal_year, period, account_code, debit_total,
          credit_total)
        SELECT unit_id, fiscal_year, period, account_code, sum(debit), sum(credit)
        FROM voucher_lines GROUP BY 1, 2, 3, 4""",
    f"""INSERT INTO voucher_counters (unit_id, fiscal_year, type, last_seq)
        SELECT unit_id, 2568, 'GJ', {VOUCHERS_PER_UNIT} FROM ledger_units""",
]


def ensure_data(settings: Settings) -> str:
    """The benchmark database, generated the first time (a few minutes)."""
    url = settings.database_url_for("ledger")
    migrate(settings, "ledger")
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            have = conn.execute(text("SELECT count(*) FROM voucher_lines")).scalar()
        expected = UNITS * VOUCHERS_PER_UNIT * 4
        if have == expected:
            print(f"reusing {settings.database_prefix}_ledger ({have:,} lines)")
            return url
        if have:
            raise SystemExit(f"{settings.database_prefix}_ledger holds other data: drop it")
        began = time.perf_counter()
        with engine.begin() as conn:
            for statement in GENERATE:
                conn.execute(text(statement))
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
        print(f"generated in {time.perf_counter() - began:.0f} s")
        return url
    finally:
        engine.dispose()


def sizes(url) -> dict:
    engine = create_engine(url)
    with engine.connect() as conn:
        answer = {
            table: conn.execute(text(f"SELECT count(*) FROM {table}")).scalar()
            for table in ("ledger_units", "vouchers", "voucher_lines", "balances")
        }
        answer["size"] = conn.execute(
            text("SELECT pg_size_pretty(pg_database_size(current_database()))")
        ).scalar()
    engine.dispose()
    return answer


def stats(latencies, count=None, seconds=None):
    return {
        "p50": percentile(latencies, 0.5) * 1000,
        "p95": percentile(latencies, 0.95) * 1000,
        "p99": percentile(latencies, 0.99) * 1000,
        "rate": (count / seconds) if count is not None else len(latencies) / sum(latencies),
    }


def sequential(call, requests=REQUESTS):
    latencies = []
    for i in range(requests + 50):
        began = time.perf_counter()
        call(i)
        if i >= 50:  # warm-up
            latencies.append(time.perf_counter() - began)
    return stats(latencies)


def concurrent(make_client, step, clients=4):
    count, seconds, latencies = run_clients(clients, make_client, step, SECONDS)
    return stats(latencies, count, seconds)


def main():
    settings = Settings(database_url=DATABASE_URL, database_prefix=PREFIX)
    url = ensure_data(settings)
    held = sizes(url)
    rng = random.Random(2568)
    units = [unit_name(rng.randint(1, UNITS)) for _ in range(REQUESTS + 200)]
    results = {}
    with Bench("tb", prefix=PREFIX, keep_databases={f"{PREFIX}_ledger"}) as bench:
        bench.start("ledger", max_workers=10)
        gateway = bench.start_gateway()
        bench.start("floor", max_workers=10)
        floor_gateway = bench.start_gateway("floor_gateway")
        tok = token()

        floor = Http(floor_gateway)
        results["floor"] = sequential(lambda i: floor.request("GET", f"/floor/{units[i]}"))
        client = Http(gateway, tok)

        def trial_balance(path_suffix):
            def call(i):
                status, _ = client.request(
                    "GET", f"/api/v1/units/{units[i]}/trial-balance?fiscal_year=2568{path_suffix}"
                )
                assert status == 200, status

            return call

        results["year"] = sequential(trial_balance(""))
        results["period6"] = sequential(trial_balance("&period=6"))
        floor.close()
        client.close()
        results["floor4"] = concurrent(
            lambda n: Http(floor_gateway),
            lambda c, n, i: c.request("GET", f"/floor/{units[(n * 97 + i) % len(units)]}"),
        )

        def step(c, n, i):
            status, _ = c.request(
                "GET",
                f"/api/v1/units/{units[(n * 97 + i) % len(units)]}/trial-balance?fiscal_year=2568",
            )
            assert status == 200

        results["year4"] = concurrent(lambda n: Http(gateway, tok), step)

    import psycopg2

    conn = psycopg2.connect(url)
    cur = conn.cursor()
    query = (
        "SELECT account_code, sum(debit_total), sum(credit_total) FROM balances"
        " WHERE unit_id = %s AND fiscal_year = 2568 AND period <= 12 GROUP BY account_code"
    )

    def raw(i):
        cur.execute(query, (units[i],))
        cur.fetchall()

    results["raw"] = sequential(raw)
    conn.close()

    print(
        f"\nData: {held['ledger_units']:,} units, {held['vouchers']:,} vouchers,"
        f" {held['voucher_lines']:,} lines, {held['balances']:,} balances rows ({held['size']})"
    )
    rows = [
        ["HTTP→RPC floor (trivial route + trivial RPC)", 1, *_figures(results["floor"])],
        ["trial balance, year to date, via gateway", 1, *_figures(results["year"])],
        ["trial balance, periods 1–6, via gateway", 1, *_figures(results["period6"])],
        ["raw PostgreSQL, the report's query", 1, *_figures(results["raw"])],
        ["HTTP→RPC floor", 4, *_figures(results["floor4"])],
        ["trial balance, year to date, via gateway", 4, *_figures(results["year4"])],
    ]
    print_table(
        f"Trial balance of one random unit ({REQUESTS} sequential requests; 4 clients for"
        f" {SECONDS:.0f} s)",
        ["what", "clients", "p50 ms", "p95 ms", "p99 ms", "req/s"],
        rows,
    )
    print("\nTarget: p95 ≤ 10 ms through the gateway.")


def _figures(r):
    return [f"{r['p50']:.2f}", f"{r['p95']:.2f}", f"{r['p99']:.2f}", f"{r['rate']:,.0f}"]


if __name__ == "__main__":
    main()
