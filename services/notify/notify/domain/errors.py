"""What can go wrong when notify renders or sends a mail.

Rendering refusals are ``DomainError``s (a stable code, a Thai message). Delivery failures
are plain exceptions: they never reach a user, they only tell the consumer whether to
retry the message later or to dead-letter it now.
"""

from laas_kernel.errors import DomainError


class UnknownTemplate(DomainError):
    code = "unknown_template"
    message = "ไม่พบแบบข้อความอีเมลที่ระบุ"


class MailContextIncomplete(DomainError):
    code = "mail_context_incomplete"
    message = "ข้อมูลสำหรับจัดทำอีเมลไม่ครบถ้วน"


class MailDeliveryError(Exception):
    """The SMTP server did not take the message; ``reason`` is safe to log (no OTP)."""

    def __init__(self, reason, smtp_code=None):
        self.reason = reason
        self.smtp_code = smtp_code
        super().__init__(reason)


class TransientMailError(MailDeliveryError):
    """Worth retrying later: server down or busy, 4xx reply, connection lost."""

    # Read by the kernel's event handler: retried with backoff, beyond EVENT_MAX_ATTEMPTS.
    transient = True


class PermanentMailError(MailDeliveryError):
    """Retrying the same message will fail again: 5xx reply, refused credentials."""

    # Read by the kernel's event handler: dead-lettered at once.
    permanent = True


class MailInProgress(Exception):
    """Another worker is sending this event's mail right now (a duplicate delivery of the
    event): look again later, when that attempt has either succeeded or failed."""

    transient = True


class MailGivenUp(Exception):
    """The mail failed too many times, or cannot be built: dead-letter it for operators."""

    permanent = True


class NotificationNotFound(DomainError):
    code = "notification_not_found"
    message = "ไม่พบการแจ้งเตือนที่ต้องการ"
