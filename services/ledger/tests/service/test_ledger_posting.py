"""Posting through RabbitMQ: numbering, idempotency, refusals, events, reversal, batches."""

import pytest
from ledger_service_support import (
    ACTOR,
    ASSETS_HEADING,
    BANK,
    CASH,
    OTHER_REVENUE,
    SUPPLIES_EXPENSE,
    key,
    voucher,
)
from nameko.exceptions import RemoteError

from laas_kernel.errors import DomainError
from ledger import posting


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_posting_numbers_records_chains_and_announces(ledger, unit_id):
    first = ledger.rpc.post_voucher(unit_id, voucher(amount="1250.5"), key(), ACTOR)
    second = ledger.rpc.post_voucher(unit_id, voucher(day="2025-09-30"), key(), ACTOR)
    general = ledger.rpc.post_voucher(unit_id, voucher(kind="GJ"), key(), ACTOR)

    assert first["status"] == "created"
    v = first["voucher"]
    assert v["number"] == "RV-2568-000001"
    assert (v["fiscal_year"], v["period"], v["total"]) == (2568, 1, "1250.50")
    assert v["lines"][0] == {"account_code": CASH, "debit": "1250.50", "credit": "0.00", "memo": ""}
    assert v["posted_by"] == "user-1" and v["posted_by_name"] == "finance.officer"
    assert second["voucher"]["number"] == "RV-2568-000002"
    assert second["voucher"]["previous_hash"] == v["hash"]
    assert general["voucher"]["number"] == "GJ-2568-000001"

    stored = ledger.rpc.get_voucher(unit_id, v["id"])
    assert stored == v
    events = ledger.events(unit_id)
    payload = events[0]
    assert payload["unit_id"] == unit_id and payload["voucher_id"] == v["id"]
    assert payload["number"] == "RV-2568-000001" and payload["total"] == "1250.50"
    assert payload["lines"][1]["credit"] == "1250.50"
    assert len(events) == 3
    assert ledger.rpc.verify_chain(unit_id)["ok"] is True


def test_idempotent_retries_return_the_first_voucher(ledger, unit_id):
    k = key()
    first = ledger.rpc.post_voucher(unit_id, voucher(amount="10"), k, ACTOR)
    again = ledger.rpc.post_voucher(unit_id, voucher(amount="10.00"), k, ACTOR)
    assert first["status"] == "created" and again["status"] == "existing"
    assert again["voucher"] == first["voucher"]

    err = refused(lambda: ledger.rpc.post_voucher(unit_id, voucher(amount="11"), k, ACTOR))
    assert err.code == "idempotency_conflict"
    assert err.details["voucher_id"] == first["voucher"]["id"]
    err = refused(lambda: ledger.rpc.post_voucher(unit_id, voucher(), None, ACTOR))
    assert err.code == "idempotency_key_required"
    # The same key in another unit is another voucher.
    other = ledger.rpc.post_voucher(unit_id + "-b", voucher(amount="10"), k, ACTOR)
    assert other["status"] == "created"
    count = "SELECT count(*) FROM vouchers WHERE unit_id LIKE :unit || '%'"
    assert ledger.sql(count, unit=unit_id)[0][0] == 2


def test_refusals_name_the_problem_and_take_no_number(ledger, unit_id):
    unbalanced = voucher()
    unbalanced["lines"][1]["credit"] = "99.99"
    err = refused(lambda: ledger.rpc.post_voucher(unit_id, unbalanced, key(), ACTOR))
    assert err.code == "voucher_unbalanced"
    assert err.details["difference"] == "0.01"

    err = refused(
        lambda: ledger.rpc.post_voucher(unit_id, voucher(debit="9999999999"), key(), ACTOR)
    )
    assert (err.code, err.details["account_codes"]) == ("unknown_account", ["9999999999"])
    err = refused(
        lambda: ledger.rpc.post_voucher(unit_id, voucher(debit=ASSETS_HEADING), key(), ACTOR)
    )
    assert err.code == "account_not_postable"
    floaty = voucher()
    floaty["lines"][0]["debit"] = 100.0
    err = refused(lambda: ledger.rpc.post_voucher(unit_id, floaty, key(), ACTOR))
    assert err.code == "invalid_voucher" and "lines[0].debit" in err.details
    err = refused(lambda: ledger.rpc.post_voucher(unit_id, voucher(amount="-5"), key(), ACTOR))
    assert err.code == "invalid_voucher"

    posted = ledger.rpc.post_voucher(unit_id, voucher(), key(), ACTOR)
    assert posted["voucher"]["number"] == "RV-2568-000001"


def test_reversal_posts_a_linked_reversing_voucher_once(ledger, unit_id):
    original = ledger.rpc.post_voucher(
        unit_id, voucher(kind="PV", debit=SUPPLIES_EXPENSE, credit=BANK, amount="400"), key()
    )["voucher"]
    answer = ledger.rpc.reverse_voucher(unit_id, original["id"], ACTOR)
    reversal = answer["voucher"]
    assert answer["status"] == "created"
    assert reversal["number"] == "PV-2568-000002"
    assert reversal["reverses_id"] == original["id"]
    assert reversal["date"] == original["date"]
    assert [(line["debit"], line["credit"]) for line in reversal["lines"]] == [
        ("0.00", "400.00"),
        ("400.00", "0.00"),
    ]
    assert ledger.rpc.get_voucher(unit_id, original["id"])["reversed_by_id"] == reversal["id"]

    err = refused(lambda: ledger.rpc.reverse_voucher(unit_id, original["id"], ACTOR))
    assert err.code == "voucher_already_reversed"
    err = refused(lambda: ledger.rpc.reverse_voucher("another-unit", original["id"], ACTOR))
    assert err.code == "voucher_not_found"

    report = ledger.rpc.trial_balance(unit_id, 2568)
    assert report["lines"] == [] and report["total_debit"] == "0.00"
    event = ledger.events(unit_id, "voucher_reversed")
    assert len(event) == 1
    assert event[0]["voucher_id"] == original["id"]
    assert event[0]["reversal_voucher_id"] == reversal["id"]
    assert event[0]["reversal_number"] == "PV-2568-000002"
    assert ledger.events(unit_id)[-1]["reverses_voucher_id"] == original["id"]
    # Posted rows are append-only, even for someone with SQL.
    with pytest.raises(Exception, match="append-only"):
        ledger.sql("UPDATE vouchers SET total = 1 WHERE id = :id", id=original["id"])


