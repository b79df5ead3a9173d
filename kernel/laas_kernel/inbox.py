"""Inbox: makes an event handler's effect happen once, however often RabbitMQ delivers.

The handler claims ``(event_id, handler)`` in the same transaction as its effect. A
redelivery finds the claim already there and does nothing; if the first attempt rolled
back, so did its claim, and the redelivery does the work.
"""

from uuid import UUID

from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.orm import Session

from .schema import inbox


def claim(session: Session, event_id: UUID | str, handler: str) -> bool:
    """True the first time this handler sees this event (within the open transaction)."""
    result = session.execute(
        insert(inbox)
        .values(event_id=UUID(str(event_id)), handler=handler)
        .on_conflict_do_nothing()
        .returning(inbox.c.event_id)
    )
    return result.first() is not None
