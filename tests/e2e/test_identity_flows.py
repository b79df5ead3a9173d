"""The login manual's flows end to end through the gateway, the OTP read from the real
e-mail (seed 000_0d29d732f9689ccf, parts 1–4)."""

import time

from test_identity_support import (
    FAST_HASHING,
    INVALID_EMAIL,
    MALEE,
    NEW_PASSWORD,
    NOT_IN_THAID,
    OTP_EXPIRED,
    PRASERT,
    SOMCHAI,
    SOMSRI,
    THAID_NOT_REGISTERED,
    activate,
    add_user,
    admin_token,
    error_of,
    ok,
    otp_mail,
    sign_in,
    unit_tree,
)


def test_lao_user_with_id_on_file_activates_and_then_signs_in(system_factory):
    """Part 2: old username, ID + Laas#, ThaiD checked at login, e-mail, OTP, password."""
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["lao"]["id"], ["head_of_finance"], citizen_id=SOMCHAI)
    assert user["status"] == "pending_activation"
    assert user["initial_password"] == SOMCHAI + "Laas#"

    answer = sign_in(system, user["username"], SOMCHAI + "Laas#")
    assert answer["status"] == "activation_required"
    assert answer["next_step"] == "email"
    assert answer["identity"] == {"citizen_id": SOMCHAI, "first_name": "สมชาย", "last_name": "ใจดี"}
    token = answer["activation_token"]

    sent = ok(
        system.post(
            "/api/v1/auth/activation/email",
            {"activation_token": token, "email": "somchai.example@gmail.com"},
        )
    )
    assert sent["masked_email"] == "xxxple@gmail.com"
    assert (sent["expires_in"], sent["resend_after"], sent["next_step"]) == (300, 60, "otp")
    assert len(sent["otp_ref"]) == 6
    code, ref = otp_mail(system, "somchai.example@gmail.com")
    assert ref == sent["otp_ref"]
    assert code not in str(sent)  # never returned by the API

    step = ok(system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": code}))
    assert step == {"next_step": "password"}
    done = ok(
        system.post(
            "/api/v1/auth/activation/password",
            {"activation_token": token, "new_password": NEW_PASSWORD},
        )
    )
    assert done["status"] == "authenticated" and done["next_step"] == "done"
    assert done["access_token"] and done["refresh_token"]

    me = ok(system.get("/api/v1/me", token=done["access_token"]))
    assert me["username"] == user["username"]
    assert (me["first_name"], me["last_name"]) == ("สมชาย", "ใจดี")
    assert me["unit"] == {**me["unit"], "id": units["lao"]["id"], "kind": "lao"}
    assert me["groups"] == ["head_of_finance"]
    assert "users.admin" in me["permissions"]

    again = sign_in(system, user["username"], NEW_PASSWORD)
    assert again["status"] == "authenticated"
    assert again["user"]["id"] == me["id"]
    # The first password only ever started the activation.
    error_of(
        system.post(
            "/api/v1/auth/login", {"username": user["username"], "password": SOMCHAI + "Laas#"}
        ),
        401,
        "invalid_credentials",
    )


def test_province_office_types_the_id_with_every_refusal_on_the_way(system_factory):
    """Part 1: the citizen ID is typed; wrong IDs, an unregistered ID, a bad e-mail, weak
    passwords and the first password again are refused with their messages."""
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(
        system, admin, units["province"]["id"], ["province_officer"], initial_password="Prov#2568x"
    )
    assert "initial_password" not in user
    answer = sign_in(system, user["username"], "Prov#2568x")
    assert (answer["status"], answer["next_step"]) == ("activation_required", "citizen_id")
    assert "identity" not in answer
    token = answer["activation_token"]

    def citizen(value):
        return system.post(
            "/api/v1/auth/activation/citizen-id", {"activation_token": token, "citizen_id": value}
        )

    for wrong in ("123156789", "1101700203451", "abcdefghijklm"):
        error_of(citizen(wrong), 422, "invalid_citizen_id")
    refused = error_of(citizen(NOT_IN_THAID), 403, "thaid_not_registered")
    assert refused["message"] == THAID_NOT_REGISTERED
    # Skipping ahead is refused: the e-mail comes after ThaiD.
    error_of(
        system.post(
            "/api/v1/auth/activation/email", {"activation_token": token, "email": "a@b.co"}
        ),
        409,
        "activation_step_invalid",
    )
    found = ok(citizen("3-1001-00123-45-1"))
    assert found == {
        "identity": {"citizen_id": SOMSRI, "first_name": "สมศรี", "last_name": "มีทรัพย์"},
        "next_step": "email",
    }
    error_of(citizen(SOMSRI), 409, "activation_step_invalid")  # not twice

    bad_email = error_of(
        system.post(
            "/api/v1/auth/activation/email", {"activation_token": token, "email": "somsri@@x"}
        ),
        422,
        "invalid_email",
    )
    assert bad_email["message"] == INVALID_EMAIL
    email = "somsri.province@example.go.th"
    ok(system.post("/api/v1/auth/activation/email", {"activation_token": token, "email": email}))
    code, _ = otp_mail(system, email)
    ok(system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": code}))
    error_of(
        system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": code}),
        409,
        "activation_step_invalid",
    )

    def password(value):
        return system.post(
            "/api/v1/auth/activation/password", {"activation_token": token, "new_password": value}
        )

    weak = error_of(password("abc"), 422, "password_policy")
    assert weak["details"]["violations"] == ["min_length", "uppercase", "digit", "special"]
    assert error_of(password("abcdefgh1A"), 422, "password_policy")["details"]["violations"] == [
        "special"
    ]
    error_of(password("Prov#2568x"), 422, "password_unchanged")
    done = ok(password(NEW_PASSWORD))
    assert done["next_step"] == "done"
    error_of(password("Other#2568"), 409, "activation_step_invalid")  # no replay
    me = ok(system.get("/api/v1/me", token=done["access_token"]))
    assert (me["first_name"], me["unit"]["kind"]) == ("สมศรี", "province_office")


def test_subordinate_unit_after_the_cutover_types_the_id(system_factory):
    """Part 4: after 18 Feb 2568 a subordinate unit's user proves identity with ThaiD."""
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["school"]["id"], ["head_of_finance"])
    done = activate(
        system, user["username"], user["initial_password"], "school.fin@example.com", PRASERT
    )
    assert done["next_step"] == "done"
    me = ok(system.get("/api/v1/me", token=done["access_token"]))
    assert (me["first_name"], me["unit"]["kind"]) == ("ประเสริฐ", "subordinate_unit")
    assert sign_in(system, user["username"], NEW_PASSWORD)["status"] == "authenticated"


def test_subordinate_unit_before_the_cutover_fills_in_the_profile(system_factory):
    """Part 3: before the cut-over no ThaiD; after the password, the profile."""
    system = system_factory(ACTIVATION_POLICY_DATE="2024-10-15", **FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["school"]["id"], ["finance_officer"])
    answer = sign_in(system, user["username"], user["initial_password"])
    assert (answer["next_step"], answer.get("identity")) == ("email", None)
    done = activate(system, user["username"], user["initial_password"], "kru.ch@example.com")
    assert done["next_step"] == "profile"
    profile = {
        "citizen_id": MALEE,
        "title": "นางสาว",
        "first_name": "มาลี",
        "last_name": "รักษ์ถิ่น",
        "position": "เจ้าพนักงานการเงินและบัญชี",
        "phone": "0812345678",
    }
    error_of(
        system.put(
            "/api/v1/me/profile",
            {**profile, "citizen_id": "1509900123454"},
            token=done["access_token"],
        ),
        422,
        "invalid_citizen_id",
    )
    saved = ok(system.put("/api/v1/me/profile", profile, token=done["access_token"]))
    assert (saved["position"], saved["profile_required"]) == ("เจ้าพนักงานการเงินและบัญชี", False)
    again = sign_in(system, user["username"], NEW_PASSWORD)
    assert again["status"] == "authenticated" and "next_step" not in again
    assert again["user"]["first_name"] == "มาลี"


def test_lao_user_not_registered_with_thaid_cannot_go_on(system_factory):
    system = system_factory(**FAST_HASHING)
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["lao"]["id"], citizen_id=NOT_IN_THAID)
    refused = error_of(
        system.post(
            "/api/v1/auth/login",
            {"username": user["username"], "password": NOT_IN_THAID + "Laas#"},
        ),
        403,
        "thaid_not_registered",
    )
    assert refused["message"] == THAID_NOT_REGISTERED


