"""Event contracts: what a service tells the others happened.

Every event carries its id (the consumers' idempotency key), when it happened, the unit
it concerns and the facts, so that a consumer never needs an RPC back to understand it.
"""

from datetime import UTC, datetime
from typing import ClassVar
from uuid import UUID, uuid4

from pydantic import BaseModel, ConfigDict, Field


def utcnow() -> datetime:
    return datetime.now(UTC)


class Event(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    source: ClassVar[str]  # the publishing service: events go to "<source>.events"
    event_type: ClassVar[str]  # the routing key and the name handlers subscribe to

    event_id: UUID = Field(default_factory=uuid4)
    occurred_at: datetime = Field(default_factory=utcnow)
    unit_id: str | None = None

    def to_payload(self) -> dict:
        return self.model_dump(mode="json")
