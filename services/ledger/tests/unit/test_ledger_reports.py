from datetime import date
from decimal import Decimal

import pytest
from ledger_unit_support import (
    ACCUMULATED_SURPLUS,
    BANK,
    CASH,
    OTHER_PAYABLES,
    OTHER_REVENUE,
    SUPPLIES_EXPENSE,
    small_chart,
)

from ledger.domain.reports import (
    BalanceRow,
    Posting,
    account_ledger,
    balances_from_lines,
    trial_balance,
    trial_balance_from_lines,
)
from ledger.domain.voucher import VoucherLine

D = Decimal


def test_each_balance_lands_on_its_side_and_zero_balances_are_omitted():
    rows = [
        BalanceRow(CASH, D("1000.00"), D("250.00")),
        BalanceRow(OTHER_REVENUE, D("0.00"), D("750.00")),
        BalanceRow(BANK, D("300.00"), D("300.00")),  # nets to zero
    ]
    tb = trial_balance(rows, small_chart())
    assert [(x.account_code, x.name, x.debit, x.credit) for x in tb.lines] == [
        (CASH, "เงินสด", D("750.00"), D("0.00")),
        (OTHER_REVENUE, "รายได้ลักษณะอื่น", D("0.00"), D("750.00")),
    ]
    assert tb.total_debit == tb.total_credit == D("750.00")
    assert tb.balanced


def test_a_debit_account_with_a_credit_balance_shows_on_the_credit_side():
    tb = trial_balance(
        [
            {"account_code": CASH, "debit_total": "10", "credit_total": "25.5"},
            {"account_code": SUPPLIES_EXPENSE, "debit_total": "15.50", "credit_total": "0"},
        ]
    )
    assert tb.lines[0].credit == D("15.50") and tb.lines[0].debit == D("0.00")
    assert tb.balanced


def test_rows_for_the_same_account_are_summed():
    tb = trial_balance(
        [
            BalanceRow(CASH, D("100"), D("0")),  # opening
            BalanceRow(CASH, D("0"), D("40")),  # the year's postings
            BalanceRow(ACCUMULATED_SURPLUS, D("0"), D("60")),
        ]
    )
    assert [(x.account_code, x.debit) for x in tb.lines] == [
        (CASH, D("60.00")),
        (ACCUMULATED_SURPLUS, D("0.00")),
    ]


def test_an_unbalanced_set_shows_unequal_totals():
    tb = trial_balance([BalanceRow(CASH, D("10"), D("0"))])
    assert not tb.balanced and tb.total_debit == D("10.00") and tb.total_credit == D("0.00")


def test_trial_balance_as_dict_uses_money_strings_and_no_chart_means_empty_names():
    body = trial_balance(
        [BalanceRow(CASH, D("5"), D("0")), BalanceRow(OTHER_PAYABLES, D("0"), D("5"))]
    ).as_dict()
    assert body == {
        "lines": [
            {"account_code": CASH, "name": "", "debit": "5.00", "credit": "0.00"},
            {"account_code": OTHER_PAYABLES, "name": "", "debit": "0.00", "credit": "5.00"},
        ],
        "total_debit": "5.00",
        "total_credit": "5.00",
    }


def test_balances_from_lines_sum_per_account():
    lines = [
        VoucherLine(CASH, D("10.00"), D("0.00")),
        VoucherLine(CASH, D("0.00"), D("3.00")),
        VoucherLine(OTHER_REVENUE, D("0.00"), D("7.00")),
    ]
    assert balances_from_lines(lines) == [
        BalanceRow(CASH, D("10.00"), D("3.00")),
        BalanceRow(OTHER_REVENUE, D("0.00"), D("7.00")),
    ]
    assert trial_balance_from_lines(lines).total_debit == D("7.00")


def test_empty_trial_balance():
    tb = trial_balance([])
    assert tb.lines == () and tb.total_debit == tb.total_credit == D("0.00")


def postings():
    return [
        Posting(date(2024, 10, 2), "RV-2568-000001", "รับ", D("500.00"), D("0.00")),
        Posting(date(2024, 10, 3), "PV-2568-000001", "จ่าย", D("0.00"), D("200.25")),
        {
            "date": date(2024, 10, 4),
            "voucher_number": "RV-2568-000002",
            "description": "รับ",
            "debit": "100",
            "credit": "0",
        },
    ]


def test_account_ledger_running_balance_on_a_debit_account():
    ledger = account_ledger(CASH, "1000.00", postings())
    assert [e.balance for e in ledger.entries] == [D("1500.00"), D("1299.75"), D("1399.75")]
    assert ledger.total_debit == D("600.00") and ledger.total_credit == D("200.25")
    assert (
        ledger.closing_balance == ledger.opening_balance + ledger.total_debit - ledger.total_credit
    )
    assert ledger.as_dict()["entries"][1]["balance"] == "1299.75"


def test_account_ledger_on_a_credit_account_grows_with_credits():
    ledger = account_ledger(OTHER_REVENUE, D("0"), postings(), normal_balance="credit")
    assert [e.balance for e in ledger.entries] == [D("-500.00"), D("-299.75"), D("-399.75")]
    assert (
        ledger.closing_balance == ledger.opening_balance - ledger.total_debit + ledger.total_credit
    )


def test_account_ledger_without_postings_keeps_the_opening_balance():
    ledger = account_ledger(CASH, "-20.00", [])
    assert ledger.entries == () and ledger.closing_balance == D("-20.00")


def test_account_ledger_refuses_an_unknown_side():
    with pytest.raises(ValueError):
        account_ledger(CASH, "0", [], normal_balance="left")
