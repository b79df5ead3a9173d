"""The identity service through RabbitMQ (nameko RPC), its database and its events."""

import time

import pytest
from sqlalchemy.exc import DBAPIError

from laas_kernel.errors import DomainError

SOMCHAI = "1101700203450"
ADMIN = ("admin", "Admin#2568")


def actor_of(answer) -> dict:
    import jwt

    claims = jwt.decode(answer["access_token"], options={"verify_signature": False})
    return {"user_id": claims["sub"], "session_id": claims["sid"]}


def refused(call, *args, **kwargs) -> DomainError:
    with pytest.raises(DomainError) as caught:
        call(*args, **kwargs)
    return caught.value


@pytest.fixture
def tree(identity):
    admin = actor_of(identity.rpc.login(*ADMIN))
    province = identity.rpc.create_unit(
        admin, {"code": "P50", "name": "สถจ.เชียงใหม่", "kind": "province_office"}
    )
    lao = identity.rpc.create_unit(
        admin, {"code": "L1", "name": "ทต.ตัวอย่าง", "kind": "lao", "parent_id": province["id"]}
    )
    return {"admin": admin, "province": province, "lao": lao}


def test_the_department_and_its_administrator_are_created_once(identity, run_services):
    from identity.service import IdentityService

    answer = identity.rpc.login(*ADMIN, client_address="10.0.0.1")
    assert answer["status"] == "authenticated"
    assert answer["user"]["unit"]["kind"] == "department"
    assert answer["user"]["groups"] == ["department_admin"]
    # A second instance on the same database (another password configured) adds nothing.
    run_services(IdentityService, **{**identity.config, "LAAS_ADMIN_PASSWORD": "Other#2568"})
    assert identity.sql("SELECT count(*) FROM users")[0][0] == 1
    assert identity.sql("SELECT count(*) FROM units WHERE kind = 'department'")[0][0] == 1
    events = identity.sql("SELECT payload FROM outbox WHERE event_type = 'unit_created'")
    assert len(events) == 1 and events[0][0]["unit"]["kind"] == "department"
    assert identity.rpc.login(*ADMIN)["status"] == "authenticated"


def test_audit_log_is_append_only_and_masks_ids_and_emails(identity, tree):
    user = identity.rpc.create_user(
        tree["admin"], {"username": "somchai", "unit_id": tree["lao"]["id"], "citizen_id": SOMCHAI}
    )
    started = identity.rpc.login("somchai", SOMCHAI + "Laas#", client_address="203.0.113.9")
    identity.rpc.activation_email(started["activation_token"], "somchai.j@example.com")
    rows = identity.sql("SELECT event, client_address, details::text FROM audit_log ORDER BY id")
    events = [row[0] for row in rows]
    assert {"user_created", "sign_in_ok", "thaid_checked", "otp_sent"} <= set(events)
    everything = " ".join(row[2] for row in rows)
    assert SOMCHAI not in everything and "somchai.j@example.com" not in everything
    assert "1-1017-xxxxx-xx-0" in everything and "xxxi.j@example.com" in everything
    assert ("sign_in_ok", "203.0.113.9") in [(r[0], r[1]) for r in rows]
    for statement in ("UPDATE audit_log SET event = 'x'", "DELETE FROM audit_log"):
        with pytest.raises(DBAPIError, match="append-only"):
            identity.sql(statement)
    assert user["status"] == "pending_activation"


def test_otp_is_stored_hashed_and_travels_sealed(identity, tree):
    identity.rpc.create_user(
        tree["admin"], {"username": "somchai", "unit_id": tree["lao"]["id"], "citizen_id": SOMCHAI}
    )
    token = identity.rpc.login("somchai", SOMCHAI + "Laas#")["activation_token"]
    sent = identity.rpc.activation_email(token, "somchai@example.com")
    code, ref = identity.last_otp("somchai@example.com")
    assert ref == sent["otp_ref"] and len(code) == 6 and code.isdigit()
    stored = identity.sql("SELECT otp::text FROM activations")[0][0]
    outbox = identity.sql("SELECT payload::text FROM outbox")
    assert code not in stored and f'"{code}"' not in " ".join(r[0] for r in outbox)
    assert identity.rpc.activation_verify_otp(token, code) == {"next_step": "password"}


def test_a_new_login_ends_the_earlier_activation(identity, tree):
    identity.rpc.create_user(
        tree["admin"], {"username": "somchai", "unit_id": tree["lao"]["id"], "citizen_id": SOMCHAI}
    )
    first = identity.rpc.login("somchai", SOMCHAI + "Laas#")["activation_token"]
    second = identity.rpc.login("somchai", SOMCHAI + "Laas#")["activation_token"]
    assert refused(identity.rpc.activation_email, first, "a@example.com").code == (
        "activation_expired"
    )
    assert identity.rpc.activation_email(second, "a@example.com")["next_step"] == "otp"
    assert refused(identity.rpc.activation_email, "made-up", "a@example.com").code == (
        "activation_expired"
    )


