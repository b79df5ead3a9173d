"""The in-app notices identity's events leave, and the OTP validity the mail states."""

from datetime import UTC, datetime

from notify.domain.notices import account_created_notice, password_changed_notice, valid_minutes

AT = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)  # 14:05 in Bangkok


def test_account_created_notice_names_the_user_the_unit_and_the_thai_date():
    notice = account_created_notice("somchai.j", "เทศบาลตำบลบ้านสวน", AT)
    assert notice.kind == "account_created"
    assert notice.title == "บัญชีผู้ใช้ถูกสร้างแล้ว"
    assert "somchai.j" in notice.body and "สังกัด เทศบาลตำบลบ้านสวน" in notice.body
    assert "25 พฤศจิกายน 2569 เวลา 14:05 น." in notice.body


def test_account_created_notice_without_a_unit_name_says_no_unit():
    assert "สังกัด" not in account_created_notice("malee", None, AT).body


def test_password_changed_notice_tells_what_to_do_if_it_was_not_the_user():
    notice = password_changed_notice("somchai.j", AT)
    assert notice.title == "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว"
    assert "25 พฤศจิกายน 2569 เวลา 14:05 น." in notice.body
    assert "ผู้ดูแลระบบ" in notice.body


def test_valid_minutes_rounds_up_and_never_says_zero():
    assert valid_minutes(300) == 5
    assert valid_minutes(301) == 6
    assert valid_minutes(20) == 1
