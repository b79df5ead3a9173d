"""Many clients at once on one unit and the same accounts: nothing lost, no gaps, one voucher
per idempotency key."""

from decimal import Decimal

import eventlet
from ledger_service_support import ACTOR, BANK, CASH, OTHER_REVENUE, key, voucher

from laas_kernel.standalone import rpc_cluster

CLIENTS = 8
EACH = 10


def _in_parallel(ledger, work):
    """Run ``work(rpc, client_no)`` on CLIENTS green threads, each with its own connection."""

    def client(n):
        with rpc_cluster(ledger.amqp_uri, timeout=30) as cluster:
            return work(cluster.ledger, n)

    pool = eventlet.GreenPool(CLIENTS)
    return list(pool.imap(client, range(CLIENTS)))


def test_concurrent_posting_loses_nothing_and_numbers_without_gaps(ledger, unit_id):
    def post_many(rpc, n):
        numbers = []
        for i in range(EACH):
            amount = f"{n + 1}.{i:02d}"
            kind = "RV" if i % 2 else "GJ"
            body = voucher(amount=amount, kind=kind, debit=CASH if n % 2 else BANK)
            numbers.append(rpc.post_voucher(unit_id, body, key(), ACTOR)["voucher"]["number"])
        return numbers

    numbers = [n for batch in _in_parallel(ledger, post_many) for n in batch]

    assert len(numbers) == len(set(numbers)) == CLIENTS * EACH
    for kind in ("RV", "GJ"):
        seqs = sorted(int(n.rsplit("-", 1)[1]) for n in numbers if n.startswith(kind))
        assert seqs == list(range(1, CLIENTS * EACH // 2 + 1))
    expected = sum(Decimal(f"{n + 1}.{i:02d}") for n in range(CLIENTS) for i in range(EACH))
    rows = ledger.sql(
        "SELECT account_code, sum(debit_total), sum(credit_total) FROM balances"
        " WHERE unit_id = :u GROUP BY account_code",
        u=unit_id,
    )
    totals = {code: (debit, credit) for code, debit, credit in rows}
    assert totals[OTHER_REVENUE] == (0, expected)
    assert totals[CASH][0] + totals[BANK][0] == expected
    assert ledger.sql("SELECT count(*) FROM voucher_lines WHERE unit_id = :u", u=unit_id)[0][0] == (
        2 * CLIENTS * EACH
    )
    chain = ledger.rpc.verify_chain(unit_id)
    assert chain["ok"] and chain["vouchers"] == CLIENTS * EACH


def test_concurrent_identical_requests_make_one_voucher(ledger, unit_id):
    k = key()
    body = voucher(amount="321.00")

    answers = _in_parallel(ledger, lambda rpc, n: rpc.post_voucher(unit_id, body, k, ACTOR))

    assert sorted(a["status"] for a in answers) == ["created"] + ["existing"] * (CLIENTS - 1)
    assert len({a["voucher"]["id"] for a in answers}) == 1
    assert ledger.sql("SELECT count(*) FROM vouchers WHERE unit_id = :u", u=unit_id)[0][0] == 1
    assert len(ledger.events(unit_id)) == 1


def test_concurrent_batches_with_shared_keys(ledger, unit_id):
    keys = [key() for _ in range(20)]

    def batch(rpc, n):
        # Every client sends the same 20 vouchers, rotated so they collide in every order.
        order = keys[n:] + keys[:n]
        items = [{"idempotency_key": k, **voucher(amount="5.00")} for k in order]
        return rpc.post_batch(unit_id, items, ACTOR)["results"]

    results = [r for answer in _in_parallel(ledger, batch) for r in answer]
    created = [r for r in results if r["status"] == "created"]
    assert len(created) == 20
    assert all(r["status"] in ("created", "existing") for r in results)
    by_key = {}
    for r in results:
        by_key.setdefault(r["idempotency_key"], set()).add(r["voucher"]["id"])
    assert all(len(ids) == 1 for ids in by_key.values())
    numbers = sorted(r["voucher"]["number"] for r in created)
    assert numbers == [f"RV-2568-{i:06d}" for i in range(1, 21)]


def test_postings_go_on_after_the_database_dropped_every_connection(ledger):
    # Many clients at once leave many idle posting connections behind ...
    _in_parallel(
        ledger,
        lambda rpc, n: rpc.post_voucher(f"restart-{n}", voucher(), key(), ACTOR),
    )
    # ... which all die together when the database restarts (here: their backends end).
    ledger.sql(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
        " WHERE datname = current_database() AND pid <> pg_backend_pid()"
    )
    posted = ledger.rpc.post_voucher("restart-after", voucher(), key(), ACTOR)
    assert posted["status"] == "created"
    assert posted["voucher"]["number"] == "RV-2568-000001"
