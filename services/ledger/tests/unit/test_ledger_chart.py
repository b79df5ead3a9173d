import csv
import io
from pathlib import Path

import pytest
from ledger_unit_support import ASSETS_HEADING, CASH, small_chart

from ledger.data import STARTER_CHART_PATH, starter_chart
from ledger.data.build_chart import DEFAULT_SOURCE, build, is_hospital_only, strip_suffixes
from ledger.domain.chart import CLASS_NAMES, load_chart
from ledger.domain.errors import InvalidChart


def problems_of(rows):
    with pytest.raises(InvalidChart) as err:
        load_chart(rows)
    assert err.value.code == "invalid_chart"
    return err.value.details["problems"]


def test_get_returns_the_account_or_none():
    chart = small_chart()
    cash = chart.get(CASH)
    assert cash.name == "เงินสด" and cash.account_class == 1 and cash.postable
    assert cash.normal_balance == "debit"
    assert chart.get("9999999999") is None
    assert chart.get(None) is None
    assert CASH in chart and "1" not in chart


def test_headings_are_not_postable():
    assert small_chart().get(ASSETS_HEADING).postable is False


@pytest.mark.parametrize(
    "klass, side", [(1, "debit"), (2, "credit"), (3, "credit"), (4, "credit"), (5, "debit")]
)
def test_normal_balance_follows_the_class(klass, side):
    chart = load_chart([{"code": f"{klass}101010101", "name": "x", "class": str(klass)}])
    assert chart.get(f"{klass}101010101").normal_balance == side


def test_load_chart_reads_csv_text_with_bom():
    text = "\ufeffcode,name,class,postable\n1101010101,เงินสด,1,yes\n1000000000,สินทรัพย์,1,no\n"
    chart = load_chart(text)
    assert len(chart) == 2
    assert [a.code for a in chart] == ["1000000000", "1101010101"]


def test_every_problem_is_reported_with_its_row():
    rows = [
        {"code": "1101010101", "name": "เงินสด", "class": "1"},  # row 2, fine
        {"code": "11010101", "name": "สั้น", "class": "1"},  # row 3: 8 digits
        {"code": "2101020198", "name": "เจ้าหนี้อื่น", "class": "1"},  # row 4: class mismatch
        {"code": "1101010101", "name": "ซ้ำ", "class": "1"},  # row 5: duplicate
        {"code": "4313010199", "name": " ", "class": "4"},  # row 6: no name
        {"code": "5104010104", "name": "ค่าวัสดุ", "class": "7"},  # row 7: no such class
        {"code": "5105010103", "name": "x", "class": "5", "postable": "maybe"},  # row 8
    ]
    problems = problems_of(rows)
    by_row = {(p["row"], p["field"]) for p in problems}
    assert by_row == {
        (3, "code"),
        (4, "class"),
        (5, "code"),
        (6, "name"),
        (7, "class"),
        (8, "postable"),
    }
    assert all(p["problem"] for p in problems)


def test_parent_must_exist_and_be_a_heading():
    rows = [
        {"code": "1101010101", "name": "เงินสด", "class": "1"},
        {"code": "1101010104", "name": "ก", "class": "1", "parent_code": "1101010101"},
        {"code": "1101010112", "name": "ข", "class": "1", "parent_code": "1000000000"},
    ]
    problems = problems_of(rows)
    assert [(p["row"], p["field"]) for p in problems] == [(3, "parent_code"), (4, "parent_code")]


def test_empty_chart_is_refused():
    assert problems_of([])[0]["field"] == "file"


def test_starter_chart_loads_and_has_the_domain_examples():
    chart = starter_chart()
    expected = {
        "1101010101": "เงินสด",
        "1101020603": "เงินฝากธนาคาร",
        "1102010101": "ลูกหนี้เงินยืม",
        "1206010101": "ครุภัณฑ์สำนักงาน",
        "1206010103": "ค่าเสื่อมราคาสะสม",
        "2101020198": "เจ้าหนี้อื่น",
        "5105010103": "ค่าเสื่อมราคา อาคารสำนักงาน",
    }
    for code, name in expected.items():
        assert chart.get(code).name == name
        assert chart.get(code).postable


def test_starter_chart_has_a_heading_per_class_and_postable_accounts_in_every_class():
    chart = starter_chart()
    for klass, name in CLASS_NAMES.items():
        heading = chart.get(f"{klass}000000000")
        assert heading.name == name and not heading.postable
        postable = [a for a in chart.postable() if a.account_class == klass]
        assert len(postable) >= 5, klass
        assert all(a.parent_code == heading.code for a in postable)


