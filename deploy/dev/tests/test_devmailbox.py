"""The development mailbox keeps Thai mail readable and can refuse mail on demand."""

import json
import smtplib
from email.message import EmailMessage

import pytest
import requests
from devmailbox import DevMailbox


@pytest.fixture
def mailbox():
    box = DevMailbox("127.0.0.1", 0, 0).start()
    yield box
    box.stop()


def thai_mail(to="officer@example.go.th", subject="รหัส OTP สำหรับยืนยันตัวตน", otp="482913"):
    msg = EmailMessage()
    msg["From"] = "no-reply@laas.example"
    msg["To"] = to
    msg["Subject"] = subject
    msg.set_content(f"รหัส OTP ของท่านคือ {otp} (อ้างอิง E00152)")
    msg.add_alternative(f"<p>รหัส OTP ของท่านคือ <b>{otp}</b></p>", subtype="html")
    return msg


def send(box, msg):
    with smtplib.SMTP(box.host, box.smtp_port, timeout=5) as smtp:
        smtp.send_message(msg)


def test_thai_mail_is_read_back_decoded(mailbox):
    send(mailbox, thai_mail())

    got = requests.get(f"{mailbox.http_url}/api/messages", timeout=5).json()

    assert len(got) == 1
    m = got[0]
    assert m["subject"] == "รหัส OTP สำหรับยืนยันตัวตน"
    assert m["to"] == ["officer@example.go.th"]
    assert m["mail_from"] == "no-reply@laas.example"
    assert "รหัส OTP ของท่านคือ 482913" in m["text"]
    assert "<b>482913</b>" in m["html"]
    # The raw header is RFC 2047-encoded; only the decoded form is Thai.
    assert m["headers"]["To"] == "officer@example.go.th"
    assert m["received_at"] and m["id"]


def test_messages_are_newest_first_and_filtered_by_recipient(mailbox):
    send(mailbox, thai_mail(to="a@example.go.th", subject="หนึ่ง"))
    send(mailbox, thai_mail(to="b@example.go.th", subject="สอง"))
    send(mailbox, thai_mail(to="a@example.go.th", subject="สาม"))

    all_subjects = [m["subject"] for m in mailbox.messages()]
    to_a = requests.get(
        f"{mailbox.http_url}/api/messages", params={"to": "A@example.go.th"}, timeout=5
    ).json()

    assert all_subjects == ["สาม", "สอง", "หนึ่ง"]
    assert [m["subject"] for m in to_a] == ["สาม", "หนึ่ง"]


def test_delete_clears_every_message(mailbox):
    send(mailbox, thai_mail())

    response = requests.delete(f"{mailbox.http_url}/api/messages", timeout=5)

    assert response.status_code == 200
    assert requests.get(f"{mailbox.http_url}/api/messages", timeout=5).json() == []


def test_pages_list_and_show_messages(mailbox):
    send(mailbox, thai_mail(subject="แจ้ง <ทดสอบ>"))
    message_id = mailbox.messages()[0]["id"]

    index = requests.get(f"{mailbox.http_url}/", timeout=5)
    page = requests.get(f"{mailbox.http_url}/messages/{message_id}", timeout=5)
    missing = requests.get(f"{mailbox.http_url}/messages/999", timeout=5)

    assert index.status_code == 200 and "text/html" in index.headers["Content-Type"]
    assert "แจ้ง &lt;ทดสอบ&gt;" in index.text
    assert f"/messages/{message_id}" in index.text
    assert "รหัส OTP ของท่านคือ 482913" in page.text
    assert "482913" in page.text and "<iframe" in page.text
    assert missing.status_code == 404


@pytest.mark.parametrize(("mode", "code"), [("tempfail", 451), ("permfail", 550)])
def test_refusal_modes_give_smtp_errors(mailbox, mode, code):
    response = requests.post(f"{mailbox.http_url}/api/control", json={"mode": mode}, timeout=5)
    assert response.json() == {"mode": mode}

    with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
        send(mailbox, thai_mail())

    ((smtp_code, _),) = refused.value.recipients.values()
    assert smtp_code == code
    assert mailbox.messages() == []


def test_accept_mode_restores_delivery(mailbox):
    requests.post(f"{mailbox.http_url}/api/control", json={"mode": "tempfail"}, timeout=5)
    requests.post(f"{mailbox.http_url}/api/control", json={"mode": "accept"}, timeout=5)

    send(mailbox, thai_mail())

    assert len(mailbox.messages()) == 1


def test_unknown_mode_is_refused(mailbox):
    response = requests.post(f"{mailbox.http_url}/api/control", json={"mode": "x"}, timeout=5)

    assert response.status_code == 400
    assert mailbox.mode == "accept"


def test_store_file_keeps_messages_across_restarts(tmp_path):
    store = tmp_path / "mail.jsonl"
    first = DevMailbox("127.0.0.1", 0, 0, store_path=store).start()
    try:
        send(first, thai_mail(subject="ก่อนเริ่มใหม่"))
    finally:
        first.stop()

    second = DevMailbox("127.0.0.1", 0, 0, store_path=store).start()
    try:
        send(second, thai_mail(subject="หลังเริ่มใหม่"))
        subjects = [m["subject"] for m in second.messages()]
        ids = [m["id"] for m in second.messages()]
    finally:
        second.stop()

    assert subjects == ["หลังเริ่มใหม่", "ก่อนเริ่มใหม่"]
    assert len(set(ids)) == 2
    lines = store.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line)["subject"] for line in lines] == ["ก่อนเริ่มใหม่", "หลังเริ่มใหม่"]
