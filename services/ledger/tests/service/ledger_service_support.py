"""Accounts of the shipped chart and voucher bodies shared by the ledger's service tests."""

import uuid

CASH = "1101010101"
BANK = "1101020603"
OTHER_PAYABLES = "2101020198"
ACCUMULATED_SURPLUS = "3102010101"
OTHER_REVENUE = "4313010199"
SUPPLIES_EXPENSE = "5104010104"
ASSETS_HEADING = "1000000000"

ACTOR = {"user_id": "user-1", "username": "finance.officer"}


def voucher(
    day="2024-10-15",
    amount="100.00",
    debit=CASH,
    credit=OTHER_REVENUE,
    kind="RV",
    description="รับเงินรายได้",
):
    return {
        "type": kind,
        "date": day,
        "description": description,
        "lines": [
            {"account_code": debit, "debit": amount, "credit": "0"},
            {"account_code": credit, "debit": "0", "credit": amount},
        ],
    }


def key() -> str:
    return uuid.uuid4().hex
