"""Master data per unit in the database (rules in ``domain/master_data.py``)."""

import uuid
from datetime import UTC

from psycopg2 import errors as pg_errors

from ledger import sql
from ledger.domain.errors import MasterRecordExists
from ledger.domain.master_data import check_kind, parse_master_record
from ledger.posting import check_unit_id


def _view(row: dict) -> dict:
    return {
        "id": row["id"],
        "unit_id": row["unit_id"],
        "kind": row["kind"],
        "code": row["code"],
        "name": row["name"],
        "account_code": row["account_code"],
        "details": row["details"],
        "created_at": row["created_at"].astimezone(UTC).isoformat(),
        "created_by": row["created_by"],
    }


COLUMNS = "id::text AS id, unit_id, kind, code, name, account_code, details, created_at, created_by"


def add_record(session, chart, unit_id: str, kind: str, body, actor) -> dict:
    check_unit_id(unit_id)
    record = parse_master_record(kind, body, chart)
    cur = sql.cursor(session)
    cur.execute("SAVEPOINT master_record")
    try:
        rows = sql.fetch_dicts(
            cur,
            "INSERT INTO master_records (id, unit_id, kind, code, name, account_code, details,"
            f" created_by) VALUES (%s, %s, %s, %s, %s, %s, %s::jsonb, %s) RETURNING {COLUMNS}",
            (
                str(uuid.uuid4()),
                unit_id,
                record.kind,
                record.code,
                record.name,
                record.account_code,
                sql.jsonb(record.details),
                (actor or {}).get("username") or (actor or {}).get("user_id"),
            ),
        )
    except pg_errors.UniqueViolation:
        cur.execute("ROLLBACK TO SAVEPOINT master_record")
        raise MasterRecordExists(details={"kind": record.kind, "code": record.code}) from None
    return _view(rows[0])


def list_records(session, unit_id: str, kind: str) -> dict:
    check_unit_id(unit_id)
    check_kind(kind)
    rows = sql.fetch_dicts(
        sql.cursor(session),
        f"SELECT {COLUMNS} FROM master_records WHERE unit_id = %s AND kind = %s ORDER BY code",
        (unit_id, kind),
    )
    return {"kind": kind, "records": [_view(row) for row in rows]}
