"""Exactly-once e-mail for an event: the delivery log is written around every SMTP attempt.

1. ``accept``: in one transaction, the inbox claim, the delivery row ("queued") and the
   in-app notice. A redelivered event finds the claim and adds nothing.
2. ``begin_attempt``: the row, locked, says whether to send at all ("sent": no). If so it
   becomes "sending" with the attempt counted, and that is committed before SMTP starts.
3. ``record_sent`` / ``record_failure`` after the attempt.

The one window no database closes: SMTP took the mail and then the "sent" commit failed.
``record_sent`` retries that commit; if it still fails, the row stays "sending" and the
event comes back. While the lease runs, a redelivery waits; after it the mail is sent again
with the same Message-ID, for the receiver to drop. A lost OTP would be worse than that.
"""

import logging
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage

from sqlalchemy import insert, select, update
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from laas_kernel import inbox
from notify.domain import delivery_rules as rules
from notify.domain.errors import (
    MailGivenUp,
    MailInProgress,
    PermanentMailError,
    TransientMailError,
)
from notify.domain.mail import mask_email
from notify.domain.notices import Notice
from notify.models import Delivery, Notification
from notify.smtp_sender import SmtpSettings, send_mail

log = logging.getLogger(__name__)

RECORD_SENT_PAUSES = (0.2, 0.5, 1.0)


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 30  # transient failures in a row before the mail is dead-lettered
    lease: timedelta = timedelta(seconds=120)  # how long a "sending" row holds off others


@dataclass(frozen=True)
class MailRequest:
    event_id: uuid.UUID
    template: str
    recipient: str
    user_id: str | None = None
    unit_id: str | None = None


@dataclass(frozen=True)
class NoticeRequest:
    event_id: uuid.UUID
    notice: Notice
    user_id: str
    unit_id: str | None
    created_at: datetime


def now_utc() -> datetime:
    return datetime.now(UTC)


def accept(
    session: Session,
    event_id: uuid.UUID,
    handler: str,
    *,
    mail: MailRequest | None,
    notice: NoticeRequest | None,
    policy: DeliveryPolicy,
) -> bool:
    """Record what this event asks for, once. False when it was already accepted."""
    with session.begin():
        if not inbox.claim(session, event_id, handler):
            return False
        if mail is not None:
            session.execute(
                insert(Delivery).values(
                    event_id=mail.event_id,
                    template=mail.template,
                    recipient=mail.recipient,
                    user_id=mail.user_id,
                    unit_id=mail.unit_id,
                    status=rules.QUEUED,
                    give_up_at=policy.max_attempts,
                )
            )
        if notice is not None:
            session.execute(
                insert(Notification).values(
                    id=uuid.uuid4(),
                    user_id=notice.user_id,
                    unit_id=notice.unit_id,
                    event_id=notice.event_id,
                    kind=notice.notice.kind,
                    title=notice.notice.title,
                    body=notice.notice.body,
                    created_at=notice.created_at,
                )
            )
        return True


@dataclass(frozen=True)
class Attempt:
    number: int
    give_up_at: int


def begin_attempt(session: Session, event_id, policy: DeliveryPolicy, now=None) -> Attempt | None:
    """The attempt to make now (committed as "sending"), or None when the mail went out.

    Raises ``MailInProgress`` while another worker's attempt holds the lease.
    """
    now = now or now_utc()
    with session.begin():
        row = session.execute(
            select(Delivery)
            .where(Delivery.event_id == event_id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one()
        step = rules.next_step(row.status, row.last_attempt_at, now, policy.lease)
        if step == rules.SKIP:
            return None
        if step == rules.WAIT:
            raise MailInProgress(f"delivery {row.id} is being sent by another worker")
        give_up_at = rules.attempt_limit_after(
            row.status, row.attempts, row.give_up_at, policy.max_attempts
        )
        if row.status == rules.SENDING:
            log.warning(
                "delivery %s: the outcome of attempt %s is unknown; sending again with the "
                "same Message-ID",
                row.id,
                row.attempts,
            )
        row.status = rules.SENDING
        row.attempts += 1
        row.give_up_at = give_up_at
        row.first_attempt_at = row.first_attempt_at or now
        row.last_attempt_at = now
        return Attempt(number=row.attempts, give_up_at=give_up_at)


def record_sent(session: Session, event_id, message_id: str):
    """Mark the mail sent; a failing commit is tried again, since SMTP already took it."""
    for pause in (*RECORD_SENT_PAUSES, None):
        try:
            with session.begin():
                session.execute(
                    update(Delivery)
                    .where(Delivery.event_id == event_id)
                    .values(
                        status=rules.SENT, sent_at=now_utc(), message_id=message_id, last_error=None
                    )
                )
            return
        except DBAPIError:
            if pause is None:
                raise
            log.warning("could not record a sent mail (event %s); trying again", event_id)
            session.rollback()
            time.sleep(pause)


def record_failure(session: Session, event_id, reason: str, *, dead: bool):
    with session.begin():
        session.execute(
            update(Delivery)
            .where(Delivery.event_id == event_id)
            .values(status=rules.DEAD if dead else rules.FAILED, last_error=reason[:2000])
        )


def deliver(
    session: Session,
    mail: MailRequest,
    build_message: Callable[[], EmailMessage],
    smtp: SmtpSettings,
    policy: DeliveryPolicy,
    send=send_mail,
) -> bool:
    """Send the event's mail unless it already went out. True when sent by this call.

    Failures leave as exceptions the kernel's event handler understands: transient ones
    (retried with backoff) and permanent ones (dead-lettered), the log row updated first.
    """
    attempt = begin_attempt(session, mail.event_id, policy)
    if attempt is None:
        log.info("mail for event %s already sent; nothing to do", mail.event_id)
        return False
    try:
        message = build_message()
    except Exception as exc:
        # A mail that cannot be built (missing facts, a seal we cannot open) never will be.
        reason = f"cannot build the mail: {type(exc).__name__}: {exc}"
        record_failure(session, mail.event_id, reason, dead=True)
        raise MailGivenUp(reason) from None
    try:
        send(message, smtp)
    except PermanentMailError as exc:
        record_failure(session, mail.event_id, exc.reason, dead=True)
        raise
    except TransientMailError as exc:
        if rules.gives_up(attempt.number, attempt.give_up_at):
            reason = f"gave up after {attempt.number} attempts: {exc.reason}"
            record_failure(session, mail.event_id, reason, dead=True)
            raise MailGivenUp(reason) from None
        record_failure(session, mail.event_id, exc.reason, dead=False)
        raise
    record_sent(session, mail.event_id, message["Message-ID"])
    log.info(
        "mail %s to %s sent (event %s, attempt %s)",
        mail.template,
        mask_email(mail.recipient),
        mail.event_id,
        attempt.number,
    )
    return True
