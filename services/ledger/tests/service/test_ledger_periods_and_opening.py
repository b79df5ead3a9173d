"""Closing periods and carrying in opening balances, through RabbitMQ."""

import base64
import io
import json

import pytest
from ledger_service_support import (
    ACCUMULATED_SURPLUS,
    ACTOR,
    ASSETS_HEADING,
    BANK,
    CASH,
    OTHER_PAYABLES,
    key,
    voucher,
)

from laas_kernel.errors import DomainError


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_closed_periods_refuse_postings_and_close_in_order(ledger, unit_id):
    ledger.rpc.post_voucher(unit_id, voucher("2024-10-10"), key(), ACTOR)

    err = refused(lambda: ledger.rpc.close_period(unit_id, 2568, 2, ACTOR))
    assert err.code == "period_close_order"
    assert err.details["open_periods"] == [[2568, 1]]

    closed = ledger.rpc.close_period(unit_id, 2568, 1, ACTOR)
    assert closed["status"] == "closed" and closed["already_closed"] is False
    assert ledger.rpc.close_period(unit_id, 2568, 1, ACTOR)["already_closed"] is True

    err = refused(lambda: ledger.rpc.post_voucher(unit_id, voucher("2024-10-31"), key(), ACTOR))
    assert err.code == "period_closed"
    assert err.details == {"fiscal_year": 2568, "period": 1}
    # Back-dated entries into an open period are normal (work done on paper during an outage).
    late = ledger.rpc.post_voucher(unit_id, voucher("2024-11-01"), key(), ACTOR)["voucher"]
    assert late["period"] == 2 and late["number"] == "RV-2568-000002"
    # A batch: the voucher in the closed period is refused, the rest post.
    results = ledger.rpc.post_batch(
        unit_id,
        [
            {"idempotency_key": key(), **voucher("2024-10-02")},
            {"idempotency_key": key(), **voucher("2025-03-02")},
        ],
        ACTOR,
    )["results"]
    assert [r["status"] for r in results] == ["refused", "created"]
    assert results[0]["error"]["code"] == "period_closed"

    periods = ledger.rpc.list_periods(unit_id, 2568)["periods"]
    assert [p["status"] for p in periods[:3]] == ["closed", "open", "open"]
    assert periods[0]["start"] == "2024-10-01" and periods[0]["end"] == "2024-10-31"
    assert periods[0]["closed_by"] == "finance.officer"
    # Another unit's periods are its own.
    other = ledger.rpc.post_voucher(unit_id + "x", voucher("2024-10-10"), key(), ACTOR)
    assert other["status"] == "created"
    err = refused(lambda: ledger.rpc.close_period(unit_id, 2568, 13, ACTOR))
    assert err.code == "invalid_period"


def test_last_year_closes_before_this_year(ledger, unit_id):
    ledger.rpc.post_voucher(unit_id, voucher("2024-09-30"), key(), ACTOR)  # FY 2567
    err = refused(lambda: ledger.rpc.close_period(unit_id, 2568, 1, ACTOR))
    assert err.code == "period_close_order"
    assert err.details["open_periods"][0] == [2567, 1]
    assert len(err.details["open_periods"]) == 12


def test_reversal_of_a_voucher_in_a_closed_period_is_dated_today(ledger, unit_id):
    original = ledger.rpc.post_voucher(unit_id, voucher("2024-10-10"), key(), ACTOR)["voucher"]
    ledger.rpc.close_period(unit_id, 2568, 1, ACTOR)
    err = refused(
        lambda: ledger.rpc.reverse_voucher(unit_id, original["id"], ACTOR, date="2024-10-11")
    )
    assert err.code == "period_closed"
    reversal = ledger.rpc.reverse_voucher(unit_id, original["id"], ACTOR)["voucher"]
    assert reversal["date"] > "2024-10-31"


