"""Administration of units and users (API.md "Administration", DOMAIN.md seed 1.3–3.8).

Who may do what is decided from the caller as stored now (``signin.acting_user``), not from
the token's claims: a user whose groups were just reduced administers nothing more.
"""

import re
import secrets
import string

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from laas_kernel.contracts import AccountCreated, UnitChanged, UnitCreated
from laas_kernel.errors import Forbidden, InvalidInput
from laas_kernel.outbox import add_event

from . import audit
from . import repository as repo
from .context import Context, new_id
from .domain import reach
from .domain.activation import THAID_NONE, THAID_ON_FILE, UnknownUnitKind
from .domain.citizen_id import require_valid_citizen_id
from .domain.password_policy import initial_lao_password, require_strong_password
from .domain.units import (
    DEPARTMENT,
    PROVINCE_OFFICE,
    SUBORDINATE_UNIT,
    UnitNotActive,
    dissolve,
    merge_into,
    require_valid_parent,
)
from .errors import (
    CannotRevokeSelf,
    CitizenIdRequired,
    InvalidGroup,
    UnitCodeTaken,
    UsernameTaken,
)
from .models import UnitRow, UserRow
from .signin import ACTIVE, PENDING, REVOKED, _policy, acting_user

CREATABLE_KINDS = ("province_office", "lao", "subordinate_unit")
# Groups only the Department hands out.
DEPARTMENT_ONLY_GROUPS = frozenset({"department_admin", "province_officer"})
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{2,79}")


def _actor_context(ctx: Context, actor: dict):
    user = acting_user(ctx, actor)
    who = repo.reach_actor(user)
    return user, who, repo.actor_units(ctx.session, who)


def _audit(ctx, event, acting, **kwargs):
    audit.record(
        ctx.session,
        event,
        actor={"user_id": acting.id, "username": acting.username},
        client_address=ctx.client_address,
        **kwargs,
    )


# --- units --------------------------------------------------------------------------------


def _required_text(body: dict, field: str, limit: int) -> str:
    value = body.get(field)
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > limit:
        raise InvalidInput(details={"fields": {field: f"required, at most {limit} characters"}})
    return value.strip()


def create_unit(ctx: Context, actor: dict, body: dict) -> dict:
    s = ctx.session
    with s.begin():
        acting, who, units = _actor_context(ctx, actor)
        reach.require_administer_units(who, units)
        kind = body.get("kind")
        if kind not in CREATABLE_KINDS:
            raise UnknownUnitKind(details={"kind": kind, "allowed": list(CREATABLE_KINDS)})
        parent_id = body.get("parent_id")
        if parent_id is None and kind == PROVINCE_OFFICE:
            parent = repo.department_root(s)
        else:
            parent = s.get(UnitRow, str(parent_id)) if parent_id else None
        require_valid_parent(kind, repo.unit_of(parent) if parent else None)
        if parent.status != "active":
            raise UnitNotActive(details={"unit_id": parent.id, "status": parent.status})
        subtype = body.get("subtype")
        if subtype and kind != SUBORDINATE_UNIT:
            raise InvalidInput(details={"fields": {"subtype": "only for subordinate_unit"}})
        code = _required_text(body, "code", 40)
        if s.execute(select(UnitRow.id).where(UnitRow.code == code)).first():
            raise UnitCodeTaken(details={"code": code})
        province_id = (body.get("province_id") or code) if kind == PROVINCE_OFFICE else None
        row = UnitRow(
            id=new_id(),
            code=code,
            name=_required_text(body, "name", 300),
            kind=kind,
            parent_id=parent.id,
            province_id=province_id or parent.province_id,
            subtype=subtype,
            status="active",
        )
        s.add(row)
        s.flush()
        add_event(s, UnitCreated(unit_id=row.id, unit=repo.unit_facts(row)))
        _audit(ctx, "unit_created", acting, unit_id=row.id, code=code, kind=kind)
        return repo.unit_dict(row)


def get_unit(ctx: Context, actor: dict, unit_id) -> dict:
    with ctx.session.begin():
        _, who, units = _actor_context(ctx, actor)
        row = repo.get_unit(ctx.session, unit_id)
        if row.id not in reach.reachable_unit_ids(who, units):
            raise Forbidden(details={"unit_id": row.id})
        children = ctx.session.execute(
            select(UnitRow).where(UnitRow.parent_id == row.id).order_by(UnitRow.code)
        ).scalars()
        return {
            **repo.unit_dict(row),
            "children": [
                {"id": c.id, "code": c.code, "name": c.name, "kind": c.kind, "status": c.status}
                for c in children
            ],
        }


