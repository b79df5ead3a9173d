"""The login manual's flows (seed parts 1–4) in a real browser, OTPs read from the real mail.

Each step is checked on the screen the manual shows and saved as a screenshot under
tests/screenshots/.
"""

from pathlib import Path

import pytest
from browser_steps import (
    NEW_PASSWORD,
    at_home,
    confirm_identity_and_finish,
    give_email_and_otp,
    lao_officer_signs_in_with_the_id_on_file,
    on_screen,
    province_officer_at_the_citizen_id,
    set_new_password,
    sign_in,
)

from tests.e2e.test_identity_support import (
    FAST_HASHING,
    MALEE,
    NOT_IN_THAID,
    OTP_EXPIRED,
    SOMCHAI,
    SOMSRI,
    THAID_NOT_REGISTERED,
    add_unit,
    add_user,
    admin_token,
    otp_mail,
)

SHOTS = Path(__file__).resolve().parents[1] / "screenshots"


@pytest.fixture
def system(system_factory):
    return system_factory(**FAST_HASHING)


def test_province_office_types_the_citizen_id_then_email_otp_password_home(page, shot, system):
    province = province_officer_at_the_citizen_id(page, system)
    shot("citizen-id")
    page.fill("#citizen-id", "1234567890123")  # bad check digit
    page.click("#citizen-id-submit")
    page.wait_for_selector("#citizen-id-error:not(:empty)")
    page.fill("#citizen-id", NOT_IN_THAID)
    page.click("#citizen-id-submit")
    page.wait_for_selector("#thaid-dialog[open]")
    assert page.inner_text("#thaid-dialog-message").strip() == THAID_NOT_REGISTERED
    shot("thaid-not-registered")
    page.click("#thaid-dialog-close")

    page.fill("#citizen-id", SOMSRI)
    page.click("#citizen-id-submit")
    on_screen(page, "identity")
    assert page.inner_text("#identity-first-name").strip() == "สมศรี"
    assert page.inner_text("#identity-last-name").strip() == "มีทรัพย์"
    shot("identity-from-thaid")
    confirm_identity_and_finish(page, shot, system, province, "somsri.province@example.go.th")


def test_lao_user_with_the_id_on_file_starts_with_id_plus_laas(page, shot, system):
    lao, user = lao_officer_signs_in_with_the_id_on_file(page, system, SOMCHAI)
    on_screen(page, "identity")
    assert page.inner_text("#identity-citizen-id").replace("-", "").strip() == SOMCHAI
    assert page.inner_text("#identity-first-name").strip() == "สมชาย"
    assert not page.is_visible("#identity-edit")  # the ID on file is not typed
    shot("identity-on-file")
    page.click("#identity-continue")

    give_email_and_otp(page, shot, system, "somchai.lao@example.go.th")
    set_new_password(page, shot)
    at_home(page, shot, lao["name"])

    # After activation the new password signs straight in.
    page.click("#logout")
    on_screen(page, "login")
    sign_in(page, system, user["username"], NEW_PASSWORD)
    at_home(page, shot, lao["name"])


def test_lao_user_not_registered_with_thaid_cannot_go_on(page, shot, system):
    lao_officer_signs_in_with_the_id_on_file(page, system, NOT_IN_THAID)
    page.wait_for_selector("#thaid-dialog[open]")
    assert page.inner_text("#thaid-dialog-message").strip() == THAID_NOT_REGISTERED
    shot("thaid-not-registered")
    page.click("#thaid-dialog-close")
    on_screen(page, "login")


def test_subordinate_unit_after_the_cutover_types_the_id(page, shot, system):
    token = admin_token(system)
    province = add_unit(system, token, "province_office")
    lao = add_unit(system, token, "lao", province["id"])
    school = add_unit(system, token, "subordinate_unit", lao["id"], subtype="school")
    user = add_user(system, token, school["id"], ["finance_officer"])

    sign_in(page, system, user["username"], user["initial_password"])
    on_screen(page, "citizen-id")
    page.fill("#citizen-id", MALEE)
    page.click("#citizen-id-submit")
    on_screen(page, "identity")
    shot("identity-from-thaid")
    page.click("#identity-continue")
    give_email_and_otp(page, shot, system, "malee.school@example.go.th")
    set_new_password(page, shot)
    at_home(page, shot, school["name"])


