"""In-app notifications: what a user's home page lists, and marking one read."""

import uuid

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from laas_kernel.errors import InvalidInput
from laas_kernel.schema import dead_letters as dead_letters_table
from notify.domain.errors import NotificationNotFound
from notify.domain.mail import mask_email
from notify.models import Notification

MAX_LIMIT = 200


def as_item(row: Notification) -> dict:
    return {
        "id": str(row.id),
        "title": row.title,
        "body": row.body,
        "created_at": row.created_at.isoformat(),
        "read": row.read_at is not None,
    }


def _limit(limit) -> int:
    try:
        value = int(limit)
    except (TypeError, ValueError):
        value = 0
    if not 1 <= value <= MAX_LIMIT:
        raise InvalidInput(details={"fields": {"limit": f"1 ถึง {MAX_LIMIT}"}})
    return value


def list_for_user(session: Session, user_id: str, unread_only=False, limit=50) -> dict:
    """The user's notices, newest first, and how many are still unread."""
    query = select(Notification).where(Notification.user_id == str(user_id))
    if unread_only:
        query = query.where(Notification.read_at.is_(None))
    query = query.order_by(Notification.created_at.desc(), Notification.id).limit(_limit(limit))
    with session.begin():
        rows = session.execute(query).scalars().all()
        unread = session.scalar(
            select(func.count())
            .select_from(Notification)
            .where(Notification.user_id == str(user_id), Notification.read_at.is_(None))
        )
    return {"items": [as_item(row) for row in rows], "unread_count": unread}


def mark_read(session: Session, user_id: str, notification_id) -> dict:
    """Only the owner may; anyone else is told it does not exist (nothing leaks)."""
    try:
        wanted = uuid.UUID(str(notification_id))
    except ValueError:
        raise NotificationNotFound(details={"id": str(notification_id)}) from None
    with session.begin():
        row = session.execute(
            update(Notification)
            .where(Notification.id == wanted, Notification.user_id == str(user_id))
            .values(read_at=func.coalesce(Notification.read_at, func.now()))
            .returning(Notification)
            .execution_options(synchronize_session=False)
        ).scalar_one_or_none()
        if row is None:
            raise NotificationNotFound(details={"id": str(notification_id)})
        return as_item(row)


def dead_letters(session: Session, include_replayed=False) -> list[dict]:
    """Messages that gave up, without their payload (it carries the sealed OTP)."""
    table = dead_letters_table
    query = select(table).order_by(table.c.id)
    if not include_replayed:
        query = query.where(table.c.replayed_at.is_(None))
    with session.begin():
        rows = session.execute(query).all()
    return [
        {
            "id": row.id,
            "queue": row.queue,
            "event_type": row.event_type,
            "event_id": (row.payload or {}).get("event_id"),
            "recipient": mask_email((row.payload or {}).get("email") or ""),
            "error": row.error,
            "attempts": row.attempts,
            "failed_at": row.failed_at.isoformat(),
            "replayed_at": row.replayed_at and row.replayed_at.isoformat(),
        }
        for row in rows
    ]
