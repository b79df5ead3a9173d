"""The read side: vouchers, periods, the trial balance and an account's ledger.

Every query is scoped by ``unit_id``. Money leaves as strings with two places; amounts are
cast to text inside JSON aggregates, because JSON numbers would come back as floats.
"""

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from ledger import sql
from ledger.domain.errors import AccountNotPostable, UnknownAccount, VoucherNotFound
from ledger.domain.fiscal import PERIODS, check_fiscal_year, check_period, period_bounds
from ledger.domain.money import format_amount
from ledger.domain.reports import account_ledger, trial_balance

MAX_PAGE = 1000
BANGKOK = ZoneInfo("Asia/Bangkok")

VOUCHER_COLUMNS = """
    v.id::text AS id, v.unit_id, v.number, v.type, v.date, v.fiscal_year, v.period,
    v.description, v.total, v.origin, v.idempotency_key, v.content_hash, v.posted_by,
    v.posted_by_name, v.posted_at, v.chain_seq, v.prev_hash, v.hash,
    v.reverses_id::text AS reverses_id,
    (SELECT r.id::text FROM vouchers r WHERE r.reverses_id = v.id) AS reversed_by_id
"""
LINES_JSON = """
    (SELECT json_agg(json_build_object('account_code', l.account_code, 'debit', l.debit::text,
        'credit', l.credit::text, 'memo', l.memo) ORDER BY l.line_no)
     FROM voucher_lines l WHERE l.voucher_id = v.id) AS lines
"""


def _iso(value) -> str:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    return value.isoformat()


def voucher_view(row: dict, lines=None) -> dict:
    """The API's voucher: what a header row (and its lines) says, money as strings."""
    view = {
        "id": str(row["id"]),
        "unit_id": row["unit_id"],
        "number": row["number"],
        "type": row["type"],
        "date": _iso(row["date"]),
        "fiscal_year": row["fiscal_year"],
        "period": row["period"],
        "description": row["description"],
        "total": format_amount(Decimal(row["total"])),
        "origin": row["origin"],
        "posted_by": row["posted_by"],
        "posted_by_name": row["posted_by_name"],
        "posted_at": _iso(row["posted_at"]),
        "hash": row["hash"],
        "previous_hash": row["prev_hash"],
        "reverses_id": row.get("reverses_id"),
        "reversed_by_id": row.get("reversed_by_id"),
    }
    lines = row.get("lines") if lines is None else lines
    if lines is not None:
        view["lines"] = [
            {
                "account_code": line["account_code"],
                "debit": format_amount(Decimal(line["debit"])),
                "credit": format_amount(Decimal(line["credit"])),
                "memo": line.get("memo") or "",
            }
            for line in lines
        ]
    return view


def load_vouchers(cur, unit_id: str, ids) -> dict[str, dict]:
    """Full vouchers (with lines) by id, within the unit."""
    rows = sql.fetch_dicts(
        cur,
        f"SELECT {VOUCHER_COLUMNS}, {LINES_JSON} FROM vouchers v"
        " WHERE v.unit_id = %s AND v.id = ANY(%s::uuid[])",
        (unit_id, [str(i) for i in ids]),
    )
    return {row["id"]: voucher_view(row) for row in rows}


def _is_uuid(value) -> bool:
    import uuid

    try:
        uuid.UUID(str(value))
        return True
    except ValueError:
        return False


def get_voucher(session, unit_id: str, voucher_id) -> dict:
    if not _is_uuid(voucher_id):
        raise VoucherNotFound(details={"voucher_id": str(voucher_id)})
    found = load_vouchers(sql.cursor(session), unit_id, [voucher_id])
    if not found:
        raise VoucherNotFound(details={"voucher_id": str(voucher_id)})
    return next(iter(found.values()))


