"""Who may see or administer which unit.

Users get permissions through user groups; what a group reaches is a scope measured
from the user's own unit. Both are data (GROUPS) so they can be reviewed and changed.
"""

from dataclasses import dataclass

from laas_kernel.errors import Forbidden

from .units import DEPARTMENT, KINDS_WITH_BOOKS, UnitNotActive, descendant_ids, index_units

UNITS_ADMIN = "units.admin"
USERS_ADMIN = "users.admin"
BOOKS_READ = "books.read"
BOOKS_WRITE = "books.write"
PERMISSIONS = (UNITS_ADMIN, USERS_ADMIN, BOOKS_READ, BOOKS_WRITE)

SCOPE_ALL = "all"  # every unit (only from the Department)
SCOPE_SUBTREE = "subtree"  # own unit and everything below it
SCOPE_OWN = "own"  # own unit only


@dataclass(frozen=True)
class Group:
    permissions: frozenset
    scope: str


GROUPS = {
    "department_admin": Group(frozenset(PERMISSIONS), SCOPE_ALL),
    # A provincial office oversees its province's LAOs and their units, read-only.
    "province_officer": Group(frozenset({BOOKS_READ}), SCOPE_SUBTREE),
    # หัวหน้าหน่วยงานคลัง: an LAO's also covers its subordinate units (seed 2.6, 3.8).
    "head_of_finance": Group(frozenset({USERS_ADMIN, BOOKS_READ, BOOKS_WRITE}), SCOPE_SUBTREE),
    "finance_officer": Group(frozenset({BOOKS_READ, BOOKS_WRITE}), SCOPE_OWN),
}


@dataclass(frozen=True)
class Actor:
    user_id: str
    unit_id: str
    groups: frozenset = frozenset()


def permissions_of(actor: Actor, groups=GROUPS) -> frozenset:
    found = set()
    for name in actor.groups:
        if name in groups:
            found |= groups[name].permissions
    return frozenset(found)


def _scope_ids(scope: str, actor: Actor, by_id: dict) -> set:
    own = by_id.get(actor.unit_id)
    if own is None:
        return set()
    if scope == SCOPE_ALL:
        # A department_admin group handed to someone outside the Department reaches nothing extra.
        return set(by_id) if own.kind == DEPARTMENT else {own.id}
    if scope == SCOPE_SUBTREE:
        return descendant_ids(own.id, by_id)
    return {own.id}


def reachable_unit_ids(actor: Actor, units, permission: str | None = None, groups=GROUPS) -> set:
    """Units the actor reaches: its own unit plus the scopes of its groups.

    With ``permission``, only groups granting it count (and the own unit only through them).
    """
    by_id = index_units(units)
    reached = {actor.unit_id} if permission is None and actor.unit_id in by_id else set()
    for name in actor.groups:
        group = groups.get(name)
        if group is None or (permission is not None and permission not in group.permissions):
            continue
        reached |= _scope_ids(group.scope, actor, by_id)
    return reached


def _allowed(actor, unit_id, units, permission, groups) -> bool:
    return unit_id in reachable_unit_ids(actor, units, permission, groups)


def can_read(actor: Actor, unit_id, units, groups=GROUPS) -> bool:
    """Read a unit's books; dissolved and merged units stay readable."""
    return _allowed(actor, unit_id, units, BOOKS_READ, groups)


def can_write(actor: Actor, unit_id, units, groups=GROUPS) -> bool:
    """Record in a unit's books: reached, allowed, the unit keeps books and is active."""
    unit = index_units(units).get(unit_id)
    if unit is None or unit.kind not in KINDS_WITH_BOOKS or not unit.is_active:
        return False
    return _allowed(actor, unit_id, units, BOOKS_WRITE, groups)


def can_administer_users(actor: Actor, unit_id, units, groups=GROUPS) -> bool:
    """Create, regroup, review or revoke the users of a unit."""
    return _allowed(actor, unit_id, units, USERS_ADMIN, groups)


def can_administer_units(actor: Actor, units, groups=GROUPS) -> bool:
    """Add, dissolve and merge units: the Department only."""
    own = index_units(units).get(actor.unit_id)
    has_permission = UNITS_ADMIN in permissions_of(actor, groups)
    return has_permission and own is not None and own.kind == DEPARTMENT


def _forbidden(actor: Actor, unit_id, action: str) -> Forbidden:
    return Forbidden(details={"unit_id": unit_id, "action": action})


def require_read(actor: Actor, unit_id, units, groups=GROUPS) -> None:
    if not can_read(actor, unit_id, units, groups):
        raise _forbidden(actor, unit_id, "read")


def require_write(actor: Actor, unit_id, units, groups=GROUPS) -> None:
    """Forbidden outside the actor's reach; UnitNotActive for a closed unit within it."""
    by_id = index_units(units)
    unit = by_id.get(unit_id)
    if not _allowed(actor, unit_id, by_id, BOOKS_WRITE, groups):
        raise _forbidden(actor, unit_id, "write")
    if unit is not None and not unit.is_active:
        raise UnitNotActive(
            details={"unit_id": unit_id, "status": unit.status, "successor_id": unit.successor_id}
        )
    if not can_write(actor, unit_id, by_id, groups):
        raise _forbidden(actor, unit_id, "write")


def require_administer_users(actor: Actor, unit_id, units, groups=GROUPS) -> None:
    if not can_administer_users(actor, unit_id, units, groups):
        raise _forbidden(actor, unit_id, "administer_users")


def require_administer_units(actor: Actor, units, groups=GROUPS) -> None:
    if not can_administer_units(actor, units, groups):
        raise _forbidden(actor, None, "administer_units")
