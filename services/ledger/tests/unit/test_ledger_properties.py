"""Properties over random vouchers: whatever is accepted keeps the books in balance."""

from datetime import date, timedelta
from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st
from ledger_unit_support import POSTABLE, small_chart

from ledger.domain.errors import DomainError, VoucherUnbalanced
from ledger.domain.fiscal import fiscal_year_of, period_bounds, period_of
from ledger.domain.money import ZERO, format_amount, parse_amount
from ledger.domain.reports import (
    BalanceRow,
    balances_from_lines,
    trial_balance,
    trial_balance_from_lines,
)
from ledger.domain.voucher import content_hash, reversing_lines, validate_voucher

CHART = small_chart()
CODES = [code for code, _ in POSTABLE]
cents = st.integers(min_value=1, max_value=10**9)  # up to 10 million baht per line


def money(c: int) -> str:
    return format_amount(Decimal(c) / 100)


@st.composite
def balanced_bodies(draw):
    """A voucher body whose debits equal its credits, lines in random order."""
    debits = draw(st.lists(cents, min_size=1, max_size=5))
    total = sum(debits)
    # split the same total into 1..5 credit amounts
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), max_size=4))) if total > 1 else []
    credits = [b - a for a, b in zip([0, *cuts], [*cuts, total], strict=True)]
    lines = [
        {"account_code": draw(st.sampled_from(CODES)), "debit": money(c), "credit": "0"}
        for c in debits
    ]
    lines += [
        {"account_code": draw(st.sampled_from(CODES)), "debit": "", "credit": money(c)}
        for c in credits
    ]
    lines = draw(st.permutations(lines))
    day = date(2024, 10, 1) + timedelta(days=draw(st.integers(0, 364)))
    kind = draw(st.sampled_from(["GJ", "RV", "PV", "AP", "PAWN"]))
    return {"type": kind, "date": day.isoformat(), "description": "ทดสอบ", "lines": lines}


@st.composite
def maybe_unbalanced_bodies(draw):
    body = draw(balanced_bodies())
    if draw(st.booleans()):
        i = draw(st.integers(0, len(body["lines"]) - 1))
        line = dict(body["lines"][i])
        side = "debit" if line["debit"] else "credit"
        line[side] = money(int(parse_amount(line[side]) * 100) + draw(st.integers(1, 99)))
        body["lines"][i] = line
    return body


@settings(max_examples=150, deadline=None)
@given(st.lists(maybe_unbalanced_bodies(), min_size=1, max_size=12))
def test_accepted_vouchers_keep_debits_equal_to_credits(bodies):
    accepted = []
    for body in bodies:
        try:
            accepted.append(validate_voucher(body, CHART))
        except VoucherUnbalanced as err:
            assert err.details["total_debit"] != err.details["total_credit"]
    all_lines = [line for draft in accepted for line in draft.lines]
    assert sum((x.debit for x in all_lines), ZERO) == sum((x.credit for x in all_lines), ZERO)
    for draft in accepted:
        assert draft.total_debit == draft.total_credit


@settings(max_examples=150, deadline=None)
@given(st.lists(balanced_bodies(), min_size=1, max_size=12), st.integers(1, 4))
def test_trial_balance_from_summed_balances_equals_the_one_from_lines(bodies, chunks):
    drafts = [validate_voucher(body, CHART) for body in bodies]
    all_lines = [line for draft in drafts for line in draft.lines]
    from_lines = trial_balance_from_lines(all_lines, CHART)
    # the same postings summed in separate batches (e.g. opening + months), then combined
    size = max(1, len(drafts) // chunks)
    rows: list[BalanceRow] = []
    for start in range(0, len(drafts), size):
        batch = [line for draft in drafts[start : start + size] for line in draft.lines]
        rows.extend(balances_from_lines(batch))
    from_balances = trial_balance(rows, CHART)
    assert from_balances == from_lines
    assert from_lines.total_debit == from_lines.total_credit
    assert all((x.debit > 0) != (x.credit > 0) for x in from_lines.lines)


@settings(max_examples=100, deadline=None)
@given(balanced_bodies())
def test_a_voucher_and_its_reversal_net_every_account_to_zero(body):
    draft = validate_voucher(body, CHART)
    undo = list(reversing_lines(draft.lines))
    assert trial_balance_from_lines([*draft.lines, *undo]).lines == ()


@settings(max_examples=100, deadline=None)
@given(balanced_bodies())
def test_content_hash_ignores_amount_spelling(body):
    def respell(amount):
        if not amount:
            return amount
        # "10.00" -> "10", "10.50" -> "10.5": the shortest spelling of the same amount
        return f"{parse_amount(amount).normalize():f}"

    respelled = {
        **body,
        "lines": [
            {**x, "debit": respell(x["debit"]), "credit": respell(x["credit"])}
            for x in body["lines"]
        ],
    }
    assert content_hash(respelled) == content_hash(body)


@given(st.dates(min_value=date(1950, 1, 1), max_value=date(2300, 12, 31)))
def test_every_date_lies_in_the_period_it_is_assigned(day):
    first, last = period_bounds(fiscal_year_of(day), period_of(day))
    assert first <= day <= last


@given(st.one_of(st.text(max_size=20), st.integers(), st.decimals(allow_nan=True)))
def test_parse_amount_either_returns_two_places_or_raises_a_domain_error(value):
    try:
        amount = parse_amount(value, allow_negative=True)
    except DomainError as err:
        assert err.code == "invalid_voucher"
    else:
        assert amount.as_tuple().exponent == -2 and abs(amount) < Decimal(10) ** 13