def test_lockout_releases_itself_when_its_time_has_passed(start_identity):
    identity = start_identity(LOCKOUT_MAX_FAILURES=2)
    for code in ("invalid_credentials", "account_locked", "account_locked"):
        assert refused(identity.rpc.login, "admin", "Wrong#2568").code == code
    assert refused(identity.rpc.login, *ADMIN).code == "account_locked"
    identity.sql("UPDATE users SET locked_until = now() - interval '1 second'")
    assert identity.rpc.login(*ADMIN)["status"] == "authenticated"
    assert identity.sql("SELECT failed_logins, locked_until FROM users")[0] == (0, None)


def test_throttling_counts_per_username_and_per_address(start_identity):
    identity = start_identity(THROTTLE_USER_MAX=3, THROTTLE_ADDRESS_MAX=100)
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.3"):
        refused(identity.rpc.login, "nobody", "x", client_address=address)
    error = refused(identity.rpc.login, "NoBody ", "x", client_address="10.0.0.4")
    assert error.code == "too_many_attempts" and error.details["retry_after"] > 0
    assert refused(identity.rpc.login, "other", "x", client_address="10.0.0.4").code == (
        "invalid_credentials"
    )


def test_idle_throttle_rows_are_pruned_and_counting_goes_on(start_identity):
    identity = start_identity(THROTTLE_PRUNE_SECONDS=0.2, THROTTLE_USER_MAX=2)
    identity.sql(
        "INSERT INTO sign_in_throttle (key, attempts) VALUES"
        " ('user:sprayed', ARRAY[now() - interval '2 hours']), ('addr:10.9.9.9', '{}')"
    )
    refused(identity.rpc.login, "nobody", "x", client_address="10.0.0.1")
    deadline = time.monotonic() + 10
    while identity.sql("SELECT count(*) FROM sign_in_throttle")[0][0] > 2:
        assert time.monotonic() < deadline, "idle rows were not pruned"
        time.sleep(0.1)
    keys = {row[0] for row in identity.sql("SELECT key FROM sign_in_throttle")}
    assert keys == {"user:nobody", "addr:10.0.0.1"}  # recent attempts are kept
    refused(identity.rpc.login, "nobody", "x", client_address="10.0.0.1")
    assert refused(identity.rpc.login, "nobody", "x").code == "too_many_attempts"


def test_revoking_ends_sessions_and_tells_every_gateway(identity, tree):
    user = identity.rpc.create_user(
        tree["admin"],
        {
            "username": "head",
            "unit_id": tree["province"]["id"],
            "groups": ["province_officer"],
            "initial_password": "Head#2568x",
        },
    )
    assert user["status"] == "pending_activation"
    admin_session = tree["admin"]["session_id"]
    other = identity.rpc.login(*ADMIN)
    answer = identity.rpc.logout(session_id=actor_of(other)["session_id"])
    assert answer["revoked_sessions"] == [actor_of(other)["session_id"]]
    events = identity.sql("SELECT payload FROM outbox WHERE event_type = 'sessions_revoked'")
    assert events[-1][0]["session_ids"] == answer["revoked_sessions"]
    assert identity.rpc.recently_revoked_sessions() == answer["revoked_sessions"]
    assert refused(identity.rpc.me, actor_of(other)).code == "user_revoked"
    assert identity.rpc.me(tree["admin"])["id"] == tree["admin"]["user_id"]
    assert admin_session not in identity.rpc.recently_revoked_sessions()


def test_unit_changes_are_published(identity, tree):
    admin = tree["admin"]
    school = identity.rpc.create_unit(
        admin,
        {
            "code": "S1",
            "name": "โรงเรียน",
            "kind": "subordinate_unit",
            "parent_id": tree["lao"]["id"],
            "subtype": "school",
        },
    )
    identity.rpc.dissolve_unit(admin, school["id"])
    events = [
        row[0]
        for row in identity.sql(
            "SELECT payload FROM outbox"
            " WHERE event_type IN ('unit_created', 'unit_changed') ORDER BY id"
        )
    ]
    assert [e["unit"]["code"] for e in events] == ["DLA", "P50", "L1", "S1", "S1"]
    assert events[-1]["change"] == "dissolved" and events[-1]["unit"]["status"] == "dissolved"
    assert events[3]["unit"]["province_id"] == "P50"
