"""Activation with the real ThaiD (OIDC) in a browser: the web client sends the user to the
provider's pages and finishes the step when the provider sends them back to /thaid/callback.

A local OpenID Connect provider (deploy/dev/oidc_test_server.py) stands in for ThaiD; it
approves at once, or answers access_denied for someone not registered with it.
"""

import json

import pytest
from browser_steps import (
    confirm_identity_and_finish,
    lao_officer_signs_in_with_the_id_on_file,
    on_screen,
    province_officer_at_the_citizen_id,
)
from oidc_test_server import DEFAULT_PERSONS, OidcTestServer

from testing.system import free_port
from tests.e2e.test_identity_support import (
    FAST_HASHING,
    NOT_IN_THAID,
    SOMCHAI,
    SOMSRI,
)


@pytest.fixture
def oidc_system(system_factory):
    port = free_port()
    with OidcTestServer(port=0, persons=json.loads(DEFAULT_PERSONS.read_text())) as provider:
        yield system_factory(
            WEB_SERVER_ADDRESS=f"127.0.0.1:{port}",
            THAID_MODE="oidc",
            THAID_OIDC_ISSUER=provider.issuer,
            THAID_OIDC_CLIENT_ID=provider.client_id,
            THAID_OIDC_CLIENT_SECRET=provider.client_secret,
            THAID_OIDC_REDIRECT_URI=f"http://127.0.0.1:{port}/thaid/callback",
            **FAST_HASHING,
        )


def test_typed_id_goes_to_thaid_and_comes_back_to_the_identity_then_on_to_home(
    page, shot, oidc_system
):
    province = province_officer_at_the_citizen_id(page, oidc_system)
    page.fill("#citizen-id", SOMSRI)
    page.click("#citizen-id-submit")
    on_screen(page, "identity")  # after the round trip through the provider's pages
    assert page.url == oidc_system.base_url + "/"  # the one-time code is off the address
    assert page.inner_text("#identity-first-name").strip() == "สมศรี"
    shot("identity-from-thaid-oidc")
    confirm_identity_and_finish(page, shot, oidc_system, province, "somsri.oidc@example.go.th")


def test_an_id_on_file_signs_in_through_thaid(page, shot, oidc_system):
    system = oidc_system
    lao_officer_signs_in_with_the_id_on_file(page, system, SOMCHAI)
    on_screen(page, "identity")
    assert page.inner_text("#identity-citizen-id").replace("-", "").strip() == SOMCHAI
    assert not page.is_visible("#identity-edit")
    shot("identity-on-file-oidc")


def test_thaid_refusing_brings_the_user_back_to_the_citizen_id_with_the_reason(
    page, shot, oidc_system
):
    province_officer_at_the_citizen_id(page, oidc_system)
    page.fill("#citizen-id", NOT_IN_THAID)
    page.click("#citizen-id-submit")
    on_screen(page, "citizen-id")
    page.wait_for_selector("#citizen-id-error:not(:empty)")
    assert "ThaiD" in page.inner_text("#citizen-id-error")
    shot("thaid-refused-oidc")

    # The activation goes on: another try with a registered ID gets through.
    page.fill("#citizen-id", SOMSRI)
    page.click("#citizen-id-submit")
    on_screen(page, "identity")
