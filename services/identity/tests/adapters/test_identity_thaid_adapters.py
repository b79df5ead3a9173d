"""The two ThaiD adapters: the sandbox (API.md) and OIDC against a local OIDC provider."""

from urllib.parse import parse_qs, urlsplit

import pytest
import requests
from oidc_test_server import OidcTestServer

from identity.adapters.thaid import OidcThaid, SandboxThaid, ThaidMismatch, ThaidUnavailable
from identity.domain.activation import ThaidIdentity, ThaidNotRegistered

PERSONS = [
    {"citizen_id": "1101700203450", "title": "นาย", "first_name": "สมชาย", "last_name": "ใจดี"},
    {"citizen_id": "3100100123451", "title": "นาง", "first_name": "สมศรี", "last_name": "มีทรัพย์"},
]
REDIRECT = "http://127.0.0.1:9/activation/thaid"


@pytest.fixture
def provider():
    with OidcTestServer(port=0, persons=PERSONS) as server:
        yield server


def adapter(provider, secret="laas-dev-secret"):
    return OidcThaid(provider.issuer, "laas-dev", secret, REDIRECT)


def sign_in_at_thaid(url) -> dict:
    """What the user's browser does: ThaiD answers with a redirect back to us."""
    answer = requests.get(url, allow_redirects=False, timeout=5)
    assert answer.status_code == 302
    location = answer.headers["Location"]
    assert location.startswith(REDIRECT)
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


def test_authorization_code_flow_gives_the_persons_claims(provider):
    thaid = adapter(provider)
    url, pending = thaid.begin(login_hint="3100100123451")
    query = parse_qs(urlsplit(url).query)
    assert query["code_challenge_method"] == ["S256"] and query["scope"][0].startswith("openid")
    params = sign_in_at_thaid(url)
    assert params["state"] == pending["state"]
    assert thaid.finish(pending, params) == ThaidIdentity("3100100123451", "สมศรี", "มีทรัพย์", "นาง")


def test_a_person_not_registered_with_thaid_is_refused(provider):
    thaid = adapter(provider)
    url, pending = thaid.begin(login_hint="1234567890121")
    params = sign_in_at_thaid(url)
    assert params["error"] == "access_denied"
    with pytest.raises(ThaidNotRegistered):
        thaid.finish(pending, params)


def test_state_nonce_and_a_replayed_code_are_checked(provider):
    thaid = adapter(provider)
    url, pending = thaid.begin(login_hint="1101700203450")
    params = sign_in_at_thaid(url)
    with pytest.raises(ThaidMismatch):
        thaid.finish(pending, {**params, "state": "forged"})
    with pytest.raises(ThaidMismatch):
        thaid.finish({**pending, "nonce": "another"}, params)  # the code is spent here too
    url, pending = thaid.begin(login_hint="1101700203450")
    params = sign_in_at_thaid(url)
    assert thaid.finish(pending, params).citizen_id == "1101700203450"
    with pytest.raises(ThaidMismatch):
        thaid.finish(pending, params)  # a code answers once


def test_wrong_client_credentials_or_no_provider_mean_unavailable(provider):
    thaid = adapter(provider, secret="wrong")
    url, pending = thaid.begin(login_hint="1101700203450")
    with pytest.raises(ThaidUnavailable):
        thaid.finish(pending, sign_in_at_thaid(url))
    with pytest.raises(ThaidUnavailable):
        OidcThaid("http://127.0.0.1:9", "laas-dev", "s", REDIRECT, timeout=1).begin()


def test_sandbox_adapter(thaid):
    sandbox = SandboxThaid(thaid.url)
    assert sandbox.lookup("1101700203450") == ThaidIdentity("1101700203450", "สมชาย", "ใจดี", "นาย")
    assert sandbox.lookup("1234567890121") is None
    with pytest.raises(ThaidUnavailable):
        SandboxThaid("http://127.0.0.1:9", timeout=1).lookup("1101700203450")
