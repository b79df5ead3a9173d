"""A small chart and voucher bodies shared by the ledger's unit tests."""

from ledger.domain.chart import load_chart

CASH = "1101010101"
BANK = "1101020603"
EQUIPMENT = "1206010101"
ACCUMULATED_DEPRECIATION = "1206010103"
OTHER_PAYABLES = "2101020198"
ACCUMULATED_SURPLUS = "3102010101"
OTHER_REVENUE = "4313010199"
SUPPLIES_EXPENSE = "5104010104"
DEPRECIATION_EXPENSE = "5105010103"
ASSETS_HEADING = "1000000000"

POSTABLE = [
    (CASH, "เงินสด"),
    (BANK, "เงินฝากธนาคาร"),
    (EQUIPMENT, "ครุภัณฑ์สำนักงาน"),
    (ACCUMULATED_DEPRECIATION, "ค่าเสื่อมราคาสะสม"),
    (OTHER_PAYABLES, "เจ้าหนี้อื่น"),
    (ACCUMULATED_SURPLUS, "รายได้สูง(ต่ำ)กว่าค่าใช้จ่ายสะสม"),
    (OTHER_REVENUE, "รายได้ลักษณะอื่น"),
    (SUPPLIES_EXPENSE, "วัสดุสำนักงานใช้ไป"),
    (DEPRECIATION_EXPENSE, "ค่าเสื่อมราคา อาคารสำนักงาน"),
]
HEADINGS = [
    ("1000000000", "สินทรัพย์"),
    ("2000000000", "หนี้สิน"),
    ("3000000000", "ส่วนทุน"),
    ("4000000000", "รายได้"),
    ("5000000000", "ค่าใช้จ่าย"),
]


def small_chart():
    rows = [
        {"code": code, "name": name, "class": code[0], "postable": "no"} for code, name in HEADINGS
    ]
    rows += [
        {"code": code, "name": name, "class": code[0], "parent_code": f"{code[0]}000000000"}
        for code, name in POSTABLE
    ]
    return load_chart(rows)


def voucher_body(**overrides):
    body = {
        "type": "RV",
        "date": "2024-10-05",
        "description": "รับเงินค่าธรรมเนียม",
        "lines": [
            {"account_code": CASH, "debit": "1250.50", "credit": "0"},
            {"account_code": OTHER_REVENUE, "debit": "0", "credit": "1250.50", "memo": "ใบเสร็จ 1"},
        ],
    }
    body.update(overrides)
    return body
