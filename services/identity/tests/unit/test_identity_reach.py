import pytest

from identity.domain.reach import (
    Actor,
    can_administer_units,
    can_administer_users,
    can_read,
    can_write,
    permissions_of,
    reachable_unit_ids,
    require_administer_units,
    require_administer_users,
    require_read,
    require_write,
)
from identity.domain.units import Unit, UnitNotActive, dissolve, merge_into
from laas_kernel.errors import Forbidden

DLA = Unit("dla", "DLA", "กรมส่งเสริมการปกครองท้องถิ่น", "department")
UDON = Unit("p41", "P41", "สถจ.อุดรธานี", "province_office", "dla", "41")
KHON_KAEN = Unit("p40", "P40", "สถจ.ขอนแก่น", "province_office", "dla", "40")
LAO = Unit("lao1", "L1", "เทศบาลนครอุดรธานี", "lao", "p41", "41")
LAO_OTHER = Unit("lao2", "L2", "อบต.ในจังหวัดอุดรธานี", "lao", "p41", "41")
LAO_KK = Unit("lao3", "L3", "เทศบาลนครขอนแก่น", "lao", "p40", "40")
SCHOOL = Unit("s1", "S1", "โรงเรียนเทศบาล ๑", "subordinate_unit", "lao1", "41", "school")
PAWNSHOP = Unit("s2", "S2", "สถานธนานุบาล", "subordinate_unit", "lao1", "41", "pawnshop")
KK_SCHOOL = Unit("s3", "S3", "โรงเรียนขอนแก่น", "subordinate_unit", "lao3", "40", "school")
ALL = (DLA, UDON, KHON_KAEN, LAO, LAO_OTHER, LAO_KK, SCHOOL, PAWNSHOP, KK_SCHOOL)
UNITS = {u.id: u for u in ALL}

ADMIN = Actor("admin", "dla", frozenset({"department_admin"}))
PROVINCE = Actor("po", "p41", frozenset({"province_officer"}))
HEAD = Actor("head", "lao1", frozenset({"head_of_finance"}))
CLERK = Actor("clerk", "lao1", frozenset({"finance_officer"}))
SCHOOL_HEAD = Actor("sh", "s1", frozenset({"head_of_finance"}))
NOBODY = Actor("nobody", "lao1", frozenset())


def test_permissions_come_from_groups():
    assert permissions_of(CLERK) == {"books.read", "books.write"}
    assert permissions_of(Actor("x", "lao1", frozenset({"unknown_group"}))) == frozenset()
    assert "users.admin" in permissions_of(HEAD)


def test_department_admin_reaches_everything():
    assert reachable_unit_ids(ADMIN, UNITS) == set(UNITS)
    assert all(can_read(ADMIN, uid, UNITS) for uid in UNITS)
    assert can_administer_users(ADMIN, "s3", UNITS)
    assert can_administer_units(ADMIN, UNITS)


def test_department_group_outside_the_department_reaches_nothing_more():
    rogue = Actor("rogue", "lao1", frozenset({"department_admin"}))
    assert reachable_unit_ids(rogue, UNITS) == {"lao1"}
    assert not can_administer_units(rogue, UNITS)
    assert not can_read(rogue, "lao2", UNITS)


def test_province_office_reads_its_province_only():
    assert reachable_unit_ids(PROVINCE, UNITS) == {"p41", "lao1", "lao2", "s1", "s2"}
    assert can_read(PROVINCE, "s1", UNITS)
    assert not can_read(PROVINCE, "lao3", UNITS)
    assert not can_read(PROVINCE, "s3", UNITS)


def test_province_office_is_read_only():
    assert not can_write(PROVINCE, "lao1", UNITS)
    assert not can_administer_users(PROVINCE, "lao1", UNITS)
    with pytest.raises(Forbidden) as caught:
        require_write(PROVINCE, "lao1", UNITS)
    assert caught.value.code == "forbidden"
    assert caught.value.details == {"unit_id": "lao1", "action": "write"}


def test_head_of_finance_covers_the_lao_and_its_units():
    for uid in ("lao1", "s1", "s2"):
        assert can_read(HEAD, uid, UNITS)
        assert can_write(HEAD, uid, UNITS)
        assert can_administer_users(HEAD, uid, UNITS)
    for uid in ("lao2", "p41", "s3", "dla"):
        assert not can_read(HEAD, uid, UNITS)
        assert not can_administer_users(HEAD, uid, UNITS)
    assert not can_administer_units(HEAD, UNITS)


def test_head_of_a_subordinate_unit_covers_only_that_unit():
    assert reachable_unit_ids(SCHOOL_HEAD, UNITS) == {"s1"}
    assert can_administer_users(SCHOOL_HEAD, "s1", UNITS)
    assert not can_administer_users(SCHOOL_HEAD, "lao1", UNITS)


def test_finance_officer_only_their_own_unit():
    assert reachable_unit_ids(CLERK, UNITS) == {"lao1"}
    assert can_write(CLERK, "lao1", UNITS)
    assert not can_read(CLERK, "s1", UNITS)
    assert not can_administer_users(CLERK, "lao1", UNITS)


def test_user_without_groups_reaches_own_unit_but_may_do_nothing():
    assert reachable_unit_ids(NOBODY, UNITS) == {"lao1"}
    assert not can_read(NOBODY, "lao1", UNITS)
    assert not can_write(NOBODY, "lao1", UNITS)


def test_units_without_books_cannot_be_written():
    assert not can_write(ADMIN, "dla", UNITS)
    assert not can_write(ADMIN, "p41", UNITS)
    assert can_write(ADMIN, "lao1", UNITS)


def test_dissolved_unit_stays_readable_but_not_writable():
    units = dict(UNITS, s1=dissolve(SCHOOL))
    assert can_read(HEAD, "s1", units)
    assert not can_write(HEAD, "s1", units)
    with pytest.raises(UnitNotActive) as caught:
        require_write(HEAD, "s1", units)
    assert caught.value.details["status"] == "dissolved"


def test_merged_unit_refusal_names_the_successor():
    units = dict(UNITS, s1=merge_into(SCHOOL, PAWNSHOP))
    with pytest.raises(UnitNotActive) as caught:
        require_write(HEAD, "s1", units)
    assert caught.value.details["successor_id"] == "s2"
    assert can_read(HEAD, "s1", units)


def test_closed_unit_outside_reach_is_still_just_forbidden():
    units = dict(UNITS, s3=dissolve(KK_SCHOOL))
    with pytest.raises(Forbidden):
        require_write(HEAD, "s3", units)


def test_require_functions_raise_forbidden():
    require_read(HEAD, "s1", UNITS)
    require_write(HEAD, "s1", UNITS)
    require_administer_users(HEAD, "s1", UNITS)
    require_administer_units(ADMIN, UNITS)
    with pytest.raises(Forbidden):
        require_read(HEAD, "lao2", UNITS)
    with pytest.raises(Forbidden):
        require_administer_users(CLERK, "lao1", UNITS)
    with pytest.raises(Forbidden) as caught:
        require_administer_units(HEAD, UNITS)
    assert caught.value.message == "ท่านไม่มีสิทธิ์เข้าถึงข้อมูลของหน่วยงานนี้"


def test_unknown_unit_is_not_reachable():
    assert not can_read(ADMIN, "missing", UNITS)
    assert not can_write(ADMIN, "missing", UNITS)
    with pytest.raises(Forbidden):
        require_write(ADMIN, "missing", UNITS)


def test_units_can_be_given_as_a_list():
    assert can_read(HEAD, "s2", list(ALL))
