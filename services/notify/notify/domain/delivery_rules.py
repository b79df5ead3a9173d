"""When to send an event's mail, given what the delivery log already says about it.

The log row is written before each SMTP attempt ("sending") and after it ("sent",
"failed", "dead"). A message redelivered by RabbitMQ, a duplicate publish or an operator's
replay all come back here, and the row decides, so a mail that went out is not sent again.
"""

from datetime import datetime, timedelta

QUEUED, SENDING, SENT, FAILED, DEAD = "queued", "sending", "sent", "failed", "dead"
STATUSES = (QUEUED, SENDING, SENT, FAILED, DEAD)

SEND, SKIP, WAIT = "send", "skip", "wait"


def next_step(status: str, last_attempt_at: datetime | None, now: datetime, lease: timedelta):
    """SEND, SKIP (already delivered) or WAIT (another worker is sending it right now).

    A "sending" row older than the lease is an attempt whose worker died before it could
    write the outcome: the mail may or may not have left. It is sent again, with the same
    Message-ID, so that a receiver can drop the copy; losing an OTP would be worse.
    """
    if status == SENT:
        return SKIP
    if status == SENDING and last_attempt_at is not None and now - last_attempt_at < lease:
        return WAIT
    # queued, failed (a retry), dead (an operator's replay), or an abandoned attempt.
    return SEND


def attempt_limit_after(status: str, attempts: int, give_up_at: int, max_attempts: int) -> int:
    """The attempt number at which transient failures stop being retried. A replay of a
    dead delivery gets a fresh allowance; otherwise the limit stays as it was."""
    if status == DEAD:
        return attempts + max_attempts
    return give_up_at


def gives_up(attempts: int, give_up_at: int) -> bool:
    return attempts >= give_up_at