def test_otp_expiry_resend_and_activation_expiry_with_short_settings(system_factory):
    system = system_factory(
        OTP_TTL_SECONDS=2, OTP_RESEND_AFTER_SECONDS=1, ACTIVATION_TTL_SECONDS=8, **FAST_HASHING
    )
    admin = admin_token(system)
    units = unit_tree(system, admin)
    user = add_user(system, admin, units["lao"]["id"], citizen_id=SOMCHAI)
    started = time.monotonic()
    token = sign_in(system, user["username"], SOMCHAI + "Laas#")["activation_token"]
    email = "short.ttl@example.com"
    first = ok(
        system.post("/api/v1/auth/activation/email", {"activation_token": token, "email": email})
    )
    assert (first["expires_in"], first["resend_after"]) == (2, 1)
    old_code, _ = otp_mail(system, email)

    def resend():
        return system.post("/api/v1/auth/activation/otp/resend", {"activation_token": token})

    def verify(code):
        return system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": code})

    error_of(resend(), 429, "otp_resend_too_soon")
    time.sleep(1.1)
    second = ok(resend())
    assert second["otp_ref"] != first["otp_ref"]
    new_code, ref = otp_mail(system, email, count=2)
    assert ref == second["otp_ref"]
    if old_code != new_code:
        error_of(verify(old_code), 422, "otp_invalid")  # the resend ended the old code
    time.sleep(2.1)
    expired = error_of(verify(new_code), 410, "otp_expired")
    assert expired["message"] == OTP_EXPIRED
    third = ok(resend())
    code, _ = otp_mail(system, email, count=3)
    assert ok(verify(code)) == {"next_step": "password"}
    assert third["next_step"] == "otp"
    time.sleep(max(0.0, started + 8.2 - time.monotonic()))  # the activation's own lifetime
    error_of(
        system.post(
            "/api/v1/auth/activation/password",
            {"activation_token": token, "new_password": NEW_PASSWORD},
        ),
        401,
        "activation_expired",
    )
