"""send_mail against a real SMTP server (aiosmtpd) on loopback, one per test."""

import email
import email.policy
import socket
import threading
from contextlib import closing, contextmanager
from datetime import UTC, datetime

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from notify.domain.errors import PermanentMailError, TransientMailError
from notify.domain.mail import render_mail
from notify.smtp_sender import SmtpSettings, send_mail

SENDER = "ระบบบัญชี New e-LAAS <noreply@laas.example.go.th>"
TO = "somchai@example.com"
OTP = "482913"

CONTEXTS = {
    "otp": {
        "code": OTP,
        "ref": "E00152",
        "expires_at": datetime(2026, 11, 25, 7, 5, tzinfo=UTC),
        "valid_minutes": 5,
        "name": "นายสมหมาย ใจดี",
    },
    "account_created": {"username": "somchai.j", "login_url": "https://laas.dla.go.th"},
    "password_changed": {
        "username": "somchai.j",
        "changed_at": datetime(2026, 11, 25, 7, 5, tzinfo=UTC),
    },
}
EXPECTED_TEXT = {
    "otp": [OTP, "E00152", "25 พฤศจิกายน 2569 เวลา 14:05 น.", "นายสมหมาย ใจดี"],
    "account_created": ["somchai.j", "https://laas.dla.go.th", "ThaiD"],
    "password_changed": ["somchai.j", "25 พฤศจิกายน 2569 เวลา 14:05 น."],
}


def free_port():
    with closing(socket.socket()) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def settings(port, **kw):
    values = {"host": "127.0.0.1", "port": port, "sender": SENDER, "timeout": 5}
    values.update(kw)
    return SmtpSettings(**values)


@contextmanager
def smtp_server(handler, **smtp_params):
    controller = Controller(handler, hostname="127.0.0.1", port=free_port(), **smtp_params)
    controller.start()
    try:
        yield controller
    finally:
        controller.stop()


class Mailbox:
    """Accepts everything and keeps what arrived."""

    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(envelope)
        return "250 2.0.0 OK"


class RefuseRecipient:
    def __init__(self, reply):
        self.reply = reply

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        return self.reply


class RefuseData:
    def __init__(self, reply):
        self.reply = reply

    async def handle_DATA(self, server, session, envelope):
        return self.reply


class RefuseSender:
    def __init__(self, reply):
        self.reply = reply

    async def handle_MAIL(self, server, session, envelope, address, mail_options):
        return self.reply


def otp_message(event_id="evt-1"):
    return render_mail("otp", CONTEXTS["otp"], to=TO, sender=SENDER, event_id=event_id)


@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_each_template_arrives_intact(template):
    box = Mailbox()
    msg = render_mail(template, CONTEXTS[template], to=TO, sender=SENDER, event_id="evt-42")
    with smtp_server(box) as server:
        send_mail(msg, settings(server.port))

    assert len(box.received) == 1
    envelope = box.received[0]
    assert envelope.mail_from == "noreply@laas.example.go.th"
    assert envelope.rcpt_tos == [TO]
    got = email.message_from_bytes(envelope.content, policy=email.policy.default)
    assert got["Subject"] == msg["Subject"]
    assert got["X-LAAS-Event-Id"] == "evt-42"
    assert got["Message-ID"] == msg["Message-ID"]
    assert got["From"].addresses[0].display_name == "ระบบบัญชี New e-LAAS"
    assert got.get_content_type() == "multipart/alternative"
    text = got.get_body(preferencelist=("plain",)).get_content()
    html = got.get_body(preferencelist=("html",)).get_content()
    for expected in EXPECTED_TEXT[template]:
        assert expected in text
        assert expected in html


