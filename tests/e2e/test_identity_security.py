"""Brute force of OTPs and passwords, throttling, sessions (refresh, logout) and revocation
that reaches every gateway instance at once, through the gateway."""

import time

import jwt
import requests
from test_identity_support import (
    FAST_HASHING,
    NEW_PASSWORD,
    SOMCHAI,
    activate,
    add_user,
    admin_token,
    error_of,
    ok,
    otp_mail,
    sign_in,
    unit_tree,
)


def test_five_wrong_otps_end_the_code(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    lao = unit_tree(system, admin)["lao"]
    user = add_user(system, admin, lao["id"], citizen_id=SOMCHAI)
    token = sign_in(system, user["username"], SOMCHAI + "Laas#")["activation_token"]
    email = "brute.otp@example.com"
    ok(system.post("/api/v1/auth/activation/email", {"activation_token": token, "email": email}))
    code, _ = otp_mail(system, email)
    wrong = "000000" if code != "000000" else "111111"

    def verify(value):
        return system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": value})

    for left in (4, 3, 2, 1):
        assert error_of(verify(wrong), 422, "otp_invalid")["details"]["attempts_left"] == left
    error_of(verify(wrong), 429, "otp_attempts_exceeded")
    error_of(verify(code), 429, "otp_attempts_exceeded")  # even the right code: it is spent


def test_wrong_passwords_lock_the_account_and_throttling_per_address(system_factory):
    system = system_factory(THROTTLE_ADDRESS_MAX=8, **FAST_HASHING)
    admin = admin_token(system)
    department_user = add_user(
        system,
        admin,
        ok(system.get("/api/v1/me", token=admin))["unit"]["id"],
        initial_password="Dept#2568x",
    )
    assert department_user["status"] == "active"  # the Department's users need no activation
    name = department_user["username"]

    def attempt(password, address="10.1.1.1"):
        return system.post(
            "/api/v1/auth/login",
            {"username": name, "password": password},
            headers={"X-Forwarded-For": f"{address}, 10.0.0.2"},
        )

    for _ in range(4):
        error_of(attempt("Wrong#2568"), 401, "invalid_credentials")
    locked = error_of(attempt("Wrong#2568"), 423, "account_locked")
    assert "15 นาที" in locked["message"]
    assert locked["details"]["seconds_left"] > 0
    error_of(attempt("Dept#2568x"), 423, "account_locked")  # the right one too, while locked

    # 6 attempts so far from 10.1.1.1; the 9th in the window is refused, others still pass.
    for _ in range(2):
        error_of(attempt("Dept#2568x"), 423, "account_locked")
    error_of(attempt("Dept#2568x"), 429, "too_many_attempts")
    error_of(attempt("x", address="10.9.9.9"), 423, "account_locked")


def test_refresh_rotates_and_logout_ends_the_session(system_factory):
    system = system_factory(**FAST_HASHING)
    first = sign_in(system, "admin", "Admin#2568")
    refreshed = ok(system.post("/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]}))
    assert refreshed["refresh_token"] != first["refresh_token"]
    ok(system.get("/api/v1/me", token=refreshed["access_token"]))
    # The rotated-away token was copied by someone: it fails and ends that session.
    error_of(
        system.post("/api/v1/auth/refresh", {"refresh_token": first["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    error_of(
        system.post("/api/v1/auth/refresh", {"refresh_token": refreshed["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )

    second = sign_in(system, "admin", "Admin#2568")
    assert ok(
        system.post(
            "/api/v1/auth/logout",
            {"refresh_token": second["refresh_token"]},
            token=second["access_token"],
        )
    ) == {"status": "signed_out"}
    error_of(system.get("/api/v1/me", token=second["access_token"]), 401, "user_revoked")
    error_of(
        system.post("/api/v1/auth/refresh", {"refresh_token": second["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )
    error_of(system.get("/api/v1/me"), 401, "unauthenticated")
    bad_json = system.request(
        "POST",
        "/api/v1/auth/login",
        data=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    error_of(bad_json, 400, "invalid_json")
    error_of(system.post("/api/v1/auth/login", {"username": 5}), 400, "invalid_input")
    error_of(system.get("/api/v1/me", token="not-a-token"), 401, "unauthenticated")


def _gateway(run_services, config):
    from gateway.service import GatewayService
    from testing.system import gateway_port

    runner = run_services(GatewayService, **config)
    return f"http://127.0.0.1:{gateway_port(runner)}"


def _me(base_url, token):
    return requests.get(
        f"{base_url}/api/v1/me", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )


def test_a_revoked_users_token_is_refused_at_once_on_every_gateway(system_factory, run_services):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    lao = unit_tree(system, admin)["lao"]
    user = add_user(system, admin, lao["id"], ["head_of_finance"], citizen_id=SOMCHAI)
    done = activate(system, user["username"], SOMCHAI + "Laas#", "revoked.soon@example.com")
    token = done["access_token"]
    other_gateway = _gateway(run_services, system.config)
    assert _me(other_gateway, token).status_code == 200

    revoked = ok(system.delete(f"/api/v1/admin/users/{user['id']}", token=admin))
    assert revoked == {"id": user["id"], "status": "revoked"}
    # The gateway that revoked refuses at once; another instance as soon as the
    # broadcast arrives (a few milliseconds).
    error_of(system.get("/api/v1/me", token=token), 401, "user_revoked")
    deadline = time.monotonic() + 2
    while _me(other_gateway, token).status_code == 200 and time.monotonic() < deadline:
        time.sleep(0.02)
    assert _me(other_gateway, token).json()["error"]["code"] == "user_revoked"
    # A gateway started after the revocation learns it from identity.
    late_gateway = _gateway(run_services, system.config)
    assert _me(late_gateway, token).json()["error"]["code"] == "user_revoked"
    # And the revoked user cannot sign in or refresh.
    error_of(
        system.post("/api/v1/auth/login", {"username": user["username"], "password": NEW_PASSWORD}),
        401,
        "invalid_credentials",
    )
    error_of(
        system.post("/api/v1/auth/refresh", {"refresh_token": done["refresh_token"]}),
        401,
        "invalid_refresh_token",
    )


def test_access_token_carries_the_claims_other_services_rely_on(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["lao"]["id"], ["head_of_finance"], citizen_id=SOMCHAI)
    done = activate(system, user["username"], SOMCHAI + "Laas#", "claims@example.com")
    claims = jwt.decode(done["access_token"], system.config["LAAS_SECRET_KEY"], ["HS256"])
    assert claims["typ"] == "access" and claims["exp"] - claims["iat"] == 15 * 60
    assert (claims["sub"], claims["usr"], claims["unit"]) == (
        user["id"],
        user["username"],
        units["lao"]["id"],
    )
    assert claims["grp"] == ["head_of_finance"]
    assert sorted(claims["rr"]) == sorted([units["lao"]["id"], units["school"]["id"]])
    assert sorted(claims["rw"]) == sorted(claims["rr"])
    admin_claims = jwt.decode(admin, system.config["LAAS_SECRET_KEY"], ["HS256"])
    assert (admin_claims["rr"], admin_claims["rw"]) == ("*", "*")
