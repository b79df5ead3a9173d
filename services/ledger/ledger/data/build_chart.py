"""Build the starter chart of accounts (chart_of_accounts.csv next to this file).

Source: the research file ``chart_of_accounts.csv`` (see /work/shared/data/SOURCES.md), a
Ministry of Public Health hospital chart built on the government's 10-digit GFMIS GL codes.
The official LAO accrual chart was not found, so this is a stand-in, shipped as data:

- drop the hospital-only sub-accounts (UC/SSO funds, patients, drugs, medical supplies,
  "Interface" mirrors …);
- keep each distinct 10-digit GL left as a postable account, named after its first remaining
  sub-account with hospital and fund suffixes such as "(บริการ)" stripped;
- the examples in DOMAIN.md take DOMAIN.md's names;
- add one heading per class (1 สินทรัพย์ … 5 ค่าใช้จ่าย) as the parent of every account.

Run:  python services/ledger/ledger/data/build_chart.py [--source PATH] [--output PATH]
"""

import argparse
import csv
import re
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_SOURCE = Path("/work/shared/data/chart_of_accounts.csv")
DEFAULT_OUTPUT = HERE / "chart_of_accounts.csv"
COLUMNS = ["code", "name", "class", "normal_balance", "postable", "parent_code", "source"]

CLASS_HEADINGS = {1: "สินทรัพย์", 2: "หนี้สิน", 3: "ส่วนทุน", 4: "รายได้", 5: "ค่าใช้จ่าย"}
NORMAL_BALANCE = {1: "debit", 2: "credit", 3: "credit", 4: "credit", 5: "debit"}

# Examples named in DOMAIN.md (research): they must be in the chart, under these names.
DOMAIN_EXAMPLES = {
    "1101010101": "เงินสด",
    "1101020603": "เงินฝากธนาคาร",
    "1102010101": "ลูกหนี้เงินยืม",
    "1206010101": "ครุภัณฑ์สำนักงาน",
    "1206010103": "ค่าเสื่อมราคาสะสม",
    "2101020198": "เจ้าหนี้อื่น",
    "5105010103": "ค่าเสื่อมราคา อาคารสำนักงาน",
}

# Sub-accounts that only a hospital keeps: health-insurance funds, patients, drugs,
# medical supplies and services, transfers between health offices, GFMIS "Interface" mirrors.
HOSPITAL_ONLY = [
    r"\bUC\b",
    r"\bCUP\b",
    r"(?<![A-Za-z])(OP|IP|OPD|IPD|HC|DMI|DRG)(?![A-Za-z])",
    r"P&P|\bPP\b|Refer|Interface|\bLab\b|X-Ray|\(LAB\)",
    r"ประกันสังคม(?!ส่วนของนายจ้าง)",  # the SSO fund; the employer's contribution stays
    r"ค่ารักษา(?!พยาบาล)|ผู้ป่วย(?!นอก|ใน)",
    r"(^|[-\s])ยา($|[\s(])|ยาใช้ไป|สนับสนุนยา|ยาสมุนไพร|ยาและเวชภัณฑ์|เภสัช|ทันตกรรม",
    r"เอกซเรย์|เอ็กซเรย์|EMS",
    r"วัสดุการแพทย์|วัสดุวิทยาศาสตร์|การแพทย์ทั่วไป|บริการทางการแพทย์|บุคลากรทางการแพทย์|ผลิตแพทย์",
    r"ใบรับรองแพทย์|แพทย์ไม่ทำ|เวชปฏิบัติ|แพทย์สาขา|ทันตแพทย์",
    r"สิ่งส่งตรวจ|ตรวจสุขภาพ|น้ำยา|สาธารณสุข|พ\.ต\.ส\.|ชันสูตร|คลินิก|ขยะติดเชื้อ",
    r"ต่างด้าว|ปัญหาสถานะ|พรบ\.รถ|ฉุกเฉิน|โคโลนา|ไวรัว|พยาบาล(?!ประเภท|ตาม)",
    r"สสจ\.|รพ\.สต|รพศ\.|กระทรวงสาธารณสุข|ประกอบอาหารผู้ป่วย|ซักรีด",
]
# GLs that are a hospital's throughout, whatever their first sub-account is called.
HOSPITAL_ONLY_GLS = {"4301020106"}  # รายได้กองทุนประกันสังคม: the SSO fund's revenue

_HOSPITAL_ONLY = re.compile("|".join(f"(?:{p})" for p in HOSPITAL_ONLY))

# Suffixes that split one GL by hospital cost centre or by fund; the GL is the same account.
SUFFIXES = [
    r"\s*\((บริการ|สนับสนุน)\)",
    r"\s*\(เงิ[นบ](นอก)?งบประมาณ\)",
    r"\s*-\s*เงิน(นอก)?งบประมาณ$",
]
_SUFFIXES = re.compile("|".join(SUFFIXES))

SOURCE_REF = "MOPH hospital chart on GFMIS GL, index id 36073000341 (data/SOURCES.md)"


def is_hospital_only(name: str) -> bool:
    return bool(_HOSPITAL_ONLY.search(name))


def strip_suffixes(name: str) -> str:
    return re.sub(r"\s+", " ", _SUFFIXES.sub("", name)).strip()


def build(source_rows) -> list[dict]:
    """The starter chart rows, headings first then accounts in code order."""
    first_name: dict[str, tuple[str, str]] = {}
    for row in source_rows:
        gl = row["code"].split(".")[0]
        if len(gl) != 10 or not gl.isdigit() or gl in first_name or gl in HOSPITAL_ONLY_GLS:
            continue
        if is_hospital_only(row["name_th"]):
            continue
        first_name[gl] = (row["code"], row["name_th"])

    out = []
    for klass, name in CLASS_HEADINGS.items():
        out.append(
            {
                "code": f"{klass}000000000",
                "name": name,
                "class": klass,
                "normal_balance": NORMAL_BALANCE[klass],
                "postable": "no",
                "parent_code": "",
                "source": "class heading: the first digit of a GFMIS code is its class",
            }
        )
    for gl in sorted(set(first_name) | set(DOMAIN_EXAMPLES)):
        klass = int(gl[0])
        if gl in DOMAIN_EXAMPLES:
            name = DOMAIN_EXAMPLES[gl]
            source = "DOMAIN.md (research) example"
            if gl in first_name:
                sub_code, sub_name = first_name[gl]
                source += f"; {SOURCE_REF} has {sub_code} {sub_name}"
        else:
            sub_code, sub_name = first_name[gl]
            name = strip_suffixes(sub_name)
            source = f"{SOURCE_REF}: named from {sub_code}"
            if name != sub_name:
                source += " (suffix stripped)"
        out.append(
            {
                "code": gl,
                "name": name,
                "class": klass,
                "normal_balance": NORMAL_BALANCE[klass],
                "postable": "yes",
                "parent_code": f"{klass}000000000",
                "source": source,
            }
        )
    return out


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE)
    parser.add_argument("--output", type=Path, default=DEFAULT_OUTPUT)
    args = parser.parse_args(argv)
    with args.source.open(encoding="utf-8-sig", newline="") as f:
        rows = build(csv.DictReader(f))
    with args.output.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} accounts written to {args.output}")


if __name__ == "__main__":
    main()
