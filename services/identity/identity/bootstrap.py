"""What must exist before anyone can sign in: the Department (root of the unit tree) and
its administrator from LAAS_ADMIN_USERNAME / LAAS_ADMIN_PASSWORD, already active.

Idempotent and safe when two instances start together: rows are inserted with
ON CONFLICT DO NOTHING, and an existing administrator is left as it is (its password is
only set at first start).
"""

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from laas_kernel.contracts import UnitCreated
from laas_kernel.outbox import add_event

from . import audit
from . import repository as repo
from .domain.units import DEPARTMENT
from .models import UnitRow, UserRow

log = logging.getLogger(__name__)

DEPARTMENT_CODE = "DLA"
DEPARTMENT_NAME = "กรมส่งเสริมการปกครองท้องถิ่น"


def ensure_department(session: Session) -> UnitRow:
    """The root unit, created (and announced) the first time."""
    inserted = session.execute(
        insert(UnitRow)
        .values(
            id=str(uuid.uuid4()),
            code=DEPARTMENT_CODE,
            name=DEPARTMENT_NAME,
            kind=DEPARTMENT,
            status="active",
        )
        .on_conflict_do_nothing()
        .returning(UnitRow.id)
    ).first()
    root = repo.department_root(session)
    if inserted is not None:
        add_event(session, UnitCreated(unit_id=root.id, unit=repo.unit_facts(root)))
    return root


def ensure_admin(session: Session, username: str, password_hash_of) -> bool:
    """Create the Department administrator if missing; True when created.

    ``password_hash_of`` is called only when the user must be created.
    """
    root = ensure_department(session)
    if repo.user_by_username(session, username) is not None:
        return False
    password_hash = password_hash_of()
    inserted = session.execute(
        insert(UserRow)
        .values(
            id=str(uuid.uuid4()),
            username=username,
            username_key=repo.username_key(username),
            unit_id=root.id,
            groups=["department_admin"],
            status="active",
            password_hash=password_hash,
            first_name="ผู้ดูแลระบบ",
            last_name="กรมส่งเสริมการปกครองท้องถิ่น",
            position="ผู้ดูแลระบบ",
            activated_at=datetime.now(UTC),
        )
        .on_conflict_do_nothing()
        .returning(UserRow.id)
    ).first()
    if inserted is not None:
        audit.record(
            session,
            audit.USER_CREATED,
            subject_user_id=inserted[0],
            unit_id=root.id,
            username=username,
            source="LAAS_ADMIN_USERNAME",
        )
        log.info("created the Department administrator %s", username)
    return inserted is not None


def admin_exists(session: Session, username: str) -> bool:
    return (
        session.execute(
            select(UserRow.id).where(UserRow.username_key == repo.username_key(username))
        ).first()
        is not None
    )
