"""Reading and writing the identity tables; rows in, domain values and API dicts out."""

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql import operators

from laas_kernel.contracts import SessionsRevoked, UnitFacts

from .domain import reach
from .domain.activation import Activation, ActivationPolicy, ThaidIdentity
from .domain.citizen_id import mask_citizen_id
from .domain.units import DEPARTMENT, Unit
from .errors import UnitNotFound, UserNotFound
from .models import ActivationRow, SessionRow, ThrottleRow, UnitRow, UserRow

# --- units ----------------------------------------------------------------------------


def unit_of(row: UnitRow) -> Unit:
    return Unit(
        id=row.id,
        code=row.code,
        name=row.name,
        kind=row.kind,
        parent_id=row.parent_id,
        province_id=row.province_id,
        subtype=row.subtype,
        status=row.status,
        successor_id=row.successor_id,
    )


def unit_facts(row: UnitRow) -> UnitFacts:
    return UnitFacts(**unit_of(row).__dict__)


def unit_dict(row: UnitRow) -> dict:
    return {**unit_of(row).__dict__, "created_at": row.created_at, "changed_at": row.changed_at}


def get_unit(session: Session, unit_id, for_update=False) -> UnitRow:
    query = select(UnitRow).where(UnitRow.id == str(unit_id))
    row = session.execute(
        query.with_for_update().execution_options(populate_existing=True) if for_update else query
    ).scalar_one_or_none()
    if row is None:
        raise UnitNotFound(details={"unit_id": str(unit_id)})
    return row


def department_root(session: Session) -> UnitRow | None:
    return session.execute(select(UnitRow).where(UnitRow.kind == DEPARTMENT)).scalar_one_or_none()


def subtree(session: Session, unit_id) -> dict[str, Unit]:
    """The unit and everything below it, by id (one recursive query)."""
    below = select(UnitRow.id).where(UnitRow.id == str(unit_id)).cte("below", recursive=True)
    child = aliased(UnitRow)
    below = below.union_all(select(child.id).where(child.parent_id == below.c.id))
    rows = session.execute(select(UnitRow).where(UnitRow.id.in_(select(below.c.id)))).scalars()
    return {row.id: unit_of(row) for row in rows}


def actor_units(session: Session, actor: reach.Actor) -> dict[str, Unit]:
    """Every unit an actor's groups could reach: its own unit's subtree (the Department's
    is the whole tree)."""
    return subtree(session, actor.unit_id)


# --- users ----------------------------------------------------------------------------


def username_key(username: str) -> str:
    return (username or "").strip().casefold()


def user_by_username(session: Session, username: str, for_update=False) -> UserRow | None:
    query = select(UserRow).where(UserRow.username_key == username_key(username))
    if for_update:
        query = query.with_for_update().execution_options(populate_existing=True)
    return session.execute(query).scalar_one_or_none()


def get_user(session: Session, user_id, for_update=False) -> UserRow:
    query = select(UserRow).where(UserRow.id == str(user_id))
    row = session.execute(
        query.with_for_update().execution_options(populate_existing=True) if for_update else query
    ).scalar_one_or_none()
    if row is None:
        raise UserNotFound(details={"user_id": str(user_id)})
    return row


def reach_actor(user: UserRow) -> reach.Actor:
    return reach.Actor(user.id, user.unit_id, frozenset(user.groups or ()))


def full_name(user: UserRow) -> str | None:
    name = " ".join(part for part in (user.first_name, user.last_name) if part)
    return f"{user.title or ''}{name}" if name else None


def me_dict(user: UserRow, unit: UnitRow) -> dict:
    """GET /api/v1/me: the user, their unit, groups and permissions (web client's shape)."""
    return {
        "id": user.id,
        "username": user.username,
        "title": user.title,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "position": user.position,
        "phone": user.phone,
        "email": user.email,
        "citizen_id": mask_citizen_id(user.citizen_id) if user.citizen_id else None,
        "status": user.status,
        "profile_required": user.profile_required,
        "unit": {
            "id": unit.id,
            "code": unit.code,
            "name": unit.name,
            "kind": unit.kind,
            "subtype": unit.subtype,
        },
        "groups": sorted(user.groups or ()),
        "permissions": sorted(reach.permissions_of(reach_actor(user))),
        "last_sign_in_at": user.last_sign_in_at,
    }


