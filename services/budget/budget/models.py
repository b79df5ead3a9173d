"""The budget service's tables (its own database; the kernel adds outbox, inbox, dead_letters)."""

from sqlalchemy.orm import DeclarativeBase


class Base(DeclarativeBase):
    pass