def test_batch_bad_voucher_in_the_middle_stops_nothing_else(ledger, unit_id):
    keys = [key() for _ in range(5)]
    bodies = [voucher(amount=str(10 + i)) for i in range(5)]
    bodies[2]["lines"][0]["account_code"] = "9999999999"
    items = [{"idempotency_key": k, **b} for k, b in zip(keys, bodies, strict=True)]
    items.append({"idempotency_key": keys[0], **bodies[0]})  # a retry inside the batch
    items.append({"idempotency_key": keys[1], **voucher(amount="77")})  # a key reused
    items.append(voucher())  # no key

    results = ledger.rpc.post_batch(unit_id, items, ACTOR)["results"]
    statuses = [r["status"] for r in results]
    assert statuses == [
        "created",
        "created",
        "refused",
        "created",
        "created",
        "existing",
        "refused",
        "refused",
    ]
    assert results[2]["error"]["code"] == "unknown_account"
    assert results[6]["error"]["code"] == "idempotency_conflict"
    assert results[7]["error"]["code"] == "idempotency_key_required"
    assert results[5]["voucher"]["id"] == results[0]["voucher"]["id"]
    numbers = [r["voucher"]["number"] for r in results[:5] if r["status"] == "created"]
    assert numbers == [f"RV-2568-00000{i}" for i in range(1, 5)]

    again = ledger.rpc.post_batch(unit_id, items[:5], ACTOR)["results"]
    assert [r["status"] for r in again] == [
        "existing",
        "existing",
        "refused",
        "existing",
        "existing",
    ]
    report = ledger.rpc.trial_balance(unit_id, 2568, 1)
    assert report["total_debit"] == report["total_credit"] == "48.00"  # 10 + 11 + 13 + 14
    assert ledger.rpc.verify_chain(unit_id) == {
        "unit_id": unit_id,
        "vouchers": 4,
        "ok": True,
        "problems": [],
    }


def test_trial_balance_and_account_ledger_agree(ledger, unit_id):
    ledger.rpc.post_voucher(unit_id, voucher("2024-10-05", "1000", BANK, OTHER_REVENUE), key())
    ledger.rpc.post_voucher(unit_id, voucher("2024-11-20", "300", CASH, BANK, kind="GJ"), key())
    ledger.rpc.post_voucher(unit_id, voucher("2024-10-25", "50", SUPPLIES_EXPENSE, BANK), key())

    october = ledger.rpc.trial_balance(unit_id, 2568, 1)
    assert {line["account_code"]: (line["debit"], line["credit"]) for line in october["lines"]} == {
        BANK: ("950.00", "0.00"),
        OTHER_REVENUE: ("0.00", "1000.00"),
        SUPPLIES_EXPENSE: ("50.00", "0.00"),
    }
    year = ledger.rpc.trial_balance(unit_id, 2568)
    assert year["total_debit"] == year["total_credit"] == "1000.00"
    bank = next(line for line in year["lines"] if line["account_code"] == BANK)
    assert bank["debit"] == "650.00" and bank["name"]

    book = ledger.rpc.account_ledger(unit_id, BANK, 2568)
    assert [e["date"] for e in book["entries"]] == ["2024-10-05", "2024-10-25", "2024-11-20"]
    assert [e["balance"] for e in book["entries"]] == ["1000.00", "950.00", "650.00"]
    assert book["closing_balance"] == bank["debit"]
    revenue = ledger.rpc.account_ledger(unit_id, OTHER_REVENUE, 2568)
    assert revenue["closing_balance"] == "1000.00"  # credit-normal: credits raise it
    err = refused(lambda: ledger.rpc.trial_balance(unit_id, 2025))
    assert err.code == "invalid_period"


def test_a_posting_that_fails_in_its_last_round_trip_leaves_nothing_behind(
    ledger, unit_id, monkeypatch
):
    # The writes and COMMIT travel together: break the last statement of that script.
    monkeypatch.setattr(posting, "_outbox_insert", lambda cur, events, not_before: "SELECT 1/0")
    with pytest.raises(RemoteError):
        ledger.rpc.post_voucher(unit_id, voucher(), key(), ACTOR)
    assert ledger.sql("SELECT count(*) FROM vouchers WHERE unit_id = :u", u=unit_id) == [(0,)]
    assert ledger.sql("SELECT count(*) FROM balances WHERE unit_id = :u", u=unit_id) == [(0,)]

    monkeypatch.undo()
    for _ in range(12):  # more than the pool holds: no connection was left mid-transaction
        posted = ledger.rpc.post_voucher(unit_id, voucher(), key(), ACTOR)["voucher"]
    assert posted["number"] == "RV-2568-000012"
    assert len(ledger.events(unit_id)) == 12
    assert ledger.rpc.verify_chain(unit_id)["ok"] is True