def _close_unit(ctx: Context, actor: dict, unit_id, successor_id=None) -> dict:
    s = ctx.session
    with s.begin():
        acting, who, units = _actor_context(ctx, actor)
        reach.require_administer_units(who, units)
        row = repo.get_unit(s, unit_id, for_update=True)
        if successor_id is None:
            closed, change = dissolve(repo.unit_of(row)), "dissolved"
        else:
            successor = repo.get_unit(s, successor_id, for_update=True)
            closed, change = merge_into(repo.unit_of(row), repo.unit_of(successor)), "merged"
        row.status, row.successor_id, row.changed_at = closed.status, closed.successor_id, ctx.now
        add_event(s, UnitChanged(unit_id=row.id, unit=repo.unit_facts(row), change=change))
        _audit(ctx, audit.UNIT_CHANGED, acting, unit_id=row.id, change=change)
        return repo.unit_dict(row)


def dissolve_unit(ctx: Context, actor: dict, unit_id) -> dict:
    """ยุบเลิก: the unit closes; its books stay readable."""
    return _close_unit(ctx, actor, unit_id)


def merge_unit(ctx: Context, actor: dict, unit_id, successor_id) -> dict:
    """ยุบรวม: the unit closes and points at the unit that carries on its work."""
    return _close_unit(ctx, actor, unit_id, successor_id)


# --- users --------------------------------------------------------------------------------


def _require_groups(who: reach.Actor, units, groups) -> list[str]:
    if not isinstance(groups, list | tuple):
        raise InvalidGroup(details={"groups": groups})
    unknown = [g for g in groups if g not in reach.GROUPS]
    if unknown:
        raise InvalidGroup(details={"unknown": unknown, "allowed": sorted(reach.GROUPS)})
    own = units.get(who.unit_id)
    granted = DEPARTMENT_ONLY_GROUPS.intersection(groups)
    if granted and (own is None or own.kind != DEPARTMENT):
        raise Forbidden("ท่านไม่มีสิทธิ์กำหนดกลุ่มผู้ใช้งานนี้", details={"groups": sorted(granted)})
    return sorted(set(groups))


def _generated_password() -> str:
    """A first password that meets the policy (one of each class, then random)."""
    classes = (string.ascii_uppercase, string.ascii_lowercase, string.digits, "#$@*+=")
    chars = [secrets.choice(c) for c in classes]
    chars += [secrets.choice(string.ascii_letters + string.digits) for _ in range(8)]
    secrets.SystemRandom().shuffle(chars)
    return "".join(chars)


def create_user(ctx: Context, actor: dict, body: dict) -> dict:
    s = ctx.session
    username = str(body.get("username") or "").strip()
    if not USERNAME.fullmatch(username):
        raise InvalidInput(details={"fields": {"username": "3–80 letters, digits, . _ @ -"}})
    with s.begin():
        acting, who, units = _actor_context(ctx, actor)
        unit = repo.get_unit(s, body.get("unit_id"))
        reach.require_administer_users(who, unit.id, units)
        if unit.status != "active":
            raise UnitNotActive(details={"unit_id": unit.id, "status": unit.status})
        groups = _require_groups(who, units, body.get("groups") or [])
        policy = _policy(ctx, unit.kind)
        citizen_id = body.get("citizen_id")
        if citizen_id:
            citizen_id = require_valid_citizen_id(citizen_id)
        elif policy.thaid == THAID_ON_FILE:
            raise CitizenIdRequired()
        given = body.get("initial_password")
        if given:
            initial = require_strong_password(given)
        elif policy.thaid == THAID_ON_FILE:
            initial = initial_lao_password(citizen_id)
        else:
            initial = _generated_password()
        if repo.user_by_username(s, username) is not None:
            raise UsernameTaken(details={"username": username})
    password_hash = ctx.passwords.hash(initial)

    with s.begin():
        row = UserRow(
            id=new_id(),
            username=username,
            username_key=repo.username_key(username),
            unit_id=unit.id,
            groups=groups,
            status=PENDING if policy.activation_required else ACTIVE,
            password_hash=password_hash,
            citizen_id=citizen_id or None,
            title=body.get("title"),
            first_name=body.get("first_name"),
            last_name=body.get("last_name"),
            position=body.get("position"),
            email=body.get("email"),
            created_by=acting.id,
            activated_at=None if policy.activation_required else ctx.now,
        )
        s.add(row)
        try:
            s.flush()
        except IntegrityError:
            raise UsernameTaken(details={"username": username}) from None
        add_event(
            s,
            AccountCreated(
                unit_id=unit.id,
                user_id=row.id,
                username=username,
                unit_name=unit.name,
                email=row.email,
                recipient_name=repo.full_name(row),
                thaid_required=policy.thaid != THAID_NONE,
            ),
        )
        _audit(
            ctx,
            audit.USER_CREATED,
            acting,
            subject_user_id=row.id,
            unit_id=unit.id,
            username=username,
            groups=groups,
            citizen_id=citizen_id or None,
        )
        answer = {**repo.user_summary(row, unit), "status": row.status}
    if not given:
        answer["initial_password"] = initial
    return answer