def test_subordinate_unit_before_the_cutover_fills_in_the_profile(page, shot, system_factory):
    system = system_factory(ACTIVATION_POLICY_DATE="2025-01-15", **FAST_HASHING)
    token = admin_token(system)
    province = add_unit(system, token, "province_office")
    lao = add_unit(system, token, "lao", province["id"])
    pawnshop = add_unit(system, token, "subordinate_unit", lao["id"], subtype="pawnshop")
    user = add_user(system, token, pawnshop["id"], ["finance_officer"])

    sign_in(page, system, user["username"], user["initial_password"])
    give_email_and_otp(page, shot, system, "pawnshop@example.go.th")
    set_new_password(page, shot)
    on_screen(page, "profile")
    shot("profile")
    page.fill("#profile-citizen-id", MALEE)
    page.fill("#profile-title", "นางสาว")
    page.fill("#profile-first-name", "มาลี")
    page.fill("#profile-last-name", "รักษ์ถิ่น")
    page.fill("#profile-position", "นักวิชาการเงินและบัญชี")
    page.fill("#profile-phone", "0812345678")
    page.click("#profile-submit")
    at_home(page, shot, pawnshop["name"])
    assert "มาลี" in page.inner_text("#user-name")


def test_otp_resend_appears_after_the_wait_and_the_code_expires(page, shot, system_factory):
    system = system_factory(OTP_TTL_SECONDS=6, OTP_RESEND_AFTER_SECONDS=2, **FAST_HASHING)
    token = admin_token(system)
    province = add_unit(system, token, "province_office")
    user = add_user(system, token, province["id"], ["province_officer"])
    email = "resend@example.go.th"

    sign_in(page, system, user["username"], user["initial_password"])
    on_screen(page, "citizen-id")
    page.fill("#citizen-id", SOMSRI)
    page.click("#citizen-id-submit")
    on_screen(page, "identity")
    page.click("#identity-continue")
    on_screen(page, "email")
    page.fill("#email", email)
    page.click("#email-submit")
    on_screen(page, "otp")
    first_code, first_ref = otp_mail(system, email)
    assert not page.is_visible("#otp-resend")
    page.wait_for_selector("#otp-resend", state="visible", timeout=10_000)
    shot("resend-button")
    page.click("#otp-resend")
    second_code, second_ref = otp_mail(system, email, count=2)
    page.wait_for_function(
        "ref => document.querySelector('#otp-ref').textContent.trim() === ref", arg=second_ref
    )
    assert second_ref != first_ref

    page.wait_for_selector("#otp-timer-line.expired", timeout=15_000)
    assert OTP_EXPIRED in page.inner_text("#otp-error")
    shot("otp-expired")
    page.fill("#otp", second_code)
    page.click("#otp-submit")
    page.wait_for_function(
        "text => document.querySelector('#otp-error').textContent.includes(text)", arg=OTP_EXPIRED
    )

    page.click("#back-to-login")
    on_screen(page, "login")
    shot("back-to-login")


def test_signing_in_by_keyboard_on_a_phone_without_sideways_scrolling(browser, system):
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="th-TH")
    phone = context.new_page()
    phone.goto(system.base_url + "/")
    on_screen(phone, "login")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.focus("#login-username")
    phone.keyboard.type("admin")
    phone.keyboard.press("Tab")
    assert phone.evaluate("document.activeElement.id") == "login-password"
    phone.keyboard.type("Admin#2568")
    phone.keyboard.press("Enter")
    on_screen(phone, "home")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    phone.screenshot(path=str(SHOTS / "phone-home.png"), full_page=True)
    context.close()
