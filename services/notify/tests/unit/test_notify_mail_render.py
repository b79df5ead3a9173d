import email
import email.policy
from datetime import UTC, datetime

import pytest

from laas_kernel.errors import DomainError
from notify.domain.errors import MailContextIncomplete, UnknownTemplate
from notify.domain.mail import KNOWN_TEMPLATES, mask_email, render_mail

SENDER = "ระบบบัญชี New e-LAAS <noreply@laas.example.go.th>"
TO = "somchai@example.com"
EXPIRES = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)  # 14:05 in Bangkok
EXPIRES_TH = "25 พฤศจิกายน 2569 เวลา 14:05 น."


def otp_context(**overrides):
    ctx = {"code": "482913", "ref": "E00152", "expires_at": EXPIRES, "valid_minutes": 5}
    ctx.update(overrides)
    return ctx


def reparse(msg):
    """What a mail client would see: the message serialised and parsed back."""
    return email.message_from_bytes(bytes(msg), policy=email.policy.default)


def parts(msg):
    text = msg.get_body(preferencelist=("plain",)).get_content()
    html = msg.get_body(preferencelist=("html",)).get_content()
    return text, html


def render(name, ctx, **kw):
    kw.setdefault("to", TO)
    kw.setdefault("sender", SENDER)
    return reparse(render_mail(name, ctx, **kw))


def test_known_templates():
    assert KNOWN_TEMPLATES == {"otp", "account_created", "password_changed"}


def test_otp_code_ref_and_expiry_in_both_parts():
    text, html = parts(render("otp", otp_context()))
    for part in (text, html):
        assert "482913" in part
        assert "E00152" in part
        assert EXPIRES_TH in part
        assert "เลขอ้างอิง" in part
        assert "5 นาที" in part
        assert "ห้ามเปิดเผย" in part


def test_otp_minutes_come_from_the_context():
    text, html = parts(render("otp", otp_context(valid_minutes=10)))
    assert "10 นาที" in text and "10 นาที" in html
    assert "5 นาที" not in text


def test_otp_is_multipart_alternative_utf8():
    msg = render("otp", otp_context())
    assert msg.get_content_type() == "multipart/alternative"
    kinds = [p.get_content_type() for p in msg.iter_parts()]
    assert kinds == ["text/plain", "text/html"]
    assert all(p.get_content_charset() == "utf-8" for p in msg.iter_parts())


def test_otp_subject_is_encoded_and_decodes_to_thai():
    msg = render_mail("otp", otp_context(), to=TO, sender=SENDER)
    raw_subject = next(
        line for line in bytes(msg).split(b"\n") if line.lower().startswith(b"subject:")
    )
    assert raw_subject.isascii()
    assert b"=?utf-8?" in raw_subject.lower()
    decoded = reparse(msg)["Subject"]
    assert "รหัส OTP" in decoded
    assert "E00152" in decoded
    # The code itself stays out of the subject, which shows on lock screens.
    assert "482913" not in decoded


def test_headers_date_message_id_event_id_and_addresses():
    when = datetime(2026, 11, 25, 7, 0, tzinfo=UTC)
    msg = render("otp", otp_context(), event_id="9f1c2e7a-0b1d-4c55-9a3e-2b8f1d6c0e11", now=when)
    assert msg["X-LAAS-Event-Id"] == "9f1c2e7a-0b1d-4c55-9a3e-2b8f1d6c0e11"
    assert msg["Date"].datetime == when
    assert msg["Message-ID"].startswith("<") and msg["Message-ID"].endswith("@laas.example.go.th>")
    assert msg["To"].addresses[0].addr_spec == TO
    assert msg["From"].addresses[0].addr_spec == "noreply@laas.example.go.th"
    assert msg["From"].addresses[0].display_name == "ระบบบัญชี New e-LAAS"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["Content-Language"] == "th"


def test_same_event_gives_same_message_id_so_duplicates_show():
    a = render("otp", otp_context(), event_id="evt-1")
    b = render("otp", otp_context(), event_id="evt-1")
    c = render("otp", otp_context(), event_id="evt-2")
    assert a["Message-ID"] == b["Message-ID"]
    assert a["Message-ID"] != c["Message-ID"]


