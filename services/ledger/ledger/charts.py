"""The chart of accounts in the database: read (cached per process), imported, replaced.

The chart is global and changes rarely, so each process keeps a copy tagged with the
chart's revision. Posting reads the revision under the unit's lock in the same round trip
as the rest of its state; a copy that is stale is reloaded before anything is posted, so a
replaced chart takes effect at once in every process.
"""

import csv
import io
import time

from ledger import sql
from ledger.domain.chart import Account, Chart, load_chart
from ledger.domain.errors import InvalidChart


def read_chart(cur) -> tuple[int, Chart]:
    cur.execute(
        "SELECT code, name, account_class, normal_balance, postable, parent_code, source,"
        " (SELECT revision FROM chart_meta WHERE id = 1) FROM accounts"
    )
    rows = cur.fetchall()
    revision = rows[0][7] if rows else 0
    return revision, Chart(Account(*row[:7]) for row in rows)


class ChartCache:
    """The chart as of some revision; ``get`` reloads when the database has a newer one."""

    # Reads (reports, lists) look at the revision at most this often; postings always do.
    READ_CHECK_SECONDS = 1.0

    def __init__(self):
        self.revision: int | None = None
        self.chart: Chart | None = None
        self.checked_at = 0.0

    def cached(self) -> tuple[int | None, Chart | None]:
        return self.revision, self.chart

    def get(self, cur, revision: int | None = None) -> Chart:
        """The chart at ``revision`` (or the cached one, loading it the first time)."""
        if self.chart is None or (revision is not None and revision != self.revision):
            self.revision, self.chart = read_chart(cur)
            self.checked_at = time.monotonic()
        return self.chart

    def for_reading(self, cur) -> Chart:
        """The chart for a report: at most READ_CHECK_SECONDS behind the database."""
        if self.chart is not None and time.monotonic() - self.checked_at < self.READ_CHECK_SECONDS:
            return self.chart
        cur.execute("SELECT revision FROM chart_meta WHERE id = 1")
        self.checked_at = time.monotonic()
        return self.get(cur, cur.fetchone()[0])


def _file_rows(content) -> list:
    if isinstance(content, bytes):
        content = content.decode("utf-8-sig")
    if isinstance(content, str):
        return list(csv.DictReader(io.StringIO(content.lstrip("\ufeff"))))
    return list(content)


def import_chart(session, content, replace: bool, actor: dict | None) -> dict:
    """Add or update the accounts in ``content`` (CSV text or row mappings); with ``replace``
    also remove the accounts it leaves out. An account already used by a posting or by master
    data cannot be removed: every such code is listed (InvalidChart)."""
    cur = sql.cursor(session)
    cur.execute("SELECT revision FROM chart_meta WHERE id = 1 FOR UPDATE")
    revision = cur.fetchone()[0] + 1
    _, current = read_chart(cur)
    rows = _file_rows(content)
    file_codes = {str(row.get("code", "")).strip() for row in rows if isinstance(row, dict)}
    if not replace:
        # Parents may already be in the chart: check the file together with what stays.
        # The file's rows come first, so problems keep the file's row numbers.
        rows += [_row_of(a) for a in current if a.code not in file_codes]
    chart = load_chart(rows)
    existing = {a.code for a in current}
    new_codes = {a.code for a in chart}
    removed = sorted(existing - new_codes) if replace else []
    if removed:
        cur.execute(
            "SELECT DISTINCT account_code FROM balances WHERE account_code = ANY(%(c)s)"
            " UNION SELECT account_code FROM master_records WHERE account_code = ANY(%(c)s)",
            {"c": removed},
        )
        used = sorted(row[0] for row in cur.fetchall())
        if used:
            raise InvalidChart(
                details={
                    "problems": [
                        {
                            "row": None,
                            "field": "code",
                            "problem": f"บัญชี {code} มีการบันทึกรายการแล้ว ไม่สามารถลบออกจากผังบัญชีได้",
                        }
                        for code in used
                    ]
                }
            )
    rows = [
        (a.code, a.name, a.account_class, a.normal_balance, a.postable, a.parent_code, a.source)
        for a in chart
    ]
    sql.run_script(
        cur,
        [
            "INSERT INTO accounts (code, name, account_class, normal_balance, postable,"
            " parent_code, source) VALUES "
            + sql.values(cur, "(%s,%s,%s,%s,%s,%s,%s)", rows)
            + " ON CONFLICT (code) DO UPDATE SET name = EXCLUDED.name,"
            " account_class = EXCLUDED.account_class, normal_balance = EXCLUDED.normal_balance,"
            " postable = EXCLUDED.postable, parent_code = EXCLUDED.parent_code,"
            " source = EXCLUDED.source",
            sql.bind(cur, "DELETE FROM accounts WHERE code = ANY(%s)", (removed,))
            if removed
            else "",
            sql.bind(
                cur,
                "UPDATE chart_meta SET revision = %s, updated_at = now(), updated_by = %s"
                " WHERE id = 1",
                (revision, (actor or {}).get("username") or (actor or {}).get("user_id")),
            ),
        ],
    )
    return {
        "revision": revision,
        "accounts": len(chart),
        "added": len(file_codes - existing),
        "updated": len(file_codes & existing),
        "removed": len(removed),
    }


def _row_of(account: Account) -> dict:
    return {
        "code": account.code,
        "name": account.name,
        "class": str(account.account_class),
        "normal_balance": account.normal_balance,
        "postable": "yes" if account.postable else "no",
        "parent_code": account.parent_code or "",
        "source": account.source,
    }
