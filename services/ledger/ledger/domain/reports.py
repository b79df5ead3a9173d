"""Reports computed from balances: the trial balance (งบทดลอง) and an account's ledger.

Amounts stay Decimal; ``as_dict`` gives the API's shape with money strings.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from ledger.domain.chart import CREDIT, DEBIT
from ledger.domain.money import ZERO, format_amount, parse_amount


@dataclass(frozen=True)
class BalanceRow:
    """An account's summed postings over some span (e.g. from the database)."""

    account_code: str
    debit_total: Decimal
    credit_total: Decimal


@dataclass(frozen=True)
class TrialBalanceLine:
    account_code: str
    name: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class TrialBalance:
    lines: tuple[TrialBalanceLine, ...]
    total_debit: Decimal
    total_credit: Decimal

    @property
    def balanced(self) -> bool:
        return self.total_debit == self.total_credit

    def as_dict(self) -> dict:
        return {
            "lines": [
                {
                    "account_code": line.account_code,
                    "name": line.name,
                    "debit": format_amount(line.debit),
                    "credit": format_amount(line.credit),
                }
                for line in self.lines
            ],
            "total_debit": format_amount(self.total_debit),
            "total_credit": format_amount(self.total_credit),
        }


def _field(row, name):
    return row[name] if isinstance(row, Mapping) else getattr(row, name)


def _money(value) -> Decimal:
    return parse_amount(value if value is not None else "0", allow_negative=True)


def balances_from_lines(lines: Iterable) -> list[BalanceRow]:
    """Sum voucher lines (anything with account_code, debit, credit) per account."""
    sums: dict[str, list[Decimal]] = {}
    for line in lines:
        totals = sums.setdefault(_field(line, "account_code"), [ZERO, ZERO])
        totals[0] += _money(_field(line, "debit"))
        totals[1] += _money(_field(line, "credit"))
    return [BalanceRow(code, d, c) for code, (d, c) in sorted(sums.items())]


def trial_balance(balance_rows: Iterable, chart=None) -> TrialBalance:
    """Each account's net balance on its debit or its credit side, zero balances left out.

    ``balance_rows`` hold account_code, debit_total, credit_total (mappings or objects);
    an account may appear in several rows (e.g. opening balance and the year's postings).
    The totals are the sums of the lines shown, so they agree whenever the books do.
    """
    net: dict[str, Decimal] = {}
    for row in balance_rows:
        code = _field(row, "account_code")
        net[code] = (
            net.get(code, ZERO)
            + _money(_field(row, "debit_total"))
            - _money(_field(row, "credit_total"))
        )
    lines = []
    for code in sorted(net):
        amount = net[code]
        if amount.is_zero():
            continue
        name = chart.name_of(code) if chart is not None else ""
        if amount > 0:
            lines.append(TrialBalanceLine(code, name, amount, ZERO))
        else:
            lines.append(TrialBalanceLine(code, name, ZERO, -amount))
    return TrialBalance(
        tuple(lines),
        sum((line.debit for line in lines), ZERO),
        sum((line.credit for line in lines), ZERO),
    )


def trial_balance_from_lines(lines: Iterable, chart=None) -> TrialBalance:
    return trial_balance(balances_from_lines(lines), chart)


@dataclass(frozen=True)
class Posting:
    date: date
    voucher_number: str
    description: str
    debit: Decimal
    credit: Decimal


@dataclass(frozen=True)
class LedgerEntry:
    date: date
    voucher_number: str
    description: str
    debit: Decimal
    credit: Decimal
    balance: Decimal


@dataclass(frozen=True)
class AccountLedger:
    account_code: str
    normal_balance: str
    opening_balance: Decimal
    entries: tuple[LedgerEntry, ...]
    total_debit: Decimal
    total_credit: Decimal
    closing_balance: Decimal

    def as_dict(self) -> dict:
        return {
            "account_code": self.account_code,
            "normal_balance": self.normal_balance,
            "opening_balance": format_amount(self.opening_balance),
            "entries": [
                {
                    "date": e.date.isoformat(),
                    "voucher_number": e.voucher_number,
                    "description": e.description,
                    "debit": format_amount(e.debit),
                    "credit": format_amount(e.credit),
                    "balance": format_amount(e.balance),
                }
                for e in self.entries
            ],
            "total_debit": format_amount(self.total_debit),
            "total_credit": format_amount(self.total_credit),
            "closing_balance": format_amount(self.closing_balance),
        }


def account_ledger(
    account_code: str,
    opening_balance,
    postings: Iterable,
    normal_balance: str = DEBIT,
) -> AccountLedger:
    """An account's postings, in the order given, with the running balance after each.

    Balances are signed on the account's normal side: for a debit-normal account a
    debit raises it, for a credit-normal one a credit does; a negative balance sits on
    the other side. closing = opening + (debits − credits) on that orientation.
    """
    if normal_balance not in (DEBIT, CREDIT):
        raise ValueError("normal_balance must be 'debit' or 'credit'")
    sign = 1 if normal_balance == DEBIT else -1
    balance = _money(opening_balance)
    opening = balance
    entries = []
    total_debit = total_credit = ZERO
    for posting in postings:
        debit = _money(_field(posting, "debit"))
        credit = _money(_field(posting, "credit"))
        balance += sign * (debit - credit)
        total_debit += debit
        total_credit += credit
        entries.append(
            LedgerEntry(
                _field(posting, "date"),
                _field(posting, "voucher_number"),
                _field(posting, "description"),
                debit,
                credit,
                balance,
            )
        )
    return AccountLedger(
        account_code, normal_balance, opening, tuple(entries), total_debit, total_credit, balance
    )
