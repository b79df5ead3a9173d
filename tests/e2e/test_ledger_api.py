"""The ledger end to end: each feature once through the gateway's HTTP routes, with access
tokens like the identity service issues (HS256, LAAS_SECRET_KEY, units in ``rr``/``rw``).

The whole system (every service, the gateway, mailbox and ThaiD sandbox) is started once for
this module with the same ``start_system`` the ``system`` fixture uses; each test works in
units of its own.
"""

import io
import time
import uuid

import jwt
import pytest
from nameko.runners import ServiceRunner

from testing.system import start_system

CASH = "1101010101"
BANK = "1101020603"
OTHER_PAYABLES = "2101020198"
ACCUMULATED_SURPLUS = "3102010101"
OTHER_REVENUE = "4313010199"


@pytest.fixture(scope="module")
def ledger_system(infrastructure, test_databases):
    amqp_uri, server_url, vhosts = infrastructure
    vhost = vhosts.create()
    prefix = f"e{uuid.uuid4().hex[:10]}"
    names, runners = [], []
    config = {
        "AMQP_URI": vhosts.uri_for(vhost),
        "DATABASE_URL": server_url,
        "DATABASE_PREFIX": prefix,
        "RPC_TIMEOUT_SECONDS": 10,
        "EVENT_MAX_ATTEMPTS": 5,
        "EVENT_RETRY_BASE_MS": 50,
        "WEB_SERVER_ADDRESS": "127.0.0.1:0",
        "max_workers": 10,
    }

    def databases(service):
        url = test_databases.create(prefix, service)
        # Kept for the module: per-test clean-up only drops what ``created`` lists.
        test_databases.created.remove(f"{prefix}_{service}")
        names.append(f"{prefix}_{service}")
        return url

    def run_services(*classes, **overrides):
        runner = ServiceRunner({**config, **overrides})
        for cls in classes:
            runner.add_service(cls)
        runner.start()
        runners.append(runner)
        return runner

    system = start_system(run_services, config, databases)
    yield system
    for process in system._processes:
        process.stop()
    for runner in runners:
        runner.kill()
    for name in names:
        test_databases.drop(name)
    vhosts.delete(vhost)


def token(system, readable, writable=None, user="u-1", username="officer"):
    now = int(time.time())
    claims = {
        "sub": user,
        "sid": uuid.uuid4().hex,
        "typ": "access",
        "usr": username,
        "unit": readable[0] if isinstance(readable, list) and readable else "",
        "grp": ["finance"],
        "prm": [],
        "rr": readable,
        "rw": readable if writable is None else writable,
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, system.config["LAAS_SECRET_KEY"], algorithm="HS256")


def new_unit():
    return str(uuid.uuid4())


def body(day="2024-10-15", amount="100.00", debit=CASH, credit=OTHER_REVENUE, kind="RV"):
    return {
        "type": kind,
        "date": day,
        "description": "รับเงินค่าธรรมเนียม",
        "lines": [
            {"account_code": debit, "debit": amount, "credit": "0.00"},
            {"account_code": credit, "debit": "0.00", "credit": amount, "memo": "ใบเสร็จ 001"},
        ],
    }


def post(system, unit, tok, voucher, key=None):
    headers = {"Idempotency-Key": key or uuid.uuid4().hex}
    return system.post(f"/api/v1/units/{unit}/vouchers", voucher, token=tok, headers=headers)


def test_posting_a_voucher_with_idempotency(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])

    first = post(system, unit, tok, body(amount="1250.5"), key="k-1")
    assert first.status_code == 201, first.text
    voucher = first.json()
    assert voucher["number"] == "RV-2568-000001"
    assert voucher["total"] == "1250.50" and voucher["fiscal_year"] == 2568
    assert voucher["lines"][1]["memo"] == "ใบเสร็จ 001"
    assert voucher["posted_by_name"] == "officer"

    again = post(system, unit, tok, body(amount="1250.50"), key="k-1")
    assert again.status_code == 200 and again.json() == voucher
    conflict = post(system, unit, tok, body(amount="1.00"), key="k-1")
    assert conflict.status_code == 409
    assert conflict.json()["error"]["code"] == "idempotency_conflict"

    no_key = system.post(f"/api/v1/units/{unit}/vouchers", body(), token=tok)
    assert no_key.status_code == 400
    assert no_key.json()["error"]["code"] == "idempotency_key_required"
    floaty = body()
    floaty["lines"][0]["debit"] = 100.0
    answer = post(system, unit, tok, floaty)
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "invalid_voucher"
    unbalanced = body()
    unbalanced["lines"][0]["debit"] = "100.01"
    answer = post(system, unit, tok, unbalanced)
    assert answer.status_code == 422
    assert answer.json()["error"]["code"] == "voucher_unbalanced"
    assert "เดบิต" in answer.json()["error"]["message"]
    answer = post(system, unit, tok, body(debit="9999999999"))
    assert answer.status_code == 422 and answer.json()["error"]["code"] == "unknown_account"

    got = system.get(f"/api/v1/units/{unit}/vouchers/{voucher['id']}", token=tok)
    assert got.status_code == 200 and got.json() == voucher
    listed = system.get(f"/api/v1/units/{unit}/vouchers?fiscal_year=2568&type=RV", token=tok)
    assert [v["number"] for v in listed.json()["vouchers"]] == ["RV-2568-000001"]
    missing = system.get(f"/api/v1/units/{unit}/vouchers/{uuid.uuid4()}", token=tok)
    assert missing.status_code == 404


