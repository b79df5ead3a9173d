"""The floor: what the bare stack does on this machine, measured in one run.

    make bench   or   .venv/bin/python bench/platform_bench.py [--quick]

Prints sequential and concurrent RPC round trips per second, trivial HTTP requests per
second at a gateway, and HTTP→RPC requests per second. Later benchmarks compare with these.
"""

import sys

from common import Cluster, http_rate, pct, print_table, rpc_rate


def row(label, rate, latencies):
    return (label, f"{rate:,.0f}/s", f"{pct(latencies, 50):.2f}", f"{pct(latencies, 95):.2f}")


def measure(quick=False):
    scale = 1 if quick else 4
    with Cluster() as cluster:
        cluster.start("bench.floor_services:EchoService")
        gateway = cluster.start("bench.floor_services:FloorGateway")
        cluster.wait_rpc("bench_echo", "ping")
        cluster.wait_http(gateway + "/ping")
        # warm up connections and code paths
        rpc_rate(cluster.amqp_uri, "bench_echo", "ping", 200, 4)
        http_rate(gateway, "/rpc-ping", 200, 4)

        rows = []
        for label, total, concurrency in (
            ("RPC round trips, sequential", 500 * scale, 1),
            ("RPC round trips, 16 concurrent", 1000 * scale, 16),
        ):
            rate, latencies = rpc_rate(cluster.amqp_uri, "bench_echo", "ping", total, concurrency)
            rows.append(
                (label, f"{rate:,.0f}/s", f"{pct(latencies, 50):.2f}", f"{pct(latencies, 95):.2f}")
            )
        for label, path, total, concurrency in (
            ("HTTP trivial, 16 concurrent", "/ping", 2000 * scale, 16),
            ("HTTP→RPC, sequential", "/rpc-ping", 500 * scale, 1),
            ("HTTP→RPC, 16 concurrent", "/rpc-ping", 1000 * scale, 16),
        ):
            rate, latencies, statuses = http_rate(gateway, path, total, concurrency)
            assert set(statuses) == {200}, statuses
            rows.append(
                (label, f"{rate:,.0f}/s", f"{pct(latencies, 50):.2f}", f"{pct(latencies, 95):.2f}")
            )
    return rows


def main():
    rows = measure(quick="--quick" in sys.argv)
    print_table(
        "Platform floor (this machine, this run)", rows, ("what", "rate", "p50 ms", "p95 ms")
    )


if __name__ == "__main__":
    main()