def user_summary(user: UserRow, unit: UnitRow | None = None) -> dict:
    """What administration shows of a user (no hashes, citizen ID masked)."""
    summary = {
        "id": user.id,
        "username": user.username,
        "name": full_name(user),
        "position": user.position,
        "unit_id": user.unit_id,
        "groups": sorted(user.groups or ()),
        "status": user.status,
        "citizen_id": mask_citizen_id(user.citizen_id) if user.citizen_id else None,
        "last_sign_in_at": user.last_sign_in_at,
        "created_at": user.created_at,
        "activated_at": user.activated_at,
        "revoked_at": user.revoked_at,
    }
    if unit is not None:
        summary["unit_name"] = unit.name
    return summary


# --- activations ----------------------------------------------------------------------


def activation_of(row: ActivationRow) -> Activation:
    identity = ThaidIdentity(**row.identity) if row.identity else None
    return Activation(
        user_id=row.user_id,
        kind=row.kind,
        policy=ActivationPolicy(row.thaid, profile_required=row.profile_required),
        started_at=row.started_at,
        expires_at=row.expires_at,
        steps_done=tuple(row.steps_done or ()),
        identity=identity,
        email=row.email,
    )


def store_activation(row: ActivationRow, activation: Activation):
    row.steps_done = list(activation.steps_done)
    row.identity = activation.identity.__dict__ if activation.identity else None
    row.email = activation.email


def close_open_activations(session: Session, user_id: str, reason: str, now: datetime):
    session.execute(
        update(ActivationRow)
        .where(ActivationRow.user_id == user_id, ActivationRow.closed_at.is_(None))
        .values(closed_at=now, closed_reason=reason)
    )


# --- sessions -------------------------------------------------------------------------


def revoke_sessions(
    session: Session, user_id: str, reason: str, now: datetime, session_ids=None
) -> list[str]:
    """End the user's live sessions (or only ``session_ids``); the ids that ended."""
    query = (
        update(SessionRow)
        .where(SessionRow.user_id == user_id, SessionRow.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
        .returning(SessionRow.id)
    )
    if session_ids is not None:
        query = query.where(SessionRow.id.in_([str(s) for s in session_ids]))
    return [row[0] for row in session.execute(query)]


def sessions_revoked_event(user: UserRow, session_ids: list[str], reason: str) -> SessionsRevoked:
    return SessionsRevoked(
        user_id=user.id, unit_id=user.unit_id, session_ids=session_ids, reason=reason
    )


def revoked_since(session: Session, since: datetime) -> list[str]:
    rows = session.execute(select(SessionRow.id).where(SessionRow.revoked_at >= since))
    return [row[0] for row in rows]


def lock_throttle_keys(session: Session, keys: list[str]):
    """Rows for ``keys`` (created if missing), locked in a fixed order against deadlocks.

    Creating and locking is one statement (DO UPDATE locks the row it meets), so the
    pruning of idle rows cannot delete a row between this attempt finding and locking it.
    """
    keys = sorted(set(keys))
    upsert = insert(ThrottleRow).values([{"key": k} for k in keys])
    session.execute(
        upsert.on_conflict_do_update(index_elements=["key"], set_={"key": upsert.excluded.key})
    )
    rows = session.execute(
        select(ThrottleRow)
        .where(ThrottleRow.key.in_(keys))
        .order_by(ThrottleRow.key)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalars()
    return {row.key: row for row in rows}


def prune_throttle(session: Session, idle_since: datetime) -> int:
    """Delete the rows of keys with no attempt since ``idle_since``: they count nothing any
    more, and names sprayed at the sign-in form must not pile up. Rows an attempt holds
    right now are left for the next pruning."""
    idle = (
        select(ThrottleRow.key)
        .where(~ThrottleRow.attempts.any(idle_since, operator=operators.le))
        .with_for_update(skip_locked=True)
    )
    result = session.execute(delete(ThrottleRow).where(ThrottleRow.key.in_(idle.scalar_subquery())))
    return result.rowcount