def test_login_with_good_credentials():
    box = Mailbox()

    # handled=False: aiosmtpd then sends the 235/535 reply itself.
    def authenticator(server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == b"notify" and auth_data.password == b"s3cret"
        return AuthResult(success=ok, handled=False)

    with smtp_server(box, authenticator=authenticator, auth_require_tls=False) as server:
        send_mail(otp_message(), settings(server.port, username="notify", password="s3cret"))
    assert len(box.received) == 1


def test_refused_credentials_are_permanent():
    def authenticator(server, session, envelope, mechanism, auth_data):
        return AuthResult(success=False, handled=False)

    with smtp_server(Mailbox(), authenticator=authenticator, auth_require_tls=False) as server:
        with pytest.raises(PermanentMailError) as err:
            send_mail(otp_message(), settings(server.port, username="notify", password="bad"))
    assert err.value.smtp_code == 535
    assert "bad" not in err.value.reason


def test_recipient_451_is_transient():
    with smtp_server(RefuseRecipient("451 4.3.0 try later")) as server:
        with pytest.raises(TransientMailError) as err:
            send_mail(otp_message(), settings(server.port))
    assert err.value.smtp_code == 451
    assert "try later" in err.value.reason


def test_recipient_550_is_permanent_with_masked_address():
    reply = "550 5.1.1 <somchai@example.com>: no such user"
    with smtp_server(RefuseRecipient(reply)) as server:
        with pytest.raises(PermanentMailError) as err:
            send_mail(otp_message(), settings(server.port))
    assert err.value.smtp_code == 550
    assert "no such user" in err.value.reason
    assert "somchai@example.com" not in err.value.reason
    assert "xxxhai@example.com" in err.value.reason


def test_data_451_is_transient():
    with smtp_server(RefuseData("451 4.3.0 try later")) as server:
        with pytest.raises(TransientMailError) as err:
            send_mail(otp_message(), settings(server.port))
    assert err.value.smtp_code == 451


def test_data_550_is_permanent_and_reason_never_shows_the_code():
    # A server that quotes the body back must not leak the OTP into our logs.
    with smtp_server(RefuseData(f"550 5.7.1 content {OTP} rejected")) as server:
        with pytest.raises(PermanentMailError) as err:
            send_mail(otp_message(), settings(server.port))
    assert err.value.smtp_code == 550
    assert "rejected" in err.value.reason
    assert OTP not in err.value.reason
    assert OTP not in str(err.value)


def test_sender_refused_5xx_is_permanent_and_4xx_transient():
    with smtp_server(RefuseSender("553 5.1.8 sender domain does not exist")) as server:
        with pytest.raises(PermanentMailError) as err:
            send_mail(otp_message(), settings(server.port))
    assert err.value.smtp_code == 553
    with smtp_server(RefuseSender("452 4.3.1 insufficient storage")) as server:
        with pytest.raises(TransientMailError):
            send_mail(otp_message(), settings(server.port))


def test_closed_port_is_transient():
    with pytest.raises(TransientMailError) as err:
        send_mail(otp_message(), settings(free_port()))
    assert err.value.smtp_code is None


def test_starttls_missing_on_server_is_permanent():
    with smtp_server(Mailbox()) as server:
        with pytest.raises(PermanentMailError) as err:
            send_mail(otp_message(), settings(server.port, starttls=True))
    assert "STARTTLS" in err.value.reason


@contextmanager
def raw_server(greeting=None):
    """A listener that sends ``greeting`` (or nothing) to one client, then hangs up."""
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(5)

    def serve():
        try:
            conn, _ = listener.accept()
        except OSError:
            return
        with conn:
            if greeting:
                conn.sendall(greeting)

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield listener.getsockname()[1]
    finally:
        listener.close()
        thread.join(5)


def test_server_hanging_up_is_transient():
    with raw_server() as port:
        with pytest.raises(TransientMailError):
            send_mail(otp_message(), settings(port))


def test_busy_greeting_is_transient():
    with raw_server(b"421 4.3.2 too busy\r\n") as port:
        with pytest.raises(TransientMailError) as err:
            send_mail(otp_message(), settings(port))
    assert err.value.smtp_code == 421


def test_silent_server_times_out_as_transient():
    # Listening but never answering: the kernel completes the handshake, nobody speaks.
    with closing(socket.socket()) as listener:
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        port = listener.getsockname()[1]
        with pytest.raises(TransientMailError):
            send_mail(otp_message(), settings(port, timeout=0.5))


def test_settings_repr_hides_the_password():
    assert "s3cret" not in repr(settings(25, username="notify", password="s3cret"))