def test_without_event_id_message_ids_are_unique_and_no_event_header():
    a = render("otp", otp_context())
    b = render("otp", otp_context())
    assert a["Message-ID"] != b["Message-ID"]
    assert a["X-LAAS-Event-Id"] is None


def test_event_id_with_odd_characters_still_gives_a_valid_message_id():
    msg = render("otp", otp_context(), event_id="a b<c>@d")
    assert msg["X-LAAS-Event-Id"] == "a b<c>@d"
    assert msg["Message-ID"].count("@") == 1


def test_greets_by_name_when_given_and_generically_otherwise():
    text, html = parts(render("otp", otp_context(name="นายสมหมาย ใจดี")))
    assert "เรียน นายสมหมาย ใจดี" in text
    assert "นายสมหมาย ใจดี" in html
    text, _ = parts(render("otp", otp_context()))
    assert "เรียน ผู้ใช้งาน" in text


def test_user_supplied_name_is_escaped_in_html_only():
    evil = '<script>alert("x")</script> & Co'
    text, html = parts(render("otp", otp_context(name=evil)))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert "&amp; Co" in html
    assert evil in text


def test_account_created_has_username_url_and_steps():
    ctx = {
        "username": "somchai.j",
        "login_url": "https://laas.dla.go.th/login?a=1&b=2",
        "name": "นายสมชาย ใจงาม",
    }
    msg = render("account_created", ctx)
    assert "เข้าสู่ระบบครั้งแรก" in msg["Subject"]
    text, html = parts(msg)
    for part in (text, html):
        assert "somchai.j" in part
        assert "ThaiD" in part
        assert "OTP" in part
        assert "อีเมล" in part
        assert "รหัสผ่านใหม่" in part
    assert "https://laas.dla.go.th/login?a=1&b=2" in text
    assert 'href="https://laas.dla.go.th/login?a=1&amp;b=2"' in html


def test_account_created_can_skip_thaid_step():
    ctx = {"username": "unit01", "login_url": "https://laas.dla.go.th", "thaid_required": False}
    text, html = parts(render("account_created", ctx))
    assert "ThaiD" not in text and "ThaiD" not in html
    assert "OTP" in text


def test_password_changed_has_time_and_what_to_do():
    ctx = {"username": "somchai.j", "changed_at": datetime(2025, 12, 31, 17, 30, tzinfo=UTC)}
    msg = render("password_changed", ctx)
    assert "เปลี่ยนรหัสผ่าน" in msg["Subject"]
    text, html = parts(msg)
    for part in (text, html):
        assert "somchai.j" in part
        assert "1 มกราคม 2569 เวลา 00:30 น." in part
        assert "หากท่านไม่ได้เป็นผู้เปลี่ยนรหัสผ่าน" in part


def test_unknown_template_is_a_domain_error():
    with pytest.raises(UnknownTemplate) as err:
        render_mail("welcome_pack", {}, to=TO, sender=SENDER)
    assert isinstance(err.value, DomainError)
    assert err.value.code == "unknown_template"
    assert err.value.details == {"template": "welcome_pack"}


def test_template_names_cannot_reach_other_files():
    with pytest.raises(UnknownTemplate):
        render_mail("../otp", otp_context(), to=TO, sender=SENDER)


def test_missing_context_is_named():
    with pytest.raises(MailContextIncomplete) as err:
        render_mail("otp", {"code": "482913"}, to=TO, sender=SENDER)
    assert err.value.code == "mail_context_incomplete"
    assert err.value.details["missing"] == ["expires_at", "ref", "valid_minutes"]


def test_naive_expiry_is_refused():
    with pytest.raises(ValueError):
        render_mail("otp", otp_context(expires_at=datetime(2026, 1, 1)), to=TO, sender=SENDER)


@pytest.mark.parametrize(
    ("addr", "masked"),
    [
        ("example@gmail.com", "xxxple@gmail.com"),
        ("apple@gmail.com", "xxxple@gmail.com"),
        ("somchai.jaidee@dla.go.th", "xxxdee@dla.go.th"),
        ("abcd@x.th", "xxxbcd@x.th"),
        ("abc@x.th", "xxxbc@x.th"),
        ("ab@x.th", "xxxb@x.th"),
        ("a@x.th", "xxx@x.th"),
        ("not-an-address", "xxx"),
    ],
)
def test_mask_email(addr, masked):
    assert mask_email(addr) == masked
