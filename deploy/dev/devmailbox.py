"""Development mailbox: an SMTP server on loopback that keeps every message, and a web page
and JSON API to read them.

    python deploy/dev/devmailbox.py --smtp-port 1025 --http-port 8025 [--host 127.0.0.1]
                                    [--store FILE]

HTTP:
    GET    /                   the messages, newest first (Thai/English page)
    GET    /messages/<id>      one message: its text and its HTML part
    GET    /api/messages       JSON list, newest first; ?to=address keeps those sent to it
    GET    /api/messages/<id>  one message as JSON
    DELETE /api/messages       forget every message (and empty the store file)
    GET    /api/control        {"mode": ...}
    POST   /api/control        {"mode": "accept" | "tempfail" | "permfail"}: the SMTP server
                               answers 250, 451 or 550 to RCPT and DATA (fault tests)

Importable: DevMailbox(host, smtp_port, http_port, store_path=None) with start(), stop(),
messages(to=None), clear(), set_mode(mode). Port 0 picks a free port; the bound ports are
then in .smtp_port and .http_port.
"""

from __future__ import annotations

import argparse
import asyncio
import email
import email.policy
import html
import json
import signal
import threading
from datetime import UTC, datetime
from email.message import EmailMessage
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from aiosmtpd.smtp import SMTP
from http_thread import serve_in_thread, stop_serving

MODES = {
    "accept": None,
    "tempfail": "451 4.3.0 Mailbox temporarily unavailable (devmailbox tempfail mode)",
    "permfail": "550 5.1.1 Mailbox unavailable (devmailbox permfail mode)",
}


def parse_message(raw: bytes) -> dict:
    """The parts of a raw RFC 5322 message a reader needs, headers decoded (RFC 2047)."""
    msg: EmailMessage = email.message_from_bytes(raw, policy=email.policy.default)
    headers: dict[str, str] = {}
    for name, value in msg.items():
        # Repeated headers (Received, …) are kept, one per line.
        headers[name] = f"{headers[name]}\n{value}" if name in headers else str(value)
    return {
        "subject": str(msg.get("Subject", "")),
        "text": _body(msg, "plain"),
        "html": _body(msg, "html"),
        "headers": headers,
    }


def _body(msg: EmailMessage, subtype: str) -> str | None:
    part = msg.get_body(preferencelist=(subtype,))
    if part is None:
        return None
    try:
        return part.get_content()
    except (LookupError, UnicodeDecodeError):
        # An unknown or lying charset must not lose the message.
        return part.get_payload(decode=True).decode("utf-8", errors="replace")


class MessageStore:
    """Every accepted message, in arrival order; optionally mirrored to a JSONL file."""

    def __init__(self, path: str | Path | None = None):
        self._lock = threading.Lock()
        self._messages: list[dict] = []
        self._next_id = 1
        self._path = Path(path) if path else None
        if self._path and self._path.exists():
            for line in self._path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    self._messages.append(json.loads(line))
            if self._messages:
                self._next_id = max(int(m["id"]) for m in self._messages) + 1

    def add(self, mail_from: str, rcpt_tos: list[str], raw: bytes) -> dict:
        parsed = parse_message(raw)
        with self._lock:
            message = {
                "id": str(self._next_id),
                "received_at": datetime.now(UTC).isoformat(timespec="milliseconds"),
                "mail_from": mail_from,
                "to": list(rcpt_tos),
                **parsed,
            }
            self._next_id += 1
            self._messages.append(message)
            if self._path:
                with self._path.open("a", encoding="utf-8") as f:
                    f.write(json.dumps(message, ensure_ascii=False) + "\n")
        return message

    def list(self, to: str | None = None) -> list[dict]:
        with self._lock:
            found = list(reversed(self._messages))
        if to:
            wanted = to.strip().lower()
            found = [m for m in found if wanted in (a.lower() for a in m["to"])]
        return found

    def get(self, message_id: str) -> dict | None:
        with self._lock:
            return next((m for m in self._messages if m["id"] == message_id), None)

    def clear(self) -> None:
        with self._lock:
            self._messages.clear()
            if self._path:
                self._path.write_text("", encoding="utf-8")


