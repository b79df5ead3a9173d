"""Property: whatever sequence of postings, batches, reversals and period closes is tried,
what the real database accepted keeps the books whole.

- total debits = total credits, per voucher and over the unit;
- every balances row = the sum of the lines it stands for, and no other rows exist;
- numbers run 1..n without gaps per fiscal year and type;
- the trial balance from balances equals the one computed from the lines;
- the hash chain verifies.

Runs the posting module on a real PostgreSQL database (no broker: the rules and the SQL are
what is under test here; the RPC path has its own tests).
"""

import uuid
from collections import defaultdict
from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ledger_service_support import (
    ACCUMULATED_SURPLUS,
    ACTOR,
    ASSETS_HEADING,
    BANK,
    CASH,
    OTHER_PAYABLES,
    OTHER_REVENUE,
    SUPPLIES_EXPENSE,
)
from sqlalchemy import create_engine
from sqlalchemy.orm import Session

from laas_kernel.errors import DomainError
from ledger import chain, periods, posting
from ledger.charts import ChartCache
from ledger.domain.reports import trial_balance, trial_balance_from_lines
from ledger.domain.voucher import parse_voucher_number

ACCOUNTS = [CASH, BANK, OTHER_PAYABLES, ACCUMULATED_SURPLUS, OTHER_REVENUE, SUPPLIES_EXPENSE]
BAD_ACCOUNTS = ["9999999999", ASSETS_HEADING]
DAYS = ["2024-10-01", "2024-10-31", "2024-11-15", "2025-01-20", "2025-09-30", "2025-10-01"]


def amount(cents: int) -> str:
    return f"{Decimal(cents) / 100:.2f}"


@st.composite
def voucher_bodies(draw):
    count = draw(st.integers(min_value=1, max_value=3))
    debits = draw(st.lists(st.integers(1, 10**7), min_size=count, max_size=count))
    splits = draw(st.integers(min_value=1, max_value=2))
    total = sum(debits)
    credit_parts = [total] if splits == 1 or total < 2 else [total // 2, total - total // 2]
    pick = st.sampled_from(ACCOUNTS + BAD_ACCOUNTS if draw(st.booleans()) else ACCOUNTS)
    lines = [{"account_code": draw(pick), "debit": amount(c), "credit": "0"} for c in debits] + [
        {"account_code": draw(pick), "debit": "0", "credit": amount(c)} for c in credit_parts
    ]
    if draw(st.integers(0, 9)) == 0:  # now and then an unbalanced one
        lines[0]["debit"] = amount(debits[0] + 1)
    return {
        "type": draw(st.sampled_from(["GJ", "RV", "PV", "AP", "PAWN"])),
        "date": draw(st.sampled_from(DAYS)),
        "description": "ทดสอบ",
        "lines": lines,
    }


operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), voucher_bodies(), st.integers(0, 30)),
        st.tuples(st.just("batch"), st.lists(voucher_bodies(), min_size=1, max_size=4)),
        st.tuples(st.just("reverse"), st.integers(0, 50)),
        st.tuples(st.just("close"), st.integers(1, 3)),
    ),
    min_size=1,
    max_size=12,
)


def _run(session, work):
    try:
        with session.begin():
            return work()
    except DomainError:
        return None


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations)
def test_accepted_vouchers_keep_the_books_whole(ledger_setup, ops):
    engine = create_engine(ledger_setup[1], pool_size=1)
    unit = f"prop-{uuid.uuid4().hex[:12]}"
    charts = ChartCache()
    created = []
    try:
        with Session(engine) as session:
            for op in ops:
                if op[0] == "post":
                    _, body, key_no = op
                    outcome = _run(
                        session,
                        lambda body=body, key_no=key_no: posting.post_one(
                            session, charts, unit, body, f"k{key_no}", ACTOR
                        ),
                    )
                    if outcome and outcome.status == "created":
                        created.append(outcome.voucher)
                elif op[0] == "batch":
                    items = [{"idempotency_key": uuid.uuid4().hex, **b} for b in op[1]]
                    outcomes = _run(
                        session,
                        lambda items=items: posting.post_batch(session, charts, unit, items, ACTOR),
                    )
                    created += [o.voucher for o in outcomes if o.status == "created"]
                elif op[0] == "reverse" and created:
                    target = created[op[1] % len(created)]
                    outcome = _run(
                        session,
                        lambda target=target: posting.reverse(
                            session, charts, unit, target["id"], ACTOR
                        ),
                    )
                    if outcome:
                        created.append(outcome.voucher)
                elif op[0] == "close":
                    _run(
                        session,
                        lambda p=op[1]: periods.close_period(session, unit, 2568, p, ACTOR),
                    )
            _check_books(session, unit, created)
    finally:
        engine.dispose()


def _check_books(session, unit, created):
    cur = session.connection().connection.cursor()
    cur.execute(
        "SELECT v.id::text, v.number, v.fiscal_year, v.period, l.account_code, l.debit, l.credit"
        " FROM vouchers v JOIN voucher_lines l ON l.voucher_id = v.id WHERE v.unit_id = %s",
        (unit,),
    )
    lines = cur.fetchall()
    assert {row[0] for row in lines} == {v["id"] for v in created}

    per_voucher = defaultdict(lambda: [Decimal(0), Decimal(0)])
    expected_balances = defaultdict(lambda: [Decimal(0), Decimal(0)])
    for vid, _, fy, period, code, debit, credit in lines:
        per_voucher[vid][0] += debit
        per_voucher[vid][1] += credit
        expected_balances[(fy, period, code)][0] += debit
        expected_balances[(fy, period, code)][1] += credit
    assert all(d == c > 0 for d, c in per_voucher.values())

    cur.execute(
        "SELECT fiscal_year, period, account_code, debit_total, credit_total FROM balances"
        " WHERE unit_id = %s",
        (unit,),
    )
    balances = {(fy, p, code): [d, c] for fy, p, code, d, c in cur.fetchall()}
    assert balances == dict(expected_balances)

    numbers = defaultdict(list)
    for v in created:
        kind, fy, seq = parse_voucher_number(v["number"])
        numbers[(kind, fy)].append(seq)
    assert all(sorted(seqs) == list(range(1, len(seqs) + 1)) for seqs in numbers.values())

    for fy in {key[0] for key in balances}:
        from_balances = trial_balance(
            [
                {"account_code": code, "debit_total": d, "credit_total": c}
                for (year, _, code), (d, c) in balances.items()
                if year == fy
            ]
        )
        from_lines = trial_balance_from_lines(
            {"account_code": row[4], "debit": row[5], "credit": row[6]}
            for row in lines
            if row[2] == fy
        )
        assert from_balances == from_lines
        assert from_balances.total_debit == from_balances.total_credit
    assert chain.verify_unit(session, unit)["ok"]
    session.rollback()
