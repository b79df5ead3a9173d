"""The notify service through RabbitMQ, PostgreSQL and a real SMTP server on loopback.

The development mailbox runs as its own process (as in the system tests) and is switched
between accepting, 451 (tempfail) and 550 (permfail) answers through its control API.
"""

import logging
import time
import uuid
from datetime import UTC, datetime

import eventlet
import pytest
import requests
from nameko.standalone.events import event_dispatcher
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import sessionmaker

from laas_kernel.contracts import AccountCreated, OtpRequested, PasswordChanged
from laas_kernel.deadletter import list_dead_letters, replay
from laas_kernel.errors import DomainError
from laas_kernel.schema import inbox
from laas_kernel.sealing import seal
from laas_kernel.standalone import rpc_cluster
from notify.models import Delivery
from notify.service import NotifyService
from testing.system import DEV, DevProcess, free_port

SECRET = "notify-test-secret"
SENDER = "ระบบบัญชี New e-LAAS <noreply@laas.example.go.th>"
CODE = "482913"
EXPIRES = datetime(2026, 11, 25, 7, 5, tzinfo=UTC)  # 14:05 in Bangkok


class Mailbox:
    """The dev mailbox process, read and steered over HTTP."""

    def __init__(self, smtp_port=None):
        self.smtp_port = smtp_port or free_port()
        self.http_port = free_port()
        self.url = f"http://127.0.0.1:{self.http_port}"
        self.process = DevProcess(
            [
                str(DEV / "devmailbox.py"),
                "--smtp-port",
                str(self.smtp_port),
                "--http-port",
                str(self.http_port),
            ],
            self.url,
        )

    def set_mode(self, mode):
        requests.post(f"{self.url}/api/control", json={"mode": mode}, timeout=5).raise_for_status()

    def messages(self, to):
        return requests.get(f"{self.url}/api/messages", params={"to": to}, timeout=5).json()

    def stop(self):
        self.process.stop()


@pytest.fixture(scope="module")
def mailbox():
    box = Mailbox()
    yield box
    box.stop()


