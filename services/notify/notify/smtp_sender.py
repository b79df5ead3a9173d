"""Hand a rendered message to an SMTP server and say whether a failure is worth a retry.

smtplib blocks; under nameko the socket module is eventlet-patched, so it yields instead.
Every failure leaves as ``TransientMailError`` (retry later) or ``PermanentMailError``
(dead-letter now), with a ``reason`` that is safe to log: no OTP, recipients masked.
"""

import re
import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import parseaddr

from notify.domain.errors import PermanentMailError, TransientMailError
from notify.domain.mail import mask_email


@dataclass(frozen=True)
class SmtpSettings:
    host: str
    port: int
    sender: str  # envelope sender; may carry a display name, only the address is used
    starttls: bool = False
    username: str | None = None
    password: str | None = field(default=None, repr=False)
    timeout: float = 10.0


def send_mail(message: EmailMessage, settings: SmtpSettings) -> None:
    """Deliver ``message`` to its To/Cc recipients through ``settings``' server."""
    try:
        client = smtplib.SMTP(settings.host, settings.port, timeout=settings.timeout)
    except Exception as exc:
        raise _classify(exc) from None
    try:
        client.ehlo()
        if settings.starttls:
            client.starttls(context=ssl.create_default_context())
            client.ehlo()
        if settings.username:
            client.login(settings.username, settings.password or "")
        client.send_message(message, from_addr=parseaddr(settings.sender)[1])
    except Exception as exc:
        client.close()
        # from None: the original carries server text and smtplib state we do not log.
        raise _classify(exc) from None
    try:
        client.quit()
    except (smtplib.SMTPException, OSError):
        # The server already took the message; failing now would make us send it twice.
        client.close()


def _classify(exc):
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        replies = list(exc.recipients.values())
        # One permanent refusal is enough: a retry would be refused again for that address.
        code, text = max(replies, key=lambda r: r[0]) if replies else (None, b"")
        return _by_code(code, text)
    if isinstance(exc, smtplib.SMTPResponseException):
        # Sender refused, DATA refused, greeting, HELO and AUTH (535) replies.
        return _by_code(exc.smtp_code, exc.smtp_error)
    if isinstance(exc, smtplib.SMTPNotSupportedError):
        # STARTTLS or AUTH asked of a server without it: configuration, not bad luck.
        return PermanentMailError(_safe(f"server does not support STARTTLS/AUTH: {exc}"))
    if isinstance(exc, ssl.SSLCertVerificationError):
        # The same certificate will fail verification on every retry.
        return PermanentMailError(_safe(f"TLS certificate rejected: {exc}"))
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return TransientMailError(_safe(f"server disconnected: {exc}"))
    if isinstance(exc, TimeoutError):
        return TransientMailError("timed out")
    if isinstance(exc, ConnectionRefusedError):
        return TransientMailError("connection refused")
    # Anything else (network down, DNS, a reply smtplib could not read): try again later;
    # the consumer dead-letters a message that keeps failing.
    return TransientMailError(_safe(f"{type(exc).__name__}: {exc}"))


def _by_code(code, text):
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    reason = _safe(f"{code} {text}".strip())
    if isinstance(code, int) and 500 <= code <= 599:
        return PermanentMailError(reason, smtp_code=code)
    return TransientMailError(reason, smtp_code=code if isinstance(code, int) else None)


_SIX_DIGITS = re.compile(r"(?<!\d)\d{6}(?!\d)")
_ADDRESS = re.compile(r"[^\s<>\"'(),;:]+@[^\s<>\"'(),;:]+")


def _safe(text):
    """Server text made fit for logs: OTP-shaped numbers hidden, addresses masked."""
    text = _SIX_DIGITS.sub("[redacted]", str(text))
    return _ADDRESS.sub(lambda m: mask_email(m.group(0)), text)
