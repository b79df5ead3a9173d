"""Closing periods. Every period is open until closed; periods close in order, and a closed
period refuses postings dated in it (posting reads the closed periods under the same lock)."""

from datetime import UTC, datetime

from ledger import sql
from ledger.domain.errors import PeriodCloseOrder
from ledger.domain.fiscal import PERIODS, check_fiscal_year, check_period
from ledger.posting import LOCK_AND_READ, check_unit_id


def close_period(session, unit_id: str, fiscal_year: int, period: int, actor) -> dict:
    """Close (fiscal_year, period) of the unit. Earlier periods of the year must be closed
    first, and all of last year's if the unit posted anything then (PeriodCloseOrder).
    Closing a closed period again changes nothing and answers as the first time."""
    check_unit_id(unit_id)
    check_fiscal_year(fiscal_year)
    check_period(period)
    cur = sql.cursor(session)
    # The unit's chain-head lock: no posting slips into the period while it closes.
    cur.execute(LOCK_AND_READ, {"unit": unit_id})
    cur.execute(
        "SELECT fiscal_year, period, closed_at, closed_by, closed_by_name FROM periods"
        " WHERE unit_id = %s AND fiscal_year IN (%s, %s)",
        (unit_id, fiscal_year, fiscal_year - 1),
    )
    closed = {(row[0], row[1]): row for row in cur.fetchall()}
    if (fiscal_year, period) in closed:
        return _answer(closed[(fiscal_year, period)], already=True)
    still_open = [[fiscal_year, p] for p in range(1, period) if (fiscal_year, p) not in closed]
    cur.execute(
        "SELECT EXISTS (SELECT 1 FROM balances WHERE unit_id = %s AND fiscal_year = %s)",
        (unit_id, fiscal_year - 1),
    )
    if cur.fetchone()[0]:
        still_open = [
            [fiscal_year - 1, p]
            for p in range(1, PERIODS + 1)
            if (fiscal_year - 1, p) not in closed
        ] + still_open
    if still_open:
        raise PeriodCloseOrder(details={"open_periods": still_open})
    actor = actor or {}
    row = (
        fiscal_year,
        period,
        datetime.now(UTC),
        actor.get("user_id"),
        actor.get("username"),
    )
    cur.execute(
        "INSERT INTO periods (unit_id, fiscal_year, period, closed_at, closed_by, closed_by_name)"
        " VALUES (%s, %s, %s, %s, %s, %s)",
        (unit_id, *row),
    )
    return _answer(row, already=False)


def _answer(row, already: bool) -> dict:
    return {
        "fiscal_year": row[0],
        "period": row[1],
        "status": "closed",
        "closed_at": row[2].astimezone(UTC).isoformat(),
        "closed_by": row[4] or row[3],
        "already_closed": already,
    }
