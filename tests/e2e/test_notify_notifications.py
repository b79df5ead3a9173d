"""In-app notifications end to end: identity's events reach notify through RabbitMQ, the
mail lands in the development mailbox, and the user reads and marks the notices through
the gateway with an access token."""

import time
import uuid
from datetime import UTC, datetime

import jwt
from nameko.standalone.events import event_dispatcher

from laas_kernel.contracts import AccountCreated, PasswordChanged


def access_token(system, user_id, unit_id="unit-e2e"):
    now = int(time.time())
    claims = {
        "sub": user_id,
        "sid": str(uuid.uuid4()),
        "typ": "access",
        "usr": "somchai.j",
        "unit": unit_id,
        "grp": [],
        "prm": [],
        "rr": [unit_id],
        "rw": [unit_id],
        "iat": now,
        "exp": now + 600,
    }
    return jwt.encode(claims, system.config["LAAS_SECRET_KEY"], algorithm="HS256")


def test_notices_from_identity_events_are_listed_and_marked_read_through_the_gateway(system):
    user_id = f"u-{uuid.uuid4().hex[:8]}"
    email = f"{user_id}@example.com"
    dispatch = event_dispatcher({"AMQP_URI": system.config["AMQP_URI"]})
    created = AccountCreated(
        user_id=user_id,
        unit_id="unit-e2e",
        username="somchai.j",
        unit_name="เทศบาลตำบลบ้านสวน",
        email=email,
        occurred_at=datetime(2026, 11, 24, 3, 0, tzinfo=UTC),
    )
    changed = PasswordChanged(
        user_id=user_id,
        unit_id="unit-e2e",
        username="somchai.j",
        email=email,
        changed_at=datetime(2026, 11, 25, 7, 5, tzinfo=UTC),
        occurred_at=datetime(2026, 11, 25, 7, 5, tzinfo=UTC),
    )
    dispatch("identity", "account_created", created.to_payload())
    dispatch("identity", "password_changed", changed.to_payload())

    system.wait_for_mail(email, count=2)
    token = access_token(system, user_id)

    answer = system.get("/api/v1/notifications", token=token)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [item["title"] for item in body["items"]] == [
        "เปลี่ยนรหัสผ่านเรียบร้อยแล้ว",
        "บัญชีผู้ใช้ถูกสร้างแล้ว",
    ]
    assert body["unread_count"] == 2
    newest = body["items"][0]

    stranger = access_token(system, "u-stranger")
    refused = system.post(f"/api/v1/notifications/{newest['id']}/read", token=stranger)
    assert refused.status_code == 404
    assert refused.json()["error"]["code"] == "notification_not_found"

    marked = system.post(f"/api/v1/notifications/{newest['id']}/read", token=token)
    assert marked.status_code == 200, marked.text
    assert marked.json()["read"] is True

    unread = system.get("/api/v1/notifications?unread_only=true", token=token).json()
    assert [item["title"] for item in unread["items"]] == ["บัญชีผู้ใช้ถูกสร้างแล้ว"]

    assert system.get("/api/v1/notifications").status_code == 401
    bad_limit = system.get("/api/v1/notifications?limit=0", token=token)
    assert bad_limit.status_code == 400
    assert bad_limit.json()["error"]["code"] == "invalid_input"