def test_units_outside_the_callers_scope_are_refused(ledger_system):
    system, mine, theirs, readonly = ledger_system, new_unit(), new_unit(), new_unit()
    tok = token(system, [mine, readonly], writable=[mine])

    assert post(system, mine, tok, body()).status_code == 201
    answer = post(system, theirs, tok, body())
    assert answer.status_code == 403 and answer.json()["error"]["code"] == "forbidden"
    trial = system.get(f"/api/v1/units/{theirs}/trial-balance?fiscal_year=2568", token=tok)
    assert trial.status_code == 403
    assert system.get(f"/api/v1/units/{readonly}/vouchers", token=tok).status_code == 200
    assert post(system, readonly, tok, body()).status_code == 403
    close = system.post(
        f"/api/v1/units/{readonly}/periods/close", {"fiscal_year": 2568, "period": 1}, token=tok
    )
    assert close.status_code == 403
    assert system.get(f"/api/v1/units/{mine}/vouchers").status_code == 401
    import_chart = system.post("/api/v1/accounts/import", token=tok)
    assert import_chart.status_code == 403


def test_batch_posting_each_voucher_stands_alone(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    items = [{"idempotency_key": f"b-{i}", **body(amount=f"{i + 1}.00")} for i in range(5)]
    items[2]["lines"][0]["account_code"] = "1000000000"  # a heading account
    answer = system.post(f"/api/v1/units/{unit}/vouchers/batch", {"vouchers": items}, token=tok)
    assert answer.status_code == 200, answer.text
    results = answer.json()["results"]
    assert [r["status"] for r in results] == [201, 201, 422, 201, 201]
    assert [r["idempotency_key"] for r in results] == [f"b-{i}" for i in range(5)]
    assert results[2]["error"]["code"] == "account_not_postable"
    assert [r["voucher"]["number"] for r in results if r["status"] == 201] == [
        f"RV-2568-00000{i}" for i in range(1, 5)
    ]
    again = system.post(f"/api/v1/units/{unit}/vouchers/batch", {"vouchers": items}, token=tok)
    assert [r["status"] for r in again.json()["results"]] == [200, 200, 422, 200, 200]


def test_reversal_links_the_two_vouchers(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    original = post(system, unit, tok, body(kind="PV", debit=OTHER_PAYABLES, credit=BANK)).json()
    answer = system.post(f"/api/v1/units/{unit}/vouchers/{original['id']}/reverse", token=tok)
    assert answer.status_code == 201, answer.text
    reversal = answer.json()
    assert reversal["reverses_id"] == original["id"]
    assert reversal["lines"][0] == {
        "account_code": OTHER_PAYABLES,
        "debit": "0.00",
        "credit": "100.00",
        "memo": "",
    }
    linked = system.get(f"/api/v1/units/{unit}/vouchers/{original['id']}", token=tok).json()
    assert linked["reversed_by_id"] == reversal["id"]
    twice = system.post(f"/api/v1/units/{unit}/vouchers/{original['id']}/reverse", token=tok)
    assert twice.status_code == 409
    assert twice.json()["error"]["code"] == "voucher_already_reversed"


def test_closing_periods(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    close = f"/api/v1/units/{unit}/periods/close"
    out_of_order = system.post(close, {"fiscal_year": 2568, "period": 2}, token=tok)
    assert out_of_order.status_code == 409
    assert out_of_order.json()["error"]["code"] == "period_close_order"
    closed = system.post(close, {"fiscal_year": 2568, "period": 1}, token=tok)
    assert closed.status_code == 200 and closed.json()["status"] == "closed"

    refused = post(system, unit, tok, body(day="2024-10-20"))
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "period_closed"
    assert post(system, unit, tok, body(day="2024-11-20")).status_code == 201
    periods = system.get(f"/api/v1/units/{unit}/periods?fiscal_year=2568", token=tok).json()
    assert [p["status"] for p in periods["periods"][:2]] == ["closed", "open"]
    bad = system.post(close, {"fiscal_year": 2568, "period": 13}, token=tok)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_period"


def test_opening_balances_in_json_csv_and_xlsx(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    url = f"/api/v1/units/{unit}/opening-balances"

    bad_csv = "account_code,debit,credit\n9999999999,10.00,\n" + f"{CASH},1.234,\n"
    answer = system.request(
        "POST",
        url + "?fiscal_year=2568",
        token=tok,
        data=bad_csv.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert answer.status_code == 422, answer.text
    error = answer.json()["error"]
    assert error["code"] == "opening_balances_invalid"
    assert [p["row"] for p in error["details"]["problems"]] == [2, 3]

    lines = [
        {"account_code": CASH, "debit": "5000.00", "credit": "0"},
        {"account_code": ACCUMULATED_SURPLUS, "debit": "0", "credit": "5000.00"},
    ]
    answer = system.post(url, {"fiscal_year": 2568, "lines": lines}, token=tok)
    assert answer.status_code == 201, answer.text
    assert answer.json()["date"] == "2024-10-01" and answer.json()["type"] == "GJ"
    trial = system.get(f"/api/v1/units/{unit}/trial-balance?fiscal_year=2568", token=tok).json()
    assert trial["total_debit"] == trial["total_credit"] == "5000.00"
    exists = system.post(
        url,
        {
            "fiscal_year": 2568,
            "lines": [{**lines[0], "debit": "1.00"}, {**lines[1], "credit": "1.00"}],
        },
        token=tok,
    )
    assert exists.status_code == 409
    assert exists.json()["error"]["code"] == "opening_balances_exist"

    from openpyxl import Workbook

    book = Workbook()
    book.active.append(["account_code", "debit", "credit"])
    book.active.append([CASH, 700, None])
    book.active.append([ACCUMULATED_SURPLUS, None, 700])
    file = io.BytesIO()
    book.save(file)
    xlsx = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    answer = system.request(
        "POST",
        url,
        token=tok,
        files={"file": ("tb.xlsx", file.getvalue(), xlsx)},
        data={"fiscal_year": "2569"},
    )
    assert answer.status_code == 201, answer.text
    assert answer.json()["fiscal_year"] == 2569 and answer.json()["total"] == "700.00"
    odd = system.request(
        "POST", url, token=tok, data=b"x", headers={"Content-Type": "application/pdf"}
    )
    assert odd.status_code == 415


def test_reports_agree(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    post(system, unit, tok, body("2024-10-05", "1000.00", BANK, OTHER_REVENUE))
    post(system, unit, tok, body("2024-11-05", "250.00", CASH, BANK, kind="GJ"))

    october = system.get(
        f"/api/v1/units/{unit}/trial-balance?fiscal_year=2568&period=1", token=tok
    ).json()
    assert [(x["account_code"], x["debit"], x["credit"]) for x in october["lines"]] == [
        (BANK, "1000.00", "0.00"),
        (OTHER_REVENUE, "0.00", "1000.00"),
    ]
    year = system.get(f"/api/v1/units/{unit}/trial-balance?fiscal_year=2568", token=tok).json()
    assert year["total_debit"] == year["total_credit"] == "1000.00"
    book = system.get(f"/api/v1/units/{unit}/accounts/{BANK}/ledger?fiscal_year=2568", token=tok)
    assert book.status_code == 200
    assert [e["balance"] for e in book.json()["entries"]] == ["1000.00", "750.00"]
    bank_line = next(x for x in year["lines"] if x["account_code"] == BANK)
    assert book.json()["closing_balance"] == bank_line["debit"] == "750.00"
    chain = system.get(f"/api/v1/units/{unit}/chain", token=tok).json()
    assert chain["ok"] is True and chain["vouchers"] == 2
    bad = system.get(f"/api/v1/units/{unit}/trial-balance", token=tok)
    assert bad.status_code == 400


def test_chart_and_master_data(ledger_system):
    system, unit = ledger_system, new_unit()
    tok = token(system, [unit])
    accounts = system.get("/api/v1/accounts", token=tok)
    assert accounts.status_code == 200
    cash = next(a for a in accounts.json() if a["code"] == CASH)
    assert cash["name"] == "เงินสด" and cash["class"] == 1

    record = {
        "code": "KTB-1",
        "name": "เงินฝากกระแสรายวัน",
        "account_code": BANK,
        "details": {"bank_name": "กรุงไทย", "account_number": "123-4-56789-0"},
    }
    url = f"/api/v1/units/{unit}/master-data/bank_account"
    created = system.post(url, record, token=tok)
    assert created.status_code == 201, created.text
    assert system.post(url, record, token=tok).status_code == 409
    listed = system.get(url, token=tok).json()
    assert [r["code"] for r in listed["records"]] == ["KTB-1"]
    unknown = system.get(f"/api/v1/units/{unit}/master-data/spaceships", token=tok)
    assert unknown.status_code == 404

    admin = token(system, "*")
    starter = "code,name,class,normal_balance,postable,parent_code,source\n"
    starter += "4313010197,รายได้อื่นทดสอบ,4,credit,yes,4000000000,e2e\n"
    imported = system.request(
        "POST",
        "/api/v1/accounts/import",
        token=admin,
        data=starter.encode(),
        headers={"Content-Type": "text/csv"},
    )
    assert imported.status_code == 200, imported.text
    assert imported.json()["added"] == 1
