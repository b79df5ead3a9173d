"""Checking a unit's hash chain against what is stored.

Each voucher's hash covers its content and the previous voucher's hash, so editing,
removing or reordering any posted voucher breaks the chain from there on. The unit's chain
head (last hash, count) also catches vouchers removed from the end.
"""

from ledger import sql
from ledger.domain.voucher import GENESIS_HASH, verify_chain

CHUNK = 2000

CHAIN_ROWS = """
SELECT v.chain_seq, v.number, v.date, v.type, v.description, v.total, v.posted_by,
       v.posted_at, v.prev_hash, v.hash,
       (SELECT json_agg(json_build_object('account_code', l.account_code,
            'debit', l.debit::text, 'credit', l.credit::text, 'memo', l.memo) ORDER BY l.line_no)
        FROM voucher_lines l WHERE l.voucher_id = v.id)
FROM vouchers v WHERE v.unit_id = %s AND v.chain_seq > %s ORDER BY v.chain_seq LIMIT %s
"""


def verify_unit(session, unit_id: str) -> dict:
    """{"unit_id", "vouchers", "ok", "problems": [{"chain_seq", "number", "problem"}]}."""
    cur = sql.cursor(session)
    cur.execute("SELECT last_hash, voucher_count FROM ledger_units WHERE unit_id = %s", (unit_id,))
    head = cur.fetchone() or (GENESIS_HASH, 0)
    problems = []
    previous, after, seen = GENESIS_HASH, 0, 0
    while True:
        cur.execute(CHAIN_ROWS, (unit_id, after, CHUNK))
        rows = cur.fetchall()
        if not rows:
            break
        records = [
            {
                "number": r[1],
                "date": r[2],
                "type": r[3],
                "description": r[4],
                "total": r[5],
                "posted_by": r[6],
                "posted_at": r[7],
                "previous_hash": r[8],
                "hash": r[9],
                "lines": r[10] or [],
            }
            for r in rows
        ]
        for position in verify_chain(records, previous_hash=previous):
            problems.append(
                {
                    "chain_seq": rows[position][0],
                    "number": rows[position][1],
                    "problem": "hash_mismatch",
                }
            )
        for expected, row in enumerate(rows, start=after + 1):
            if row[0] != expected:
                problems.append({"chain_seq": expected, "number": None, "problem": "missing"})
                break
        seen += len(rows)
        previous, after = rows[-1][9], rows[-1][0]
    if head[0] != previous or head[1] != seen:
        problems.append({"chain_seq": head[1], "number": None, "problem": "head_mismatch"})
    return {"unit_id": unit_id, "vouchers": seen, "ok": not problems, "problems": problems}


def unit_ids(session) -> list[str]:
    cur = sql.cursor(session)
    cur.execute("SELECT unit_id FROM ledger_units ORDER BY unit_id")
    return [row[0] for row in cur.fetchall()]
