"""The local OIDC provider runs a full authorization-code flow with a verifiable id_token."""

import base64
import hashlib
from urllib.parse import parse_qs, urlsplit

import jwt
import pytest
import requests
from oidc_test_server import OidcTestServer

PERSONS = [
    {"citizen_id": "1101700203450", "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี"},
    {"citizen_id": "3100100123451", "title": "นาง", "first_name": "สมศรี", "last_name": "มีทรัพย์"},
]
REDIRECT = "http://127.0.0.1:9/callback"


@pytest.fixture
def provider():
    server = OidcTestServer("127.0.0.1", 0, PERSONS, pid="3100100123451").start()
    yield server
    server.stop()


def discover(provider):
    return requests.get(f"{provider.issuer}/.well-known/openid-configuration", timeout=5).json()


def authorize(provider, **extra):
    params = {
        "response_type": "code",
        "client_id": "laas-dev",
        "redirect_uri": REDIRECT,
        "scope": "openid pid given_name family_name",
        "state": "st-123",
        "nonce": "n-456",
        **extra,
    }
    response = requests.get(
        discover(provider)["authorization_endpoint"],
        params=params,
        allow_redirects=False,
        timeout=5,
    )
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert f"{location.scheme}://{location.netloc}{location.path}" == REDIRECT
    return {k: v[0] for k, v in parse_qs(location.query).items()}


def exchange(provider, code, **extra):
    form = {
        "grant_type": "authorization_code",
        "code": code,
        "redirect_uri": REDIRECT,
        "client_id": "laas-dev",
        "client_secret": "laas-dev-secret",
        **extra,
    }
    return requests.post(discover(provider)["token_endpoint"], data=form, timeout=5)


def verify(provider, id_token):
    config = discover(provider)
    jwks = jwt.PyJWKClient(config["jwks_uri"])
    key = jwks.get_signing_key_from_jwt(id_token)
    return jwt.decode(
        id_token, key.key, algorithms=["RS256"], audience="laas-dev", issuer=config["issuer"]
    )


def test_full_code_flow_with_login_hint(provider):
    redirect = authorize(provider, login_hint="1101700203450")
    assert redirect["state"] == "st-123"

    tokens = exchange(provider, redirect["code"])
    assert tokens.status_code == 200
    body = tokens.json()
    claims = verify(provider, body["id_token"])
    userinfo = requests.get(
        discover(provider)["userinfo_endpoint"],
        headers={"Authorization": f"Bearer {body['access_token']}"},
        timeout=5,
    )

    assert body["token_type"] == "Bearer"
    assert claims["pid"] == "1101700203450"
    assert claims["given_name"] == "สมชาย"
    assert claims["family_name"] == "ใจดี"
    assert claims["title"] == "นาย"
    assert claims["nonce"] == "n-456"
    assert userinfo.status_code == 200
    assert userinfo.json()["pid"] == "1101700203450"


def test_configured_pid_signs_in_without_login_hint(provider):
    code = authorize(provider)["code"]

    claims = verify(provider, exchange(provider, code).json()["id_token"])

    assert claims["pid"] == "3100100123451"
    assert claims["given_name"] == "สมศรี"


def test_token_signed_by_another_key_fails_verification(provider):
    code = authorize(provider)["code"]
    id_token = exchange(provider, code).json()["id_token"]
    other = OidcTestServer("127.0.0.1", 0, PERSONS).start()
    try:
        other_key = jwt.PyJWKClient(f"{other.issuer}/jwks").get_signing_keys()[0].key
    finally:
        other.stop()

    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(id_token, other_key, algorithms=["RS256"], audience="laas-dev")


def test_code_is_good_only_once(provider):
    code = authorize(provider)["code"]

    first = exchange(provider, code)
    second = exchange(provider, code)

    assert first.status_code == 200
    assert second.status_code == 400
    assert second.json()["error"] == "invalid_grant"


def test_wrong_client_secret_is_401(provider):
    code = authorize(provider)["code"]

    response = exchange(provider, code, client_secret="wrong")

    assert response.status_code == 401
    assert response.json()["error"] == "invalid_client"


def test_basic_client_authentication_is_accepted(provider):
    code = authorize(provider)["code"]
    form = {"grant_type": "authorization_code", "code": code, "redirect_uri": REDIRECT}

    response = requests.post(
        f"{provider.issuer}/token", data=form, auth=("laas-dev", "laas-dev-secret"), timeout=5
    )

    assert response.status_code == 200


def test_unknown_person_is_access_denied(provider):
    redirect = authorize(provider, login_hint="1111111111119")

    assert redirect["error"] == "access_denied"
    assert redirect["state"] == "st-123"
    assert "code" not in redirect


def test_pkce_verifier_must_match(provider):
    verifier = "v" * 50
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    challenge = challenge.rstrip(b"=").decode()

    bad = exchange(
        provider,
        authorize(provider, code_challenge=challenge, code_challenge_method="S256")["code"],
        code_verifier="w" * 50,
    )
    good = exchange(
        provider,
        authorize(provider, code_challenge=challenge, code_challenge_method="S256")["code"],
        code_verifier=verifier,
    )

    assert bad.status_code == 400
    assert good.status_code == 200


def test_userinfo_without_a_valid_token_is_401(provider):
    response = requests.get(
        f"{provider.issuer}/userinfo", headers={"Authorization": "Bearer nope"}, timeout=5
    )

    assert response.status_code == 401
