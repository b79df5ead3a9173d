"""Administration through the gateway: the unit tree (add, dissolve, merge), users and
groups, access review, and who may administer which unit."""

import jwt
import pytest
from test_identity_support import (
    FAST_HASHING,
    MALEE,
    SOMCHAI,
    SOMSRI,
    WILAIWAN,
    activate,
    add_unit,
    add_user,
    admin_token,
    error_of,
    ok,
    sign_in,
    unit_tree,
)

from laas_kernel.errors import DomainError
from laas_kernel.standalone import rpc_cluster


def test_a_head_of_finance_administers_the_lao_and_its_units_and_nothing_else(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    ours = unit_tree(system, admin)
    theirs = add_unit(system, admin, "lao", ours["province"]["id"])
    head = add_user(system, admin, ours["lao"]["id"], ["head_of_finance"], citizen_id=SOMCHAI)
    stranger = add_user(system, admin, theirs["id"], ["finance_officer"], citizen_id=MALEE)
    token = activate(system, head["username"], SOMCHAI + "Laas#", "head.fin@example.com")[
        "access_token"
    ]

    officer = add_user(system, token, ours["lao"]["id"], ["finance_officer"], citizen_id=WILAIWAN)
    assert officer["initial_password"] == WILAIWAN + "Laas#"
    school_user = add_user(system, token, ours["school"]["id"], ["finance_officer"])
    assert school_user["status"] == "pending_activation" and school_user["initial_password"]

    # Another LAO's administration is refused, whatever the action.
    body = {"username": "intruder1", "unit_id": theirs["id"], "groups": []}
    error_of(system.post("/api/v1/admin/users", body, token=token), 403, "forbidden")
    error_of(
        system.get(f"/api/v1/admin/access-review?unit_id={theirs['id']}", token=token),
        403,
        "forbidden",
    )
    error_of(system.delete(f"/api/v1/admin/users/{stranger['id']}", token=token), 403, "forbidden")
    error_of(
        system.put(f"/api/v1/admin/users/{stranger['id']}/groups", {"groups": []}, token=token),
        403,
        "forbidden",
    )
    error_of(system.get(f"/api/v1/admin/units/{theirs['id']}", token=token), 403, "forbidden")
    # Nor may a head of finance hand out the Department's groups or add units.
    error_of(
        system.put(
            f"/api/v1/admin/users/{officer['id']}/groups",
            {"groups": ["department_admin"]},
            token=token,
        ),
        403,
        "forbidden",
    )
    error_of(
        system.post(
            "/api/v1/admin/units",
            {
                "code": "X-1",
                "name": "x",
                "kind": "subordinate_unit",
                "parent_id": ours["lao"]["id"],
            },
            token=token,
        ),
        403,
        "forbidden",
    )

    review = ok(system.get("/api/v1/admin/access-review", token=token))
    listed = {u["username"]: u for u in review["users"]}
    assert set(listed) == {head["username"], officer["username"], school_user["username"]}
    assert listed[head["username"]]["last_sign_in_at"] is not None
    assert listed[officer["username"]]["last_sign_in_at"] is None
    assert listed[officer["username"]]["citizen_id"].endswith("xx-0")  # masked
    only_school = ok(
        system.get(f"/api/v1/admin/access-review?unit_id={ours['school']['id']}", token=token)
    )
    assert [u["username"] for u in only_school["users"]] == [school_user["username"]]

    changed = ok(
        system.put(
            f"/api/v1/admin/users/{school_user['id']}/groups",
            {"groups": ["head_of_finance", "finance_officer"]},
            token=token,
        )
    )
    assert changed["groups"] == ["finance_officer", "head_of_finance"]
    error_of(
        system.put(
            f"/api/v1/admin/users/{school_user['id']}/groups", {"groups": ["boss"]}, token=token
        ),
        422,
        "invalid_group",
    )
    assert ok(system.delete(f"/api/v1/admin/users/{officer['id']}", token=token))["status"] == (
        "revoked"
    )
    error_of(
        system.delete(f"/api/v1/admin/users/{head['id']}", token=token), 409, "cannot_revoke_self"
    )

    # Others (a finance officer) administer nothing.
    error_of(
        system.get("/api/v1/admin/access-review", token=_officer_token(system, admin)),
        403,
        "forbidden",
    )


def _officer_token(system, admin) -> str:
    me = ok(system.get("/api/v1/me", token=admin))
    user = add_user(
        system, admin, me["unit"]["id"], ["finance_officer"], initial_password="Fin#2568ab"
    )
    return sign_in(system, user["username"], "Fin#2568ab")["access_token"]


def test_province_office_reads_its_province_only(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    ours = unit_tree(system, admin)
    elsewhere = unit_tree(system, admin)
    officer = add_user(
        system, admin, ours["province"]["id"], ["province_officer"], initial_password="Prov#2568x"
    )
    done = activate(system, officer["username"], "Prov#2568x", "prov@example.com", SOMSRI)
    claims = jwt.decode(done["access_token"], options={"verify_signature": False})
    assert set(claims["rr"]) == {ours["province"]["id"], ours["lao"]["id"], ours["school"]["id"]}
    assert claims["rw"] == []  # read-only
    assert elsewhere["lao"]["id"] not in claims["rr"]
    ok(system.get(f"/api/v1/admin/units/{ours['lao']['id']}", token=done["access_token"]))
    error_of(
        system.get("/api/v1/admin/access-review", token=done["access_token"]), 403, "forbidden"
    )


def test_a_province_too_large_to_list_in_a_token_reads_its_units_through_the_session(
    system_factory,
):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    ours = unit_tree(system, admin)
    elsewhere = unit_tree(system, admin)
    laos = [add_unit(system, admin, "lao", ours["province"]["id"]) for _ in range(60)]
    officer = add_user(
        system, admin, ours["province"]["id"], ["province_officer"], initial_password="Prov#2568x"
    )
    done = activate(system, officer["username"], "Prov#2568x", "big@example.com", SOMSRI)
    token = done["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    assert (claims["rr"], claims["rw"]) == ("session", "session")  # 63 units would not fit

    # The gateway asks identity for the session's units: all 63 readable, none writable.
    for unit in (laos[-1], ours["school"]):
        ok(system.get(f"/api/v1/units/{unit['id']}/trial-balance?fiscal_year=2568", token=token))
    error_of(
        system.get(
            f"/api/v1/units/{elsewhere['lao']['id']}/trial-balance?fiscal_year=2568", token=token
        ),
        403,
        "forbidden",
    )
    voucher = {
        "type": "GJ",
        "date": "2024-10-15",
        "description": "ไม่ควรบันทึกได้",
        "lines": [
            {"account_code": "1101010101", "debit": "1.00", "credit": "0"},
            {"account_code": "4313010199", "debit": "0", "credit": "1.00"},
        ],
    }
    error_of(
        system.post(
            f"/api/v1/units/{laos[0]['id']}/vouchers",
            voucher,
            token=token,
            headers={"Idempotency-Key": "k1"},
        ),
        403,
        "forbidden",
    )

    # Signed out: the session names no units any more, to any gateway that asks.
    ok(system.post("/api/v1/auth/logout", {"refresh_token": done["refresh_token"]}, token=token))
    with rpc_cluster(system.config["AMQP_URI"], timeout=10) as cluster:
        with pytest.raises(DomainError) as ended:
            cluster.identity.session_reach(claims["sid"])
    assert ended.value.code == "user_revoked"


def test_units_are_added_dissolved_and_merged_by_the_department(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    lao_id = units["lao"]["id"]
    assert units["school"]["subtype"] == "school"
    assert units["lao"]["province_id"] == units["province"]["province_id"]
    pawnshop = add_unit(system, admin, "subordinate_unit", lao_id, subtype="pawnshop")
    market = add_unit(system, admin, "subordinate_unit", lao_id, subtype="market")

    lao = ok(system.get(f"/api/v1/admin/units/{lao_id}", token=admin))
    assert {c["id"] for c in lao["children"]} == {
        units["school"]["id"],
        pawnshop["id"],
        market["id"],
    }

    merged = ok(
        system.post(
            f"/api/v1/admin/units/{market['id']}/merge",
            {"successor_id": pawnshop["id"]},
            token=admin,
        )
    )
    assert (merged["status"], merged["successor_id"]) == ("merged", pawnshop["id"])
    dissolved = ok(system.post(f"/api/v1/admin/units/{pawnshop['id']}/dissolve", token=admin))
    assert dissolved["status"] == "dissolved"
    error_of(
        system.post(f"/api/v1/admin/units/{pawnshop['id']}/dissolve", token=admin),
        409,
        "unit_not_active",
    )
    error_of(
        system.post(
            "/api/v1/admin/users", {"username": "late1", "unit_id": pawnshop["id"]}, token=admin
        ),
        409,
        "unit_not_active",
    )
    # The closed unit stays readable.
    assert ok(system.get(f"/api/v1/admin/units/{market['id']}", token=admin))["status"] == "merged"

    def unit(**body):
        return system.post("/api/v1/admin/units", body, token=admin)

    error_of(
        unit(code="S-9", name="x", kind="subordinate_unit", parent_id=units["province"]["id"]),
        422,
        "invalid_unit_parent",
    )
    error_of(unit(code="S-9", name="x", kind="ministry"), 422, "unknown_unit_kind")
    error_of(
        unit(code=units["lao"]["code"], name="x", kind="lao", parent_id=units["province"]["id"]),
        409,
        "unit_code_taken",
    )
    error_of(
        unit(code="S-9", name="x", kind="lao", parent_id="no-such-unit"), 422, "invalid_unit_parent"
    )
    error_of(unit(name="x", kind="lao"), 400, "invalid_input")
    error_of(system.get("/api/v1/admin/units/no-such-unit", token=admin), 404, "unit_not_found")
    error_of(system.get("/api/v1/admin/users/no-such-user", token=admin), 404, "user_not_found")
    error_of(
        system.post(
            f"/api/v1/admin/units/{units['school']['id']}/merge",
            {"successor_id": units["school"]["id"]},
            token=admin,
        ),
        400,
        "invalid_input",
    )
    error_of(
        system.post(
            "/api/v1/admin/users", {"username": "lao_no_id", "unit_id": lao_id}, token=admin
        ),
        422,
        "citizen_id_required",
    )
    taken = add_user(system, admin, lao_id, citizen_id=SOMCHAI)
    error_of(
        system.post(
            "/api/v1/admin/users",
            {"username": taken["username"].upper(), "unit_id": lao_id, "citizen_id": SOMCHAI},
            token=admin,
        ),
        409,
        "username_taken",
    )
