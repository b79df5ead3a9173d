"""Turn a template name and its facts into a ready-to-send e-mail.

Each template is three files in ``notify/templates``: ``<name>.subject.j2``,
``<name>.txt.j2`` and ``<name>.html.j2``. Only the HTML part is autoescaped: names come
from users and must not become markup.
"""

import re
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import cache
from pathlib import Path

import jinja2

from notify.domain.errors import MailContextIncomplete, UnknownTemplate
from notify.domain.thai_dates import format_thai_date, format_thai_datetime

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"

# What each template cannot do without; optional keys (name, thaid_required) have defaults.
REQUIRED_CONTEXT = {
    "otp": ("code", "ref", "expires_at", "valid_minutes"),
    "account_created": ("username", "login_url"),
    "password_changed": ("username", "changed_at"),
}
OPTIONAL_CONTEXT = {
    "otp": {"name": None},
    "account_created": {"name": None, "unit_name": None, "thaid_required": True},
    "password_changed": {"name": None},
}
KNOWN_TEMPLATES = frozenset(REQUIRED_CONTEXT)

EVENT_ID_HEADER = "X-LAAS-Event-Id"
_MSGID_SAFE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,100}$")


@cache
def _environment():
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=jinja2.select_autoescape(
            enabled_extensions=("html.j2",), default_for_string=False, default=False
        ),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.filters["thai_datetime"] = format_thai_datetime
    env.filters["thai_date"] = format_thai_date
    return env


def render_mail(template_name, context, *, to, sender, event_id=None, now=None) -> EmailMessage:
    """The message for ``template_name`` filled with ``context``, addressed and dated.

    ``event_id`` (the event that asked for this mail) goes into ``X-LAAS-Event-Id`` and the
    Message-ID, so a redelivered event yields a recognisable duplicate.
    """
    if template_name not in KNOWN_TEMPLATES:
        raise UnknownTemplate(details={"template": template_name})
    missing = sorted(k for k in REQUIRED_CONTEXT[template_name] if context.get(k) is None)
    if missing:
        raise MailContextIncomplete(details={"template": template_name, "missing": missing})
    values = {**OPTIONAL_CONTEXT[template_name], **context}

    env = _environment()
    subject = env.get_template(f"{template_name}.subject.j2").render(values)
    text = env.get_template(f"{template_name}.txt.j2").render(values)
    html = env.get_template(f"{template_name}.html.j2").render(values)

    msg = EmailMessage()
    # A header is one line; template line breaks must not turn into folded garbage.
    msg["Subject"] = " ".join(subject.split())
    msg["From"] = sender
    msg["To"] = to
    msg["Date"] = format_datetime(now or datetime.now(UTC))
    msg["Message-ID"] = _message_id(sender, template_name, event_id)
    if event_id is not None:
        msg[EVENT_ID_HEADER] = str(event_id)
    # RFC 3834: tells vacation responders not to answer a machine.
    msg["Auto-Submitted"] = "auto-generated"
    msg.set_content(text, subtype="plain", charset="utf-8")
    msg.add_alternative(html, subtype="html", charset="utf-8")
    # After the parts: set_content drops Content-* headers already present.
    msg["Content-Language"] = "th"
    return msg


def _message_id(sender, template_name, event_id):
    domain = parseaddr(sender)[1].rpartition("@")[2] or "laas.local"
    if event_id is not None and _MSGID_SAFE.match(str(event_id)):
        return f"<{event_id}.{template_name}@{domain}>"
    return make_msgid(idstring=template_name, domain=domain)


def mask_email(addr: str) -> str:
    """``xxxple@gmail.com``: for logs and screens, as the login manual shows it.

    A fixed ``xxx`` stands for the hidden part so its length is not given away; at most the
    last 3 characters of the local part show, and never the whole of a short one.
    """
    local, at, domain = addr.rpartition("@")
    if not at or not local:
        return "xxx"
    shown = local[-min(3, len(local) - 1) :] if len(local) > 1 else ""
    return f"xxx{shown}@{domain}"
