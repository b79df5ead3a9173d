"""What every use case works with: the open database session, the settings, the hashing
and ThaiD adapters, and the time of the request. Plus issuing a session's tokens."""

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import insert
from sqlalchemy.orm import Session

from laas_kernel.settings import Settings

from . import repository as repo
from .adapters.thaid import ThaidProvider
from .config import IdentityConfig
from .domain import reach
from .domain.units import DEPARTMENT
from .models import SessionRow, UnitRow, UserRow
from .passwords import Passwords
from .tokens import ACCESS_TOKEN_SECONDS, access_token, new_opaque_token, token_hash


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_id() -> str:
    return str(uuid.uuid4())


@dataclass
class Context:
    session: Session
    settings: Settings
    config: IdentityConfig
    passwords: Passwords
    thaid: ThaidProvider
    now: datetime
    client_address: str | None = None


def reach_claims(session: Session, user: UserRow, unit: UnitRow):
    """(permissions, readable, writable); None for readable/writable means every unit."""
    actor = repo.reach_actor(user)
    permissions = reach.permissions_of(actor)
    everywhere = unit.kind == DEPARTMENT and any(
        reach.GROUPS[g].scope == reach.SCOPE_ALL for g in actor.groups if g in reach.GROUPS
    )
    if everywhere:
        return permissions, None, None
    units = repo.subtree(session, unit.id)
    readable = {u for u in units if reach.can_read(actor, u, units)}
    writable = {u for u in units if reach.can_write(actor, u, units)}
    return permissions, readable, writable


def access_token_for(ctx: Context, user: UserRow, unit: UnitRow, session_id: str) -> str:
    permissions, readable, writable = reach_claims(ctx.session, user, unit)
    return access_token(
        secret_key=ctx.settings.laas_secret_key,
        user_id=user.id,
        session_id=session_id,
        username=user.username,
        unit_id=unit.id,
        groups=user.groups or (),
        permissions=permissions,
        readable=readable,
        writable=writable,
        now=ctx.now,
        units_max=ctx.config.token_units_max,
    )


def open_session(ctx: Context, user: UserRow) -> dict:
    """A new session for a signed-in user: access and refresh tokens."""
    unit = repo.get_unit(ctx.session, user.unit_id)
    session_id = new_id()
    refresh = new_opaque_token()
    ctx.session.execute(
        insert(SessionRow).values(
            id=session_id,
            user_id=user.id,
            refresh_hash=token_hash(refresh),
            expires_at=ctx.now + timedelta(hours=ctx.config.refresh_token_hours),
            client_address=(ctx.client_address or "")[:64] or None,
        )
    )
    user.last_sign_in_at = ctx.now
    return {
        "access_token": access_token_for(ctx, user, unit, session_id),
        "refresh_token": refresh,
        "token_type": "Bearer",
        "expires_in": ACCESS_TOKEN_SECONDS,
        "user": repo.me_dict(user, unit),
    }