def wait_for(condition, timeout=10.0, what="condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        eventlet.sleep(0.05)
    raise AssertionError(f"{what} not met within {timeout} s")


class Notify:
    """The service under test, its database and a way to publish identity's events."""

    def __init__(self, run_services, databases, amqp_uri, smtp_port):
        self.run_services = run_services
        self.amqp_uri = amqp_uri
        self.smtp_port = smtp_port
        self.engine = create_engine(databases("notify"))
        self.sessionmaker = sessionmaker(bind=self.engine)
        self.dispatch = event_dispatcher({"AMQP_URI": amqp_uri})

    def start(self, **overrides):
        config = dict(
            SMTP_HOST="127.0.0.1",
            SMTP_PORT=self.smtp_port,
            SMTP_FROM=SENDER,
            SMTP_TIMEOUT_SECONDS=3,
            LAAS_SECRET_KEY=SECRET,
            PUBLIC_URL="https://laas.example.go.th/",
        )
        return self.run_services(NotifyService, **{**config, **overrides})

    def publish(self, event, payload=None):
        self.dispatch("identity", event.event_type, payload or event.to_payload())

    def delivery(self, event_id):
        with self.sessionmaker() as session:
            return session.scalar(select(Delivery).where(Delivery.event_id == event_id))

    def dead_letters(self):
        return list_dead_letters(self.sessionmaker)


@pytest.fixture
def notify(run_services, databases, amqp_uri, mailbox):
    mailbox.set_mode("accept")
    harness = Notify(run_services, databases, amqp_uri, mailbox.smtp_port)
    yield harness
    harness.engine.dispose()


def an_address():
    return f"somchai.{uuid.uuid4().hex[:8]}@example.com"


def otp_event(email, **kwargs):
    values = dict(
        user_id="u-1001",
        unit_id="unit-7",
        username="somchai.j",
        email=email,
        recipient_name="นายสมหมาย ใจดี",
        otp_ref="E00152",
        code_sealed=seal(CODE, SECRET),
        expires_at=EXPIRES,
        ttl_seconds=300,
    )
    return OtpRequested(**{**values, **kwargs})


# content ----------------------------------------------------------------------------


def test_otp_mail_carries_code_ref_and_expiry_in_thai_and_the_log_never_the_code(
    notify, mailbox, caplog
):
    caplog.set_level(logging.DEBUG)
    notify.start()
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    mail = wait_for(lambda: mailbox.messages(email), what="the OTP mail")[0]
    assert mail["subject"] == "รหัส OTP สำหรับยืนยันตัวตน ระบบ New e-LAAS (เลขอ้างอิง : E00152)"
    for expected in (CODE, "เลขอ้างอิง : E00152", "ใช้ได้ 5 นาที", "เรียน นายสมหมาย ใจดี"):
        assert expected in mail["text"]
    assert "หมดเวลาวันที่ 25 พฤศจิกายน 2569 เวลา 14:05 น." in mail["text"]
    assert CODE in mail["html"] and "E00152" in mail["html"]
    headers = mail["headers"]
    assert headers["Message-ID"].strip() == f"<{event.event_id}.otp@laas.example.go.th>"
    assert headers["X-LAAS-Event-Id"] == str(event.event_id)
    assert headers["From"] == SENDER
    assert headers["To"] == email
    assert headers["Content-Language"] == "th"
    assert headers["Content-Type"].startswith("multipart/alternative")
    assert mail["mail_from"] == "noreply@laas.example.go.th"

    row = notify.delivery(event.event_id)
    assert (row.status, row.attempts, row.template, row.recipient) == ("sent", 1, "otp", email)
    assert row.sent_at is not None and row.first_attempt_at <= row.sent_at
    assert row.message_id == headers["Message-ID"].strip()
    with notify.sessionmaker() as session:
        every_row = [
            *session.execute(text("SELECT * FROM deliveries")).all(),
            *session.execute(text("SELECT * FROM notifications")).all(),
        ]
    assert CODE not in repr(every_row)
    assert CODE not in caplog.text


def test_account_and_password_notices_arrive_as_mail_and_in_app(notify, mailbox):
    notify.start()
    email = an_address()
    created = AccountCreated(
        user_id="u-2002",
        unit_id="unit-7",
        username="somchai.j",
        unit_name="เทศบาลตำบลบ้านสวน",
        email=email,
        recipient_name="นายสมชาย ใจดี",
        occurred_at=datetime(2026, 11, 24, 3, 0, tzinfo=UTC),
    )
    changed = PasswordChanged(
        user_id="u-2002",
        unit_id="unit-7",
        username="somchai.j",
        email=email,
        changed_at=EXPIRES,
        occurred_at=EXPIRES,
    )
    notify.publish(created)
    notify.publish(changed)

    mails = wait_for(lambda: len(mailbox.messages(email)) == 2 and mailbox.messages(email))
    by_subject = {m["subject"]: m for m in mails}
    welcome = by_subject["สร้างบัญชีผู้ใช้งานระบบ New e-LAAS แล้ว: วิธีเข้าสู่ระบบครั้งแรก"]
    for expected in ("somchai.j", "https://laas.example.go.th/", "ThaiD", "เทศบาลตำบลบ้านสวน"):
        assert expected in welcome["text"]
    warning = by_subject["แจ้งเตือน: มีการเปลี่ยนรหัสผ่านบัญชีระบบ New e-LAAS"]
    assert "25 พฤศจิกายน 2569 เวลา 14:05 น." in warning["text"]
    # A long Message-ID is folded onto its own line; unfolding leaves a leading space.
    assert warning["headers"]["Message-ID"].strip() == (
        f"<{changed.event_id}.password_changed@laas.example.go.th>"
    )

    with rpc_cluster(notify.amqp_uri) as cluster:
        listed = wait_for(lambda: len(cluster.notify.list_notifications("u-2002")["items"]) == 2)
        listed = cluster.notify.list_notifications("u-2002")
        titles = [item["title"] for item in listed["items"]]
        assert titles == ["เปลี่ยนรหัสผ่านเรียบร้อยแล้ว", "บัญชีผู้ใช้ถูกสร้างแล้ว"]  # newest first
        assert listed["unread_count"] == 2
        newest = listed["items"][0]
        assert "somchai.j" in newest["body"] and not newest["read"]

        with pytest.raises(DomainError) as refused:
            cluster.notify.mark_read("u-someone-else", newest["id"])
        assert refused.value.code == "notification_not_found"
        assert cluster.notify.mark_read("u-2002", newest["id"])["read"] is True

        unread = cluster.notify.list_notifications("u-2002", unread_only=True)
        assert [item["title"] for item in unread["items"]] == ["บัญชีผู้ใช้ถูกสร้างแล้ว"]
        assert cluster.notify.list_notifications("u-someone-else")["items"] == []


def test_notice_without_an_address_is_in_app_only(notify, mailbox):
    notify.start()
    changed = PasswordChanged(user_id="u-3003", username="malee", changed_at=EXPIRES)
    notify.publish(changed)
    with rpc_cluster(notify.amqp_uri) as cluster:
        wait_for(lambda: cluster.notify.list_notifications("u-3003")["items"])
    assert notify.delivery(changed.event_id) is None


# reliability ------------------------------------------------------------------------


def test_mail_held_back_by_a_busy_server_arrives_once_when_it_recovers(notify, mailbox):
    notify.start()
    mailbox.set_mode("tempfail")
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    failing = wait_for(
        lambda: (row := notify.delivery(event.event_id)) and row.attempts >= 3 and row,
        what="three failed attempts",
    )
    assert failing.status in ("failed", "sending")
    assert mailbox.messages(email) == []
    mailbox.set_mode("accept")

    wait_for(lambda: mailbox.messages(email), timeout=15, what="the mail after the outage")
    eventlet.sleep(0.5)
    assert len(mailbox.messages(email)) == 1
    row = notify.delivery(event.event_id)
    assert row.status == "sent" and row.attempts >= 4 and row.last_error is None
    assert notify.dead_letters() == []


def test_mail_waits_for_a_server_that_is_down_then_arrives_once(notify):
    port = free_port()  # nothing listens here yet
    notify.start(SMTP_PORT=port)
    email = an_address()
    event = otp_event(email)
    notify.publish(event)
    row = wait_for(
        lambda: (row := notify.delivery(event.event_id)) and row.attempts >= 2 and row,
        what="two refused connections",
    )
    assert row.last_error == "connection refused"

    late_mailbox = Mailbox(smtp_port=port)
    try:
        wait_for(lambda: late_mailbox.messages(email), timeout=15, what="the late mail")
        eventlet.sleep(0.5)
        assert len(late_mailbox.messages(email)) == 1
    finally:
        late_mailbox.stop()
    assert notify.delivery(event.event_id).status == "sent"


def test_a_redelivered_event_sends_no_second_mail(notify, mailbox, caplog):
    caplog.set_level(logging.INFO, logger="notify.delivery")
    notify.start()
    email = an_address()
    event = otp_event(email)
    payload = event.to_payload()
    notify.publish(event, payload)
    notify.publish(event, payload)  # at once: two workers race for the same event

    wait_for(lambda: mailbox.messages(email), what="the mail")
    notify.publish(event, payload)  # long after: the log says it went out

    def skipped():
        return caplog.text.count("already sent; nothing to do") >= 2

    wait_for(skipped, what="both duplicates handled")
    eventlet.sleep(0.3)
    assert len(mailbox.messages(email)) == 1
    row = notify.delivery(event.event_id)
    assert (row.status, row.attempts) == ("sent", 1)
    with notify.sessionmaker() as session:
        claims = session.scalar(
            select(func.count()).select_from(inbox).where(inbox.c.event_id == event.event_id)
        )
    assert claims == 1


def test_a_refused_recipient_is_dead_lettered_and_replayed_once(notify, mailbox):
    notify.start()
    mailbox.set_mode("permfail")
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    dead = wait_for(notify.dead_letters, what="a dead letter")
    assert len(dead) == 1 and dead[0]["attempts"] == 1
    assert "550" in dead[0]["error"] and CODE not in dead[0]["error"]
    row = notify.delivery(event.event_id)
    assert (row.status, row.attempts) == ("dead", 1)
    assert "550" in row.last_error
    with rpc_cluster(notify.amqp_uri) as cluster:
        shown = cluster.notify.dead_letters()
    assert shown[0]["event_id"] == str(event.event_id)
    assert shown[0]["recipient"].startswith("xxx") and email not in repr(shown)
    assert mailbox.messages(email) == []

    mailbox.set_mode("accept")
    assert replay(notify.sessionmaker, notify.amqp_uri) == [dead[0]["id"]]
    wait_for(lambda: mailbox.messages(email), what="the replayed mail")
    eventlet.sleep(0.3)
    assert len(mailbox.messages(email)) == 1
    row = notify.delivery(event.event_id)
    assert (row.status, row.attempts) == ("sent", 2)
    assert notify.dead_letters() == []


def test_too_many_temporary_failures_end_in_the_dead_letters(notify, mailbox):
    notify.start(MAIL_MAX_ATTEMPTS=3)
    mailbox.set_mode("tempfail")
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    dead = wait_for(notify.dead_letters, what="a dead letter")
    assert "gave up after 3 attempts" in dead[0]["error"]
    row = notify.delivery(event.event_id)
    assert (row.status, row.attempts) == ("dead", 3)

    mailbox.set_mode("accept")
    replay(notify.sessionmaker, notify.amqp_uri)
    wait_for(lambda: mailbox.messages(email), what="the replayed mail")
    assert notify.delivery(event.event_id).status == "sent"


def test_an_otp_sealed_with_another_key_is_dead_lettered_at_once(notify, mailbox):
    notify.start()
    email = an_address()
    event = otp_event(email, code_sealed=seal(CODE, "some-other-key"))
    notify.publish(event)
    dead = wait_for(notify.dead_letters, what="a dead letter")
    assert "cannot build the mail" in dead[0]["error"]
    assert notify.delivery(event.event_id).status == "dead"
    assert mailbox.messages(email) == []


FAIL_SENT_RECORDS = """
CREATE SEQUENCE sent_records;
CREATE FUNCTION fail_sent_records() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- nextval is not rolled back, so the count survives the failing transactions.
    IF NEW.status = 'sent' AND nextval('sent_records') <= {times} THEN
        RAISE EXCEPTION 'simulated failure of the commit after SMTP';
    END IF;
    RETURN NEW;
END $$;
CREATE TRIGGER fail_sent BEFORE UPDATE ON deliveries
    FOR EACH ROW EXECUTE FUNCTION fail_sent_records();
"""


def test_a_failed_commit_after_smtp_accepted_does_not_send_twice(notify, mailbox):
    """The window between SMTP's 250 and the "sent" commit: the commit is tried again."""
    with notify.engine.begin() as conn:
        conn.execute(text(FAIL_SENT_RECORDS.format(times=2)))
    notify.start()
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    wait_for(lambda: (row := notify.delivery(event.event_id)) and row.status == "sent")
    eventlet.sleep(0.3)
    assert len(mailbox.messages(email)) == 1
    assert notify.delivery(event.event_id).attempts == 1


def test_an_attempt_whose_outcome_was_lost_is_resent_with_the_same_message_id(notify, mailbox):
    """If "sent" cannot be recorded at all, the attempt's outcome is unknown: once its
    lease runs out the mail goes again, with the same Message-ID for receivers to drop."""
    with notify.engine.begin() as conn:
        conn.execute(text(FAIL_SENT_RECORDS.format(times=4)))
    notify.start(MAIL_LEASE_SECONDS=0.5)
    email = an_address()
    event = otp_event(email)
    notify.publish(event)

    wait_for(lambda: (row := notify.delivery(event.event_id)) and row.status == "sent", timeout=15)
    mails = mailbox.messages(email)
    assert len(mails) == 2
    assert {m["headers"]["Message-ID"].strip() for m in mails} == {
        f"<{event.event_id}.otp@laas.example.go.th>"
    }
    assert notify.delivery(event.event_id).attempts == 2
