"""Plain SQL on the session's own connection.

The posting path sends a handful of statements per transaction, joined into one round trip
where their order allows; psycopg2's cursor (client-side parameters) does that with less
overhead than the ORM. It runs inside the session's transaction, so ``with db.begin()``
still commits or rolls back everything together.
"""

import json

from sqlalchemy.orm import Session


def cursor(session: Session):
    return session.connection().connection.cursor()


def values(cur, template: str, rows) -> str:
    """``(…),(…)`` for a multi-row VALUES list, bound by psycopg2 in one call."""
    rows = list(rows)
    flat = [value for row in rows for value in row]
    return cur.mogrify(",".join([template] * len(rows)), flat).decode()


def bind(cur, statement: str, params=None) -> str:
    return cur.mogrify(statement, params).decode()


def run_script(cur, statements) -> None:
    """Several statements in one round trip (no results wanted)."""
    script = ";\n".join(s for s in statements if s)
    if script:
        cur.execute(script)


def jsonb(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def fetch_dicts(cur, statement: str, params=None) -> list[dict]:
    cur.execute(statement, params)
    names = [c.name for c in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]