def test_starter_chart_has_an_accumulated_surplus_account():
    surplus = starter_chart().get("3102010101")
    assert surplus.postable and "สะสม" in surplus.name and surplus.normal_balance == "credit"


def test_starter_chart_has_no_hospital_only_names_and_a_source_on_every_row():
    rows = list(csv.DictReader(io.StringIO(STARTER_CHART_PATH.read_text(encoding="utf-8"))))
    assert rows and all(r["source"] for r in rows)
    for r in rows:
        assert r["code"].isdigit() and len(r["code"]) == 10
        if not r["source"].startswith("DOMAIN.md"):
            assert not is_hospital_only(r["name"]), r
        assert "(บริการ)" not in r["name"] and "(สนับสนุน)" not in r["name"]


@pytest.mark.parametrize(
    "name",
    [
        "ลูกหนี้ค่ารักษา OP-UC ใน CUP",
        "ยาใช้ไป",
        "เจ้าหนี้-ยา",
        "ครุภัณฑ์สำนักงาน-Interface",
        "ลูกหนี้ค่ารักษาประกันสังคม OP-เครือข่าย",
        "รายได้ค่าสิ่งส่งตรวจ - บุคคลภายนอก",
    ],
)
def test_hospital_only_names_are_recognised(name):
    assert is_hospital_only(name)


@pytest.mark.parametrize(
    "name",
    [
        "ครุภัณฑ์ยานพาหนะและขนส่ง",
        "เงินสมทบกองทุนประกันสังคมส่วนของนายจ้าง",
        "เงินช่วยค่ารักษาพยาบาลประเภทผู้ป่วยนอก รพ.รัฐ สำหรับผู้มีสิทธิตามกฎหมาย",
        "วัสดุสำนักงานใช้ไป",
        "ครุภัณฑ์วิทยาศาสตร์และการแพทย์",
    ],
)
def test_ordinary_names_are_kept(name):
    assert not is_hospital_only(name)


def test_suffixes_are_stripped():
    assert strip_suffixes("เงินเดือนข้าราชการ(บริการ)") == "เงินเดือนข้าราชการ"
    assert strip_suffixes("ค่าจ้างประจำ (สนับสนุน)") == "ค่าจ้างประจำ"
    assert strip_suffixes("ค่าเบี้ยเลี้ยง-ในประเทศ (เงินงบประมาณ)") == "ค่าเบี้ยเลี้ยง-ในประเทศ"


def test_build_groups_sub_accounts_by_gl_and_skips_hospital_rows():
    source = [
        {"code": "5101010101.101", "name_th": "เงินเดือนข้าราชการ(บริการ)"},
        {"code": "5101010101.102", "name_th": "เงินเดือนข้าราชการ(สนับสนุน)"},
        {"code": "1102050101.201", "name_th": "ลูกหนี้ค่ารักษา OP-UC ใน CUP"},
        {"code": "1102050101.105", "name_th": "ลูกหนี้ค่าสินค้า หน่วยงานภาครัฐ"},
        {"code": "1205050101.101", "name_th": "อาคารเพื่อการพักอาศัย-Interface"},
        {"code": "307000", "name_th": "เงินสะสม"},
    ]
    rows = {r["code"]: r for r in build(source)}
    assert rows["5101010101"]["name"] == "เงินเดือนข้าราชการ"
    assert rows["1102050101"]["name"] == "ลูกหนี้ค่าสินค้า หน่วยงานภาครัฐ"
    assert "1205050101" not in rows and "307000" not in rows
    assert rows["2101020198"]["name"] == "เจ้าหนี้อื่น"  # a DOMAIN.md example, always present
    assert load_chart(list(rows.values())).get("5101010101").postable


@pytest.mark.skipif(not Path(DEFAULT_SOURCE).exists(), reason="research data not present")
def test_shipped_csv_is_what_the_script_builds():
    with Path(DEFAULT_SOURCE).open(encoding="utf-8-sig", newline="") as f:
        built = build(csv.DictReader(f))
    shipped = list(csv.DictReader(io.StringIO(STARTER_CHART_PATH.read_text(encoding="utf-8"))))
    assert [{k: str(v) for k, v in r.items()} for r in built] == shipped