class _SmtpHandler:
    """aiosmtpd handler: accepts or refuses by the mailbox's current mode."""

    def __init__(self, mailbox: DevMailbox):
        self.mailbox = mailbox

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        refusal = MODES[self.mailbox.mode]
        if refusal:
            return refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        refusal = MODES[self.mailbox.mode]
        if refusal:
            return refusal
        raw = envelope.original_content or envelope.content
        if isinstance(raw, str):
            raw = raw.encode("utf-8")
        self.mailbox.store.add(envelope.mail_from, envelope.rcpt_tos, raw)
        return "250 Message accepted for delivery"


PAGE = """<!doctype html>
<html lang="th"><head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: sans-serif; margin: 2em; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border-bottom: 1px solid #ddd; padding: .4em; text-align: left; }}
pre {{ white-space: pre-wrap; background: #f6f6f6; padding: 1em; }}
iframe {{ width: 100%; height: 28em; border: 1px solid #ddd; }}
</style></head><body>
{body}
</body></html>"""


def render_index(messages: list[dict]) -> str:
    rows = "".join(
        "<tr><td>{at}</td><td>{to}</td><td><a href='/messages/{id}'>{subject}</a></td></tr>".format(
            at=html.escape(m["received_at"]),
            to=html.escape(", ".join(m["to"])),
            id=html.escape(m["id"]),
            subject=html.escape(m["subject"] or "(ไม่มีหัวเรื่อง / no subject)"),
        )
        for m in messages
    )
    if not rows:
        rows = "<tr><td colspan='3'>ยังไม่มีจดหมาย / No messages yet</td></tr>"
    body = (
        "<h1>กล่องจดหมายสำหรับพัฒนา / Development mailbox</h1>"
        f"<p>{len(messages)} ฉบับ / messages</p>"
        "<table><tr><th>เวลา / Time</th><th>ถึง / To</th><th>เรื่อง / Subject</th></tr>"
        f"{rows}</table>"
    )
    return PAGE.format(title="Development mailbox", body=body)


def render_message(m: dict) -> str:
    parts = [
        f"<p><a href='/'>&larr; กลับ / Back</a></p><h1>{html.escape(m['subject'])}</h1>",
        "<table>",
        f"<tr><th>จาก / From</th><td>{html.escape(m['mail_from'])}</td></tr>",
        f"<tr><th>ถึง / To</th><td>{html.escape(', '.join(m['to']))}</td></tr>",
        f"<tr><th>เวลา / Time</th><td>{html.escape(m['received_at'])}</td></tr>",
        "</table>",
        "<h2>ข้อความ / Text</h2>",
        f"<pre>{html.escape(m['text'] or '')}</pre>",
    ]
    if m.get("html"):
        # srcdoc in a sandbox: the mail's HTML cannot run scripts in this page.
        parts += [
            "<h2>HTML</h2>",
            f'<iframe sandbox srcdoc="{html.escape(m["html"], quote=True)}"></iframe>',
        ]
    return PAGE.format(title=html.escape(m["subject"]), body="".join(parts))


class _HttpHandler(BaseHTTPRequestHandler):
    server_version = "devmailbox/1"

    @property
    def mailbox(self) -> DevMailbox:
        return self.server.mailbox

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if self.mailbox.verbose:
            super().log_message(format, *args)

    def _send(self, status: int, body: str, content_type: str) -> None:
        data = body.encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", f"{content_type}; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _json(self, status: int, payload) -> None:
        self._send(status, json.dumps(payload, ensure_ascii=False), "application/json")

    def _not_found(self) -> None:
        self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def do_GET(self):
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        store = self.mailbox.store
        if path == "/":
            self._send(HTTPStatus.OK, render_index(store.list()), "text/html")
        elif path == "/api/messages":
            to = parse_qs(url.query).get("to", [None])[0]
            self._json(HTTPStatus.OK, store.list(to))
        elif path == "/api/control":
            self._json(HTTPStatus.OK, {"mode": self.mailbox.mode})
        elif path.startswith("/api/messages/"):
            m = store.get(path.removeprefix("/api/messages/"))
            if m:
                self._json(HTTPStatus.OK, m)
            else:
                self._not_found()
        elif path.startswith("/messages/"):
            m = store.get(path.removeprefix("/messages/"))
            if m:
                self._send(HTTPStatus.OK, render_message(m), "text/html")
            else:
                self._not_found()
        else:
            self._not_found()

    def do_DELETE(self):
        if urlsplit(self.path).path.rstrip("/") == "/api/messages":
            self.mailbox.clear()
            self._json(HTTPStatus.OK, {"deleted": True})
        else:
            self._not_found()

    def do_POST(self):
        if urlsplit(self.path).path.rstrip("/") != "/api/control":
            return self._not_found()
        length = int(self.headers.get("Content-Length") or 0)
        try:
            mode = json.loads(self.rfile.read(length) or b"{}").get("mode")
        except (ValueError, AttributeError):
            mode = None
        if mode not in MODES:
            return self._json(
                HTTPStatus.BAD_REQUEST, {"error": "invalid_mode", "allowed": sorted(MODES)}
            )
        self.mailbox.set_mode(mode)
        self._json(HTTPStatus.OK, {"mode": mode})


