"""Activation with the real-ThaiD adapter (OIDC), against a local OIDC provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_test_server import OidcTestServer

from laas_kernel.errors import DomainError

SOMCHAI = "1101700203450"
SOMSRI = "3100100123451"
REDIRECT = "http://127.0.0.1:9/activation/thaid"


@pytest.fixture
def oidc_identity(start_identity):
    persons = [
        {"citizen_id": SOMCHAI, "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี"},
        {"citizen_id": SOMSRI, "title": "นาง", "first_name": "สมศรี", "last_name": "มีทรัพย์"},
    ]
    with OidcTestServer(port=0, persons=persons) as server:
        yield start_identity(
            THAID_MODE="oidc",
            THAID_OIDC_ISSUER=server.issuer,
            THAID_OIDC_CLIENT_ID="laas-dev",
            THAID_OIDC_CLIENT_SECRET="laas-dev-secret",
            THAID_OIDC_REDIRECT_URI=REDIRECT,
        )


def thaid_answer(url) -> dict:
    location = requests.get(url, allow_redirects=False, timeout=5).headers["Location"]
    return {k: v[0] for k, v in parse_qs(urlsplit(location).query).items()}


def admin_actor(identity):
    import jwt

    token = identity.rpc.login("admin", "Admin#2568")["access_token"]
    claims = jwt.decode(token, options={"verify_signature": False})
    return {"user_id": claims["sub"], "session_id": claims["sid"]}


def test_typed_id_then_thaid_redirect_then_email(oidc_identity):
    identity = oidc_identity
    admin = admin_actor(identity)
    province = identity.rpc.create_unit(
        admin, {"code": "P1", "name": "สถจ.", "kind": "province_office"}
    )
    identity.rpc.create_user(
        admin, {"username": "prov", "unit_id": province["id"], "initial_password": "Prov#2568x"}
    )
    token = identity.rpc.login("prov", "Prov#2568x")["activation_token"]
    step = identity.rpc.activation_citizen_id(token, SOMSRI)
    assert step["next_step"] == "thaid" and "login_hint=" + SOMSRI in step["authorization_url"]
    answer = identity.rpc.activation_thaid_callback(token, thaid_answer(step["authorization_url"]))
    assert answer == {
        "identity": {"citizen_id": SOMSRI, "first_name": "สมศรี", "last_name": "มีทรัพย์"},
        "next_step": "email",
    }
    with pytest.raises(DomainError) as replay:
        identity.rpc.activation_thaid_callback(token, {"state": "x", "code": "y"})
    assert replay.value.code == "activation_step_invalid"


def test_lao_user_signs_in_with_thaid_and_must_be_the_person_on_file(oidc_identity):
    identity = oidc_identity
    admin = admin_actor(identity)
    province = identity.rpc.create_unit(
        admin, {"code": "P1", "name": "สถจ.", "kind": "province_office"}
    )
    lao = identity.rpc.create_unit(
        admin, {"code": "L1", "name": "ทต.", "kind": "lao", "parent_id": province["id"]}
    )
    identity.rpc.create_user(
        admin, {"username": "hof", "unit_id": lao["id"], "citizen_id": SOMCHAI}
    )
    started = identity.rpc.login("hof", SOMCHAI + "Laas#")
    assert started["next_step"] == "thaid" and "identity" not in started
    params = thaid_answer(started["authorization_url"])
    answer = identity.rpc.activation_thaid_callback(started["activation_token"], params)
    assert answer["identity"]["citizen_id"] == SOMCHAI and answer["next_step"] == "email"
    # Someone else signing in at ThaiD is refused.
    again = identity.rpc.login("hof", SOMCHAI + "Laas#")
    other_url = again["authorization_url"].replace(f"login_hint={SOMCHAI}", f"login_hint={SOMSRI}")
    with pytest.raises(DomainError) as mismatch:
        identity.rpc.activation_thaid_callback(again["activation_token"], thaid_answer(other_url))
    assert mismatch.value.code == "thaid_mismatch"
