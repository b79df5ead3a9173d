import pytest

from identity.domain.units import (
    DISSOLVED,
    MERGED,
    InvalidUnitParent,
    Unit,
    UnitNotActive,
    ancestor_ids,
    current_successor,
    descendant_ids,
    dissolve,
    merge_into,
    require_valid_parent,
)
from laas_kernel.errors import InvalidInput

DLA = Unit("dla", "DLA", "กรมส่งเสริมการปกครองท้องถิ่น", "department")
UDON = Unit("p41", "P41", "สถจ.อุดรธานี", "province_office", "dla", "41")
LAO = Unit("lao1", "L1", "เทศบาลนครอุดรธานี", "lao", "p41", "41")
SCHOOL = Unit("s1", "S1", "โรงเรียนเทศบาล ๑", "subordinate_unit", "lao1", "41", "school")
PAWNSHOP = Unit("s2", "S2", "สถานธนานุบาล", "subordinate_unit", "lao1", "41", "pawnshop")
UNITS = {u.id: u for u in (DLA, UDON, LAO, SCHOOL, PAWNSHOP)}


@pytest.mark.parametrize(
    "kind, parent",
    [("province_office", DLA), ("lao", UDON), ("subordinate_unit", LAO), ("department", None)],
)
def test_valid_parents(kind, parent):
    require_valid_parent(kind, parent)


@pytest.mark.parametrize(
    "kind, parent",
    [("lao", DLA), ("subordinate_unit", UDON), ("subordinate_unit", None), ("school", LAO)],
)
def test_invalid_parents(kind, parent):
    with pytest.raises(InvalidUnitParent) as caught:
        require_valid_parent(kind, parent)
    assert caught.value.code == "invalid_unit_parent"


def test_descendants_and_ancestors():
    assert descendant_ids("lao1", UNITS) == {"lao1", "s1", "s2"}
    assert descendant_ids("p41", list(UNITS.values())) == {"p41", "lao1", "s1", "s2"}
    assert ancestor_ids("s1", UNITS) == ["lao1", "p41", "dla"]


def test_dissolve_keeps_the_unit_but_closes_it():
    closed = dissolve(SCHOOL)
    assert closed.status == DISSOLVED and closed.id == SCHOOL.id
    with pytest.raises(UnitNotActive) as caught:
        dissolve(closed)
    assert caught.value.code == "unit_not_active"


def test_only_subordinate_units_are_dissolved_or_merged():
    with pytest.raises(InvalidInput):
        dissolve(LAO)
    with pytest.raises(InvalidInput):
        merge_into(LAO, SCHOOL)


def test_merge_points_to_the_successor():
    merged = merge_into(SCHOOL, PAWNSHOP)
    assert (merged.status, merged.successor_id) == (MERGED, "s2")
    units = dict(UNITS, s1=merged)
    assert current_successor("s1", units) == "s2"
    assert current_successor("s2", units) == "s2"


def test_merge_follows_chains():
    third = Unit("s3", "S3", "ศูนย์พัฒนาเด็กเล็ก", "subordinate_unit", "lao1")
    units = dict(UNITS, s3=third)
    units["s1"] = merge_into(SCHOOL, PAWNSHOP)
    units["s2"] = merge_into(PAWNSHOP, third)
    assert current_successor("s1", units) == "s3"


def test_merge_refuses_itself_and_closed_units():
    with pytest.raises(InvalidInput):
        merge_into(SCHOOL, SCHOOL)
    with pytest.raises(UnitNotActive):
        merge_into(SCHOOL, dissolve(PAWNSHOP))