class DevMailbox:
    """SMTP (aiosmtpd on its own asyncio loop) + HTTP (ThreadingHTTPServer), each in a thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        smtp_port: int = 1025,
        http_port: int = 8025,
        store_path: str | Path | None = None,
        verbose: bool = False,
    ):
        self.host = host
        self.smtp_port = smtp_port
        self.http_port = http_port
        self.verbose = verbose
        self.mode = "accept"
        self.store = MessageStore(store_path)
        self._loop: asyncio.AbstractEventLoop | None = None
        self._smtp_server: asyncio.AbstractServer | None = None
        self._http: ThreadingHTTPServer | None = None
        self._threads: list[threading.Thread] = []

    @property
    def http_url(self) -> str:
        return f"http://{self.host}:{self.http_port}"

    def start(self) -> DevMailbox:
        self._start_smtp()
        self._http, http_thread = serve_in_thread(
            self.host, self.http_port, _HttpHandler, "devmailbox-http", mailbox=self
        )
        self.http_port = self._http.server_address[1]
        self._threads.append(http_thread)
        return self

    def _start_smtp(self) -> None:
        ready = threading.Event()
        failure: list[BaseException] = []
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            asyncio.set_event_loop(self._loop)
            handler = _SmtpHandler(self)
            try:
                self._smtp_server = self._loop.run_until_complete(
                    self._loop.create_server(
                        lambda: SMTP(handler, enable_SMTPUTF8=True, hostname="devmailbox"),
                        self.host,
                        self.smtp_port,
                    )
                )
            except BaseException as exc:  # reported to start()'s caller below
                failure.append(exc)
                ready.set()
                return
            self.smtp_port = self._smtp_server.sockets[0].getsockname()[1]
            ready.set()
            self._loop.run_forever()
            self._smtp_server.close()
            self._loop.run_until_complete(self._smtp_server.wait_closed())
            self._loop.close()

        thread = threading.Thread(target=run, name="devmailbox-smtp", daemon=True)
        thread.start()
        self._threads.append(thread)
        if not ready.wait(10):
            raise RuntimeError("devmailbox: SMTP server did not start within 10 s")
        if failure:
            raise failure[0]

    def stop(self) -> None:
        stop_serving(self._http, None)
        self._http = None
        if self._loop is not None and self._loop.is_running():
            self._loop.call_soon_threadsafe(self._loop.stop)
        for thread in self._threads:
            thread.join(timeout=5)
        self._threads.clear()
        self._loop = None

    def __enter__(self) -> DevMailbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def messages(self, to: str | None = None) -> list[dict]:
        """Newest first, as GET /api/messages gives them."""
        return self.store.list(to)

    def clear(self) -> None:
        self.store.clear()

    def set_mode(self, mode: str) -> None:
        if mode not in MODES:
            raise ValueError(f"mode must be one of {sorted(MODES)}")
        self.mode = mode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Development mailbox (SMTP + web page)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--smtp-port", type=int, default=1025)
    parser.add_argument("--http-port", type=int, default=8025)
    parser.add_argument("--store", help="JSONL file: messages are appended and reloaded")
    parser.add_argument("--verbose", action="store_true", help="log each HTTP request")
    args = parser.parse_args(argv)

    mailbox = DevMailbox(args.host, args.smtp_port, args.http_port, args.store, args.verbose)
    mailbox.start()
    print(
        f"devmailbox: SMTP {args.host}:{mailbox.smtp_port}, web {mailbox.http_url}/",
        flush=True,
    )
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        mailbox.stop()


if __name__ == "__main__":
    main()
