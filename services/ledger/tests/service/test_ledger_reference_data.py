"""The chart of accounts (listed, imported, replaced), master data per unit, and the chain
verification command."""

import io
import time

import pytest
from ledger_service_support import ACTOR, BANK, CASH, OTHER_REVENUE, key, voucher

from laas_kernel.errors import DomainError
from ledger.charts import ChartCache
from ledger.data import STARTER_CHART_PATH
from ledger.verify_chain import main as verify_chain_main

NEW_ACCOUNT = "4313010198"


def refused(call) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call()
    return caught.value


def test_chart_is_shipped_and_can_be_extended_and_replaced(ledger, unit_id):
    accounts = {a["code"]: a for a in ledger.rpc.list_accounts()}
    assert accounts[CASH]["name"] == "เงินสด"
    assert accounts[CASH]["class"] == 1 and accounts[CASH]["postable"] is True
    assert accounts["1000000000"]["postable"] is False

    err = refused(lambda: ledger.rpc.post_voucher(unit_id, voucher(credit=NEW_ACCOUNT), key()))
    assert err.code == "unknown_account"
    starter = STARTER_CHART_PATH.read_text(encoding="utf-8")
    extended = starter.rstrip("\n") + f"\n{NEW_ACCOUNT},รายได้ทดสอบ,4,credit,yes,4000000000,test\n"
    result = ledger.rpc.import_chart(extended, False, ACTOR)
    assert result["added"] == 1 and result["removed"] == 0
    # Every process sees the new revision at its next posting.
    posted = ledger.rpc.post_voucher(unit_id, voucher(credit=NEW_ACCOUNT), key(), ACTOR)
    assert posted["status"] == "created"

    # Replacing with a chart that drops used accounts is refused, naming them.
    header, *rows = starter.splitlines()
    kept = [row for row in rows if not row.startswith((CASH, OTHER_REVENUE))]
    ledger.rpc.post_voucher(unit_id, voucher(), key(), ACTOR)
    err = refused(lambda: ledger.rpc.import_chart("\n".join([header, *kept]), True, ACTOR))
    assert err.code == "invalid_chart"
    named = [p["problem"].split()[1] for p in err.details["problems"]]
    assert named == [CASH, NEW_ACCOUNT, OTHER_REVENUE]
    err = refused(lambda: ledger.rpc.import_chart("code,name,class\n12,x,9\n", False, ACTOR))
    assert err.code == "invalid_chart" and len(err.details["problems"]) == 2


def test_master_data_per_unit(ledger, unit_id):
    bank = ledger.rpc.add_master_record(
        unit_id,
        "bank_account",
        {
            "code": "KTB-001",
            "name": "บัญชีเงินฝากกระแสรายวัน",
            "account_code": BANK,
            "details": {"bank_name": "กรุงไทย", "account_number": "123-4-56789-0"},
        },
        ACTOR,
    )
    assert bank["kind"] == "bank_account" and bank["details"]["bank_name"] == "กรุงไทย"
    ledger.rpc.add_master_record(unit_id, "debtor", {"code": "D1", "name": "นาย ก"}, ACTOR)
    ledger.rpc.add_master_record(unit_id, "creditor", {"code": "C1", "name": "ร้าน ข"}, ACTOR)
    ledger.rpc.add_master_record(
        unit_id, "revenue_type", {"code": "411001", "name": "ภาษีที่ดิน", "account_code": OTHER_REVENUE}
    )
    ledger.rpc.add_master_record(unit_id, "deposit", {"code": "DP1", "name": "เงินประกันสัญญา"})

    listed = ledger.rpc.list_master_records(unit_id, "bank_account")["records"]
    assert [r["code"] for r in listed] == ["KTB-001"]
    assert ledger.rpc.list_master_records(unit_id + "-other", "bank_account")["records"] == []

    err = refused(
        lambda: ledger.rpc.add_master_record(unit_id, "debtor", {"code": "D1", "name": "ซ้ำ"})
    )
    assert err.code == "master_record_exists"
    err = refused(
        lambda: ledger.rpc.add_master_record(
            unit_id, "bank_account", {"code": "X", "name": "x", "account_code": "1000000000"}
        )
    )
    assert err.code == "invalid_master_record"
    assert set(err.details) == {
        "account_code",
        "details.bank_name",
        "details.account_number",
    }
    err = refused(lambda: ledger.rpc.list_master_records(unit_id, "spaceships"))
    assert err.code == "master_data_kind_unknown"


def test_verify_chain_command_finds_tampering(ledger, unit_id):
    for amount in ("1.00", "2.00", "3.00"):
        ledger.rpc.post_voucher(unit_id, voucher(amount=amount), key(), ACTOR)
    out = io.StringIO()
    assert verify_chain_main([unit_id, "--database-url", ledger.database_url], out=out) == 0
    assert f"{unit_id}: ok (3 vouchers)" in out.getvalue()

    # Someone with database rights edits the second voucher's line behind the ledger's back.
    with ledger.engine.begin() as conn:
        conn.exec_driver_sql("ALTER TABLE voucher_lines DISABLE TRIGGER voucher_lines_append_only")
        conn.exec_driver_sql(
            "UPDATE voucher_lines SET debit = 20.00 FROM vouchers v WHERE v.id = voucher_id"
            f" AND v.unit_id = '{unit_id}' AND v.chain_seq = 2 AND debit > 0"
        )
        conn.exec_driver_sql("ALTER TABLE voucher_lines ENABLE TRIGGER voucher_lines_append_only")
    out = io.StringIO()
    assert verify_chain_main(["--all", "--database-url", ledger.database_url], out=out) == 1
    assert f"{unit_id}: BROKEN" in out.getvalue()
    assert "RV-2568-000002 hash_mismatch" in out.getvalue()
    answer = ledger.rpc.verify_chain(unit_id)
    assert answer["ok"] is False
    assert [p["number"] for p in answer["problems"]] == ["RV-2568-000002"]


def test_import_chart_command(ledger, tmp_path):
    from ledger.import_chart import main as import_chart_main

    good = tmp_path / "chart.csv"
    good.write_text(
        "code,name,class,normal_balance,postable,parent_code\n"
        "5104010199,ค่าวัสดุอื่นทดสอบ,5,debit,yes,5000000000\n",
        encoding="utf-8",
    )
    out = io.StringIO()
    assert import_chart_main([str(good), "--database-url", ledger.database_url], out=out) == 0
    assert '"added": 1' in out.getvalue()
    time.sleep(ChartCache.READ_CHECK_SECONDS)  # reports may lag a replaced chart this long
    assert "5104010199" in {a["code"] for a in ledger.rpc.list_accounts()}

    bad = tmp_path / "bad.csv"
    bad.write_text("code,name,class\n510401019,,5\n", encoding="utf-8")
    out = io.StringIO()
    assert import_chart_main([str(bad), "--database-url", ledger.database_url], out=out) == 1
    assert "row 2 code" in out.getvalue() and "row 2 name" in out.getvalue()
