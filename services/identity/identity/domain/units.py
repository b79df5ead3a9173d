"""The unit tree: Department → provincial offices → LAOs → subordinate units.

Every LAO and subordinate unit keeps its own books. The Department adds, dissolves
(ยุบเลิก) and merges (ยุบรวม) subordinate units; a closed unit's books stay readable,
and a merged one points to its successor.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from laas_kernel.errors import Conflict, InvalidInput

DEPARTMENT = "department"
PROVINCE_OFFICE = "province_office"
LAO = "lao"
SUBORDINATE_UNIT = "subordinate_unit"
UNIT_KINDS = (DEPARTMENT, PROVINCE_OFFICE, LAO, SUBORDINATE_UNIT)

# The kind each kind hangs under; the Department is the root.
PARENT_KIND = {PROVINCE_OFFICE: DEPARTMENT, LAO: PROVINCE_OFFICE, SUBORDINATE_UNIT: LAO}
KINDS_WITH_BOOKS = frozenset({LAO, SUBORDINATE_UNIT})

ACTIVE = "active"
DISSOLVED = "dissolved"
MERGED = "merged"


class InvalidUnitParent(InvalidInput):
    code = "invalid_unit_parent"
    message = "หน่วยงานต้นสังกัดไม่ถูกต้องสำหรับประเภทหน่วยงานนี้"


class UnitNotActive(Conflict):
    code = "unit_not_active"
    message = "หน่วยงานนี้ถูกยุบเลิกหรือยุบรวมแล้ว ไม่สามารถบันทึกข้อมูลเพิ่มได้"


@dataclass(frozen=True)
class Unit:
    id: str
    code: str
    name: str
    kind: str
    parent_id: str | None = None
    province_id: str | None = None  # the province (code) for offices, LAOs and their units
    subtype: str | None = None  # e.g. "school", "pawnshop"
    status: str = ACTIVE
    successor_id: str | None = None  # set when merged

    @property
    def is_active(self) -> bool:
        return self.status == ACTIVE


def index_units(units: Mapping | Iterable[Unit]) -> dict:
    """Units by id, whether given as a mapping or a plain collection."""
    if isinstance(units, Mapping):
        return dict(units)
    return {unit.id: unit for unit in units}


def require_valid_parent(kind: str, parent: Unit | None) -> None:
    """A new unit must hang under a unit of the kind above it."""
    if kind not in UNIT_KINDS:
        raise InvalidUnitParent(details={"kind": kind})
    expected = PARENT_KIND.get(kind)
    actual = parent.kind if parent else None
    if expected != actual:
        raise InvalidUnitParent(details={"kind": kind, "expected_parent_kind": expected})


def descendant_ids(unit_id, units) -> set:
    """The unit and everything below it."""
    children: dict = {}
    for unit in index_units(units).values():
        children.setdefault(unit.parent_id, []).append(unit.id)
    found, pending = set(), [unit_id]
    while pending:
        current = pending.pop()
        if current in found:
            continue
        found.add(current)
        pending.extend(children.get(current, ()))
    return found


def ancestor_ids(unit_id, units) -> list:
    """The parents of a unit, nearest first."""
    by_id = index_units(units)
    chain, current = [], by_id.get(unit_id)
    while current is not None and current.parent_id is not None and current.parent_id not in chain:
        chain.append(current.parent_id)
        current = by_id.get(current.parent_id)
    return chain


def dissolve(unit: Unit) -> Unit:
    """Close a subordinate unit; its books stay as they are, readable."""
    if unit.kind != SUBORDINATE_UNIT:
        raise InvalidInput(details={"unit_id": unit.id, "reason": "only_subordinate_units"})
    if not unit.is_active:
        raise UnitNotActive(details={"unit_id": unit.id, "status": unit.status})
    return replace(unit, status=DISSOLVED)


def merge_into(unit: Unit, successor: Unit) -> Unit:
    """Close ``unit`` and point it at the active unit that carries on its work."""
    if unit.kind != SUBORDINATE_UNIT or successor.kind != SUBORDINATE_UNIT:
        raise InvalidInput(details={"unit_id": unit.id, "reason": "only_subordinate_units"})
    if unit.id == successor.id:
        raise InvalidInput(details={"unit_id": unit.id, "reason": "merge_into_itself"})
    for closing in (unit, successor):
        if not closing.is_active:
            raise UnitNotActive(details={"unit_id": closing.id, "status": closing.status})
    return replace(unit, status=MERGED, successor_id=successor.id)


def current_successor(unit_id, units) -> str:
    """Follow merges to the unit that now carries on (the unit itself if not merged)."""
    by_id = index_units(units)
    seen = set()
    current = unit_id
    while current not in seen:
        seen.add(current)
        unit = by_id.get(current)
        if unit is None or unit.status != MERGED or unit.successor_id is None:
            return current
        current = unit.successor_id
    raise ValueError(f"merge cycle through unit {unit_id}")