def _administered_user(ctx: Context, who, units, user_id, for_update=False) -> UserRow:
    user = repo.get_user(ctx.session, user_id, for_update=for_update)
    reach.require_administer_users(who, user.unit_id, units)
    return user


def get_user(ctx: Context, actor: dict, user_id) -> dict:
    with ctx.session.begin():
        _, who, units = _actor_context(ctx, actor)
        user = _administered_user(ctx, who, units, user_id)
        return repo.user_summary(user, repo.get_unit(ctx.session, user.unit_id))


def change_groups(ctx: Context, actor: dict, user_id, groups) -> dict:
    """New groups apply at once: the user's sessions end, the next sign-in carries them."""
    s = ctx.session
    with s.begin():
        acting, who, units = _actor_context(ctx, actor)
        user = _administered_user(ctx, who, units, user_id, for_update=True)
        new_groups = _require_groups(who, units, groups)
        before = sorted(user.groups or ())
        ended = []
        if new_groups != before:
            user.groups = new_groups
            ended = repo.revoke_sessions(s, user.id, "groups_changed", ctx.now)
            if ended:
                add_event(s, repo.sessions_revoked_event(user, ended, "groups_changed"))
            _audit(
                ctx,
                audit.GROUPS_CHANGED,
                acting,
                subject_user_id=user.id,
                unit_id=user.unit_id,
                before=before,
                after=new_groups,
            )
        summary = repo.user_summary(user, repo.get_unit(s, user.unit_id))
        return {**summary, "revoked_sessions": ended}


def revoke_user(ctx: Context, actor: dict, user_id) -> dict:
    """Seed 1.3 / 2.6: a user no longer assigned is removed; their sessions end at once."""
    s = ctx.session
    with s.begin():
        acting, who, units = _actor_context(ctx, actor)
        user = _administered_user(ctx, who, units, user_id, for_update=True)
        if user.id == acting.id:
            raise CannotRevokeSelf()
        ended = []
        if user.status != REVOKED:
            user.status, user.revoked_at = REVOKED, ctx.now
            repo.close_open_activations(s, user.id, "revoked", ctx.now)
            ended = repo.revoke_sessions(s, user.id, "user_revoked", ctx.now)
            if ended:
                add_event(s, repo.sessions_revoked_event(user, ended, "user_revoked"))
            _audit(ctx, audit.USER_REVOKED, acting, subject_user_id=user.id, unit_id=user.unit_id)
        return {"id": user.id, "status": user.status, "revoked_sessions": ended}


def access_review(ctx: Context, actor: dict, unit_id=None) -> dict:
    """The users of the units the caller administers: groups, status and last sign-in."""
    s = ctx.session
    with s.begin():
        _, who, units = _actor_context(ctx, actor)
        administered = reach.reachable_unit_ids(who, units, reach.USERS_ADMIN)
        if unit_id:
            repo.get_unit(s, unit_id)
            if str(unit_id) not in administered:
                raise Forbidden(details={"unit_id": str(unit_id), "action": "administer_users"})
            administered = {str(unit_id)}
        if not administered:
            raise Forbidden(details={"action": "administer_users"})
        rows = s.execute(
            select(UserRow, UnitRow)
            .join(UnitRow, UnitRow.id == UserRow.unit_id)
            .where(UserRow.unit_id.in_(administered))
            .order_by(UnitRow.code, UserRow.username_key)
        ).all()
        return {
            "unit_id": str(unit_id) if unit_id else None,
            "users": [repo.user_summary(user, unit) for user, unit in rows],
        }
