"""Steps of the login manual in a browser, shared by the browser tests."""

import re

from tests.e2e.test_identity_support import (
    INVALID_EMAIL,
    add_unit,
    add_user,
    admin_token,
    otp_mail,
)

NEW_PASSWORD = "Laas#2568new"


def on_screen(page, name):
    page.wait_for_selector(f'main#screen[data-screen="{name}"]', timeout=15_000)


def sign_in(page, system, username, password):
    page.goto(system.base_url + "/")
    on_screen(page, "login")
    page.fill("#login-username", username)
    page.fill("#login-password", password)
    page.click("#login-submit")


def give_email_and_otp(page, shot, system, email):
    on_screen(page, "email")
    page.fill("#email", "not-an-email")
    page.click("#email-submit")
    assert INVALID_EMAIL in page.inner_text("#email-error")
    shot("email-format-error")
    page.fill("#email", email)
    page.click("#email-submit")
    on_screen(page, "otp")
    code, ref = otp_mail(system, email)
    assert page.inner_text("#otp-ref") == ref
    assert re.fullmatch(r"เลขอ้างอิง\s*:\s*" + ref, page.inner_text("#otp-ref-line").strip())
    assert page.inner_text("#otp-masked-email").startswith("xxx")
    assert re.fullmatch(r"0?[45]:[0-5][0-9]", page.inner_text("#otp-countdown").strip())
    assert not page.is_visible("#otp-resend")  # only after a minute
    shot("otp")
    page.fill("#otp", "000000" if code != "000000" else "111111")
    page.click("#otp-submit")
    page.wait_for_selector("#otp-error:not(:empty)")
    shot("otp-wrong-code")
    page.fill("#otp", code)
    page.click("#otp-submit")


def set_new_password(page, shot):
    on_screen(page, "password")
    page.fill("#new-password", "abc")
    assert page.get_attribute("#rule-lowercase", "data-met") == "true"
    for rule in ("min_length", "uppercase", "digit", "special"):
        assert page.get_attribute(f"#rule-{rule}", "data-met") == "false"
    shot("password-rules-while-typing")
    page.fill("#new-password", NEW_PASSWORD)
    page.fill("#confirm-password", NEW_PASSWORD)
    for rule in ("min_length", "uppercase", "lowercase", "digit", "special"):
        assert page.get_attribute(f"#rule-{rule}", "data-met") == "true"
    page.click("#password-submit")


def at_home(page, shot, unit_name):
    on_screen(page, "home")
    page.wait_for_selector("#user-unit:not(:empty)")
    assert unit_name in page.inner_text("#user-unit")
    for item in ("หน้าหลัก", "ระบบรายรับ", "ระบบรายจ่าย", "ระบบบัญชี", "การบริหารระบบ"):
        assert item in page.inner_text("#main-menu")
    page.wait_for_selector('#system-status-summary[data-state="ok"]', timeout=15_000)
    assert "2569" in page.inner_text("#today-be") or "25" in page.inner_text("#today-be")
    shot("home")


def province_officer_at_the_citizen_id(page, system) -> dict:
    """A new province-office user signed in with the first password: the province."""
    token = admin_token(system)
    province = add_unit(system, token, "province_office")
    user = add_user(system, token, province["id"], ["province_officer"])
    sign_in(page, system, user["username"], user["initial_password"])
    on_screen(page, "citizen-id")
    return province


def lao_officer_signs_in_with_the_id_on_file(page, system, citizen_id) -> tuple[dict, dict]:
    """A new LAO finance officer whose citizen ID the Department has on file signs in with
    the first password (the ID + "Laas#"): (the LAO, the user)."""
    token = admin_token(system)
    province = add_unit(system, token, "province_office")
    lao = add_unit(system, token, "lao", province["id"])
    user = add_user(system, token, lao["id"], ["finance_officer"], citizen_id=citizen_id)
    sign_in(page, system, user["username"], citizen_id + "Laas#")
    return lao, user


def confirm_identity_and_finish(page, shot, system, province, email):
    """From the identity screen: continue, e-mail and OTP, new password, home."""
    page.click("#identity-continue")
    give_email_and_otp(page, shot, system, email)
    set_new_password(page, shot)
    at_home(page, shot, province["name"])