OPENING = [
    {"account_code": CASH, "debit": "15000.00", "credit": "0"},
    {"account_code": BANK, "debit": "1,250,000.50", "credit": ""},
    {"account_code": OTHER_PAYABLES, "debit": "0", "credit": "265000.50"},
    {"account_code": ACCUMULATED_SURPLUS, "debit": "0", "credit": "1000000.00"},
]


def test_opening_balances_from_json_become_one_general_voucher(ledger, unit_id):
    content = json.dumps({"lines": OPENING})
    answer = ledger.rpc.import_opening_balances(unit_id, 2568, "json", content, ACTOR)
    v = answer["voucher"]
    assert answer["status"] == "created"
    assert (v["type"], v["date"], v["number"], v["origin"]) == (
        "GJ",
        "2024-10-01",
        "GJ-2568-000001",
        "opening",
    )
    assert v["total"] == "1265000.50"

    again = ledger.rpc.import_opening_balances(unit_id, 2568, "json", content, ACTOR)
    assert again["status"] == "existing" and again["voucher"]["id"] == v["id"]
    err = refused(
        lambda: ledger.rpc.import_opening_balances(
            unit_id,
            2568,
            "json",
            json.dumps(
                [
                    {"account_code": CASH, "debit": "1.00"},
                    {"account_code": ACCUMULATED_SURPLUS, "credit": "1.00"},
                ]
            ),
            ACTOR,
        )
    )
    assert err.code == "opening_balances_exist" and err.details["voucher_id"] == v["id"]

    report = ledger.rpc.trial_balance(unit_id, 2568, 1)
    assert report["total_debit"] == report["total_credit"] == "1265000.50"
    assert {line["account_code"] for line in report["lines"]} == {
        CASH,
        BANK,
        OTHER_PAYABLES,
        ACCUMULATED_SURPLUS,
    }


def test_opening_balances_refusal_lists_every_problem_by_row(ledger, unit_id):
    csv_text = "\n".join(
        [
            "account_code,debit,credit",
            f"{CASH},100.00,",
            "9999999999,50.00,",  # unknown
            f"{ASSETS_HEADING},10.00,",  # heading
            f"{BANK},abc,",  # not a number
            f"{CASH},1.00,",  # duplicate
            f"{OTHER_PAYABLES},,90.00",
        ]
    )
    err = refused(lambda: ledger.rpc.import_opening_balances(unit_id, 2568, "csv", csv_text, ACTOR))
    assert err.code == "opening_balances_invalid"
    problems = err.details["problems"]
    assert [(p["row"], p["field"]) for p in problems] == [
        (3, "account_code"),
        (4, "account_code"),
        (5, "debit"),
        (6, "account_code"),
    ]
    unbalanced = "account_code,debit,credit\n" + f"{CASH},100.00,\n{OTHER_PAYABLES},,90.00\n"
    err = refused(
        lambda: ledger.rpc.import_opening_balances(unit_id, 2568, "csv", unbalanced, ACTOR)
    )
    assert err.details["problems"][0]["field"] == "total"
    assert ledger.sql("SELECT count(*) FROM vouchers WHERE unit_id = :u", u=unit_id)[0][0] == 0


def test_opening_balances_from_xlsx(ledger, unit_id):
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    sheet.append(["account_code", "name", "debit", "credit"])
    sheet.append([int(CASH), "เงินสด", 1500.5, None])
    sheet.append([OTHER_PAYABLES, "เจ้าหนี้อื่น", None, 1500.5])
    buffer = io.BytesIO()
    book.save(buffer)
    content = base64.b64encode(buffer.getvalue()).decode()

    v = ledger.rpc.import_opening_balances(
        unit_id, 2569, "xlsx", content, ACTOR, encoding="base64"
    )["voucher"]
    assert v["date"] == "2025-10-01" and v["total"] == "1500.50"
    err = refused(
        lambda: ledger.rpc.import_opening_balances(
            unit_id, 2569, "xlsx", "not base64!", ACTOR, encoding="base64"
        )
    )
    assert err.code == "opening_balances_invalid"
