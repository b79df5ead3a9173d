"""ThaiD sandbox: stands in for ThaiD in development and tests (the contract is in API.md).

    python deploy/dev/thaid_sandbox.py --port 8090 [--host 127.0.0.1] [--seed FILE]

    GET    /persons/{citizen_id}  200 {"citizen_id", "title", "first_name", "last_name"}, or 404
                                  when the person has not registered with ThaiD
    POST   /persons               same body -> 201 (adds or replaces a test person);
                                  422 when citizen_id is not 13 digits or a name field is missing
    GET    /persons               every person (sandbox only, for a look)
    DELETE /persons/{citizen_id}  204 (sandbox only: tests clean up after themselves)

The sandbox does not judge check digits: the identity service does that before it asks.

Importable: ThaidSandbox(host, port, seed_path) with start(), stop() and .url; port 0
picks a free port.
"""

from __future__ import annotations

import argparse
import json
import re
import signal
import threading
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

from http_thread import serve_in_thread, stop_serving

DEFAULT_SEED = Path(__file__).with_name("thaid_persons.json")
FIELDS = ("citizen_id", "title", "first_name", "last_name")
CITIZEN_ID = re.compile(r"^[0-9]{13}$")


def validate_person(body) -> tuple[dict | None, dict | None]:
    """(person, None) when the body is a valid person, else (None, error details)."""
    if not isinstance(body, dict):
        return None, {"body": "must be a JSON object"}
    problems = {}
    citizen_id = body.get("citizen_id")
    if not isinstance(citizen_id, str) or not CITIZEN_ID.match(citizen_id):
        problems["citizen_id"] = "must be 13 digits"
    for field in FIELDS[1:]:
        value = body.get(field)
        if not isinstance(value, str) or not value.strip():
            problems[field] = "required"
    if problems:
        return None, problems
    return {field: body[field].strip() for field in FIELDS}, None


def load_seed(path: str | Path | None) -> dict[str, dict]:
    if not path:
        return {}
    persons = {}
    for entry in json.loads(Path(path).read_text(encoding="utf-8")):
        person, problems = validate_person(entry)
        if problems:
            raise ValueError(f"bad person in {path}: {entry!r}: {problems}")
        persons[person["citizen_id"]] = person
    return persons


class _Handler(BaseHTTPRequestHandler):
    server_version = "thaid-sandbox/1"

    @property
    def sandbox(self) -> ThaidSandbox:
        return self.server.sandbox

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if self.sandbox.verbose:
            super().log_message(format, *args)

    def _json(self, status: int, payload=None) -> None:
        data = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
        self.send_response(status)
        if payload is not None:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _error(self, status: int, code: str, message: str, details=None) -> None:
        self._json(status, {"error": {"code": code, "message": message, "details": details or {}}})

    def _citizen_id_in_path(self) -> str | None:
        path = urlsplit(self.path).path
        if path.startswith("/persons/"):
            return path.removeprefix("/persons/").strip("/")
        return None

    def do_GET(self):
        path = urlsplit(self.path).path.rstrip("/")
        if path == "/persons":
            return self._json(HTTPStatus.OK, self.sandbox.persons())
        citizen_id = self._citizen_id_in_path()
        person = self.sandbox.find(citizen_id) if citizen_id else None
        if person is None:
            return self._error(HTTPStatus.NOT_FOUND, "not_registered", "ไม่พบข้อมูลใน ThaiD (sandbox)")
        self._json(HTTPStatus.OK, person)

    def do_POST(self):
        if urlsplit(self.path).path.rstrip("/") != "/persons":
            return self._error(HTTPStatus.NOT_FOUND, "not_found", "ไม่พบเส้นทางนี้")
        length = int(self.headers.get("Content-Length") or 0)
        try:
            body = json.loads(self.rfile.read(length) or b"null")
        except ValueError:
            body = None
        person, problems = validate_person(body)
        if problems:
            return self._error(
                HTTPStatus.UNPROCESSABLE_ENTITY,
                "invalid_person",
                "ข้อมูลบุคคลไม่ถูกต้อง",
                problems,
            )
        self.sandbox.add(person)
        self._json(HTTPStatus.CREATED, person)

    def do_DELETE(self):
        citizen_id = self._citizen_id_in_path()
        if not citizen_id or not self.sandbox.remove(citizen_id):
            return self._error(HTTPStatus.NOT_FOUND, "not_registered", "ไม่พบข้อมูลใน ThaiD (sandbox)")
        self._json(HTTPStatus.NO_CONTENT)


class ThaidSandbox:
    """The sandbox's persons in memory, served by a ThreadingHTTPServer in a thread."""

    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8090,
        seed_path: str | Path | None = DEFAULT_SEED,
        verbose: bool = False,
    ):
        self.host = host
        self.port = port
        self.verbose = verbose
        self._lock = threading.Lock()
        self._persons = load_seed(seed_path)
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def find(self, citizen_id: str) -> dict | None:
        with self._lock:
            person = self._persons.get(citizen_id)
            return dict(person) if person else None

    def add(self, person: dict) -> None:
        with self._lock:
            self._persons[person["citizen_id"]] = dict(person)

    def remove(self, citizen_id: str) -> bool:
        with self._lock:
            return self._persons.pop(citizen_id, None) is not None

    def persons(self) -> list[dict]:
        with self._lock:
            return [dict(p) for p in self._persons.values()]

    def start(self) -> ThaidSandbox:
        self._http, self._thread = serve_in_thread(
            self.host, self.port, _Handler, "thaid-sandbox", sandbox=self
        )
        self.port = self._http.server_address[1]
        return self

    def stop(self) -> None:
        stop_serving(self._http, self._thread)
        self._http = self._thread = None

    def __enter__(self) -> ThaidSandbox:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="ThaiD sandbox")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8090)
    parser.add_argument("--seed", default=str(DEFAULT_SEED), help="JSON list of persons")
    parser.add_argument("--verbose", action="store_true", help="log each HTTP request")
    args = parser.parse_args(argv)

    sandbox = ThaidSandbox(args.host, args.port, args.seed, args.verbose).start()
    print(f"thaid-sandbox: {sandbox.url}/persons ({len(sandbox.persons())} persons)", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