def list_vouchers(
    session, unit_id: str, fiscal_year=None, voucher_type=None, limit=100, offset=0
) -> dict:
    """Headers in posting order (newest last), a page at a time."""
    if fiscal_year is not None:
        check_fiscal_year(fiscal_year)
    limit = max(1, min(int(limit or 100), MAX_PAGE))
    offset = max(0, int(offset or 0))
    where = ["v.unit_id = %(unit)s"]
    if fiscal_year is not None:
        where.append("v.fiscal_year = %(fy)s")
    if voucher_type:
        where.append("v.type = %(type)s")
    rows = sql.fetch_dicts(
        sql.cursor(session),
        f"SELECT {VOUCHER_COLUMNS} FROM vouchers v WHERE {' AND '.join(where)}"
        " ORDER BY v.chain_seq LIMIT %(limit)s OFFSET %(offset)s",
        {
            "unit": unit_id,
            "fy": fiscal_year,
            "type": voucher_type,
            "limit": limit + 1,
            "offset": offset,
        },
    )
    more = len(rows) > limit
    return {
        "vouchers": [voucher_view(row) for row in rows[:limit]],
        "next_offset": offset + limit if more else None,
    }


def list_periods(session, unit_id: str, fiscal_year: int) -> dict:
    check_fiscal_year(fiscal_year)
    closed = {
        row["period"]: row
        for row in sql.fetch_dicts(
            sql.cursor(session),
            "SELECT period, closed_at, closed_by, closed_by_name FROM periods"
            " WHERE unit_id = %s AND fiscal_year = %s",
            (unit_id, fiscal_year),
        )
    }
    answer = []
    for period in range(1, PERIODS + 1):
        start, end = period_bounds(fiscal_year, period)
        row = closed.get(period)
        answer.append(
            {
                "fiscal_year": fiscal_year,
                "period": period,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "status": "closed" if row else "open",
                "closed_at": _iso(row["closed_at"]) if row else None,
                "closed_by": row["closed_by_name"] or row["closed_by"] if row else None,
            }
        )
    return {"fiscal_year": fiscal_year, "periods": answer}


def trial_balance_report(session, chart, unit_id: str, fiscal_year: int, period=None) -> dict:
    """From the balances rows only: a few rows per account, however long the journal."""
    check_fiscal_year(fiscal_year)
    last = check_period(period) if period is not None else PERIODS
    cur = sql.cursor(session)
    cur.execute(
        "SELECT account_code, sum(debit_total), sum(credit_total) FROM balances"
        " WHERE unit_id = %s AND fiscal_year = %s AND period <= %s GROUP BY account_code",
        (unit_id, fiscal_year, last),
    )
    report = trial_balance(
        [
            {"account_code": code, "debit_total": debit, "credit_total": credit}
            for code, debit, credit in cur.fetchall()
        ],
        chart,
    ).as_dict()
    _, end = period_bounds(fiscal_year, last)
    return {
        "unit_id": unit_id,
        "fiscal_year": fiscal_year,
        "period": period,
        "as_of": end.isoformat(),
        **report,
    }


def account_ledger_report(
    session, chart, unit_id: str, account_code: str, fiscal_year: int, period=None
) -> dict:
    """The account's postings in the fiscal year in date order, with the running balance.

    Opening balances are the year's first general voucher, so the ledger starts at zero.
    """
    check_fiscal_year(fiscal_year)
    last = check_period(period) if period is not None else PERIODS
    account = chart.get(account_code)
    if account is None:
        raise UnknownAccount(details={"account_codes": [str(account_code)]})
    if not account.postable:
        raise AccountNotPostable(details={"account_codes": [account_code]})
    cur = sql.cursor(session)
    cur.execute(
        "SELECT l.date, v.number, v.description, l.debit, l.credit, l.memo, v.id::text"
        " FROM voucher_lines l JOIN vouchers v ON v.id = l.voucher_id"
        " WHERE l.unit_id = %s AND l.account_code = %s AND l.fiscal_year = %s"
        " AND l.period <= %s ORDER BY l.date, v.chain_seq, l.line_no",
        (unit_id, account_code, fiscal_year, last),
    )
    rows = cur.fetchall()
    postings = [
        {
            "date": row[0],
            "voucher_number": row[1],
            "description": row[2],
            "debit": row[3],
            "credit": row[4],
        }
        for row in rows
    ]
    report = account_ledger(account_code, "0", postings, account.normal_balance).as_dict()
    for entry, row in zip(report["entries"], rows, strict=True):
        entry["voucher_id"] = row[6]
        entry["memo"] = row[5]
    return {
        "unit_id": unit_id,
        "fiscal_year": fiscal_year,
        "period": period,
        "name": account.name,
        **report,
    }


def today() -> date:
    """Today where the units are (Thailand, UTC+7)."""
    return datetime.now(BANGKOK).date()
