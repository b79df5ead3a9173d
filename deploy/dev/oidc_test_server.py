"""A minimal local OpenID Connect provider, to test a ThaiD OIDC adapter without ThaiD.

    python deploy/dev/oidc_test_server.py --port 8091 [--host 127.0.0.1]
        [--persons deploy/dev/thaid_persons.json] [--pid 1101700203450]
        [--client-id laas-dev] [--client-secret laas-dev-secret]

    GET  /.well-known/openid-configuration   discovery
    GET  /authorize   auto-approves: 302 to redirect_uri?code=…&state=… for the person named
                      by login_hint (or the configured pid); error=access_denied when that
                      person is unknown (not registered with ThaiD)
    POST /token       authorization_code grant; client_secret_post or client_secret_basic;
                      PKCE (S256/plain) checked when the request carried a code_challenge
    GET  /jwks        the RS256 public key
    GET  /userinfo    Bearer access_token -> the person's claims

The id_token carries iss, sub, aud, exp, iat, auth_time, nonce, pid, title, given_name,
family_name. The RSA key is made at start, so a token outlives no restart.

Importable: OidcTestServer(host, port, persons) with start(), stop(), .issuer; persons is
a list like thaid_persons.json or a mapping citizen_id -> person; port 0 picks a free port.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import secrets
import signal
import threading
import time
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa
from http_thread import serve_in_thread, stop_serving
from jwt.algorithms import RSAAlgorithm

DEFAULT_PERSONS = Path(__file__).with_name("thaid_persons.json")
CODE_TTL_SECONDS = 60
TOKEN_TTL_SECONDS = 3600


def normalise_persons(persons) -> dict[str, dict]:
    if isinstance(persons, dict):
        return {pid: {"citizen_id": pid, **p} for pid, p in persons.items()}
    return {p["citizen_id"]: dict(p) for p in persons or []}


def pkce_matches(verifier: str | None, challenge: str, method: str) -> bool:
    if not verifier:
        return False
    if method == "S256":
        digest = hashlib.sha256(verifier.encode("ascii")).digest()
        expected = base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
    else:
        expected = verifier
    return hmac.compare_digest(expected, challenge)


class OAuthError(Exception):
    def __init__(self, status: int, error: str, description: str):
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description


class _Handler(BaseHTTPRequestHandler):
    server_version = "oidc-test-server/1"

    @property
    def provider(self) -> OidcTestServer:
        return self.server.provider

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if self.provider.verbose:
            super().log_message(format, *args)

    def _json(self, status: int, payload, headers: dict | None = None) -> None:
        data = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Cache-Control", "no-store")
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.FOUND)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def do_GET(self):
        url = urlsplit(self.path)
        query = {k: v[0] for k, v in parse_qs(url.query).items()}
        p = self.provider
        if url.path == "/.well-known/openid-configuration":
            self._json(HTTPStatus.OK, p.discovery())
        elif url.path == "/jwks":
            self._json(HTTPStatus.OK, p.jwks())
        elif url.path == "/authorize":
            self._authorize(query)
        elif url.path == "/userinfo":
            self._userinfo()
        else:
            self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})

    def do_POST(self):
        url = urlsplit(self.path)
        if url.path != "/token":
            return self._json(HTTPStatus.NOT_FOUND, {"error": "not_found"})
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode("utf-8")).items()}
        try:
            self._json(HTTPStatus.OK, self.provider.exchange_code(form, self._basic_auth()))
        except OAuthError as exc:
            headers = {"WWW-Authenticate": "Basic"} if exc.status == 401 else None
            self._json(
                exc.status, {"error": exc.error, "error_description": exc.description}, headers
            )

    def _basic_auth(self) -> tuple[str, str] | None:
        header = self.headers.get("Authorization", "")
        if not header.startswith("Basic "):
            return None
        try:
            user, _, password = base64.b64decode(header[6:]).decode("utf-8").partition(":")
        except ValueError:
            return None
        return user, password

    def _authorize(self, query: dict) -> None:
        redirect_uri = query.get("redirect_uri")
        if query.get("client_id") != self.provider.client_id or not redirect_uri:
            # Never redirect to an address we cannot vouch for.
            return self._json(
                HTTPStatus.BAD_REQUEST,
                {"error": "invalid_request", "error_description": "unknown client or no redirect"},
            )
        try:
            params = {"code": self.provider.issue_code(query), "state": query.get("state")}
        except OAuthError as exc:
            params = {"error": exc.error, "error_description": exc.description}
            params["state"] = query.get("state")
        scheme, netloc, path, existing, _ = urlsplit(redirect_uri)
        extra = urlencode({k: v for k, v in params.items() if v is not None})
        query_string = f"{existing}&{extra}" if existing else extra
        self._redirect(urlunsplit((scheme, netloc, path, query_string, "")))

    def _userinfo(self) -> None:
        header = self.headers.get("Authorization", "")
        claims = self.provider.userinfo(header.removeprefix("Bearer ").strip())
        if claims is None:
            return self._json(
                HTTPStatus.UNAUTHORIZED,
                {"error": "invalid_token"},
                {"WWW-Authenticate": 'Bearer error="invalid_token"'},
            )
        self._json(HTTPStatus.OK, claims)


class OidcTestServer:
    def __init__(
        self,
        host: str = "127.0.0.1",
        port: int = 8091,
        persons=None,
        client_id: str = "laas-dev",
        client_secret: str = "laas-dev-secret",
        pid: str | None = None,
        verbose: bool = False,
    ):
        self.host = host
        self.port = port
        self.persons = normalise_persons(persons)
        self.client_id = client_id
        self.client_secret = client_secret
        self.pid = pid
        self.verbose = verbose
        self.kid = secrets.token_hex(8)
        self._key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._lock = threading.Lock()
        self._codes: dict[str, dict] = {}
        self._tokens: dict[str, dict] = {}
        self._http: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def issuer(self) -> str:
        return f"http://{self.host}:{self.port}"

    def discovery(self) -> dict:
        return {
            "issuer": self.issuer,
            "authorization_endpoint": f"{self.issuer}/authorize",
            "token_endpoint": f"{self.issuer}/token",
            "jwks_uri": f"{self.issuer}/jwks",
            "userinfo_endpoint": f"{self.issuer}/userinfo",
            "response_types_supported": ["code"],
            "grant_types_supported": ["authorization_code"],
            "subject_types_supported": ["public"],
            "id_token_signing_alg_values_supported": ["RS256"],
            "scopes_supported": ["openid", "pid", "given_name", "family_name", "title"],
            "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
            "code_challenge_methods_supported": ["S256", "plain"],
            "claims_supported": [
                "iss",
                "sub",
                "aud",
                "exp",
                "iat",
                "auth_time",
                "nonce",
                "pid",
                "title",
                "given_name",
                "family_name",
            ],  # fmt: skip
        }

    def jwks(self) -> dict:
        jwk = RSAAlgorithm.to_jwk(self._key.public_key(), as_dict=True)
        return {"keys": [{**jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}]}

    def person_claims(self, pid: str) -> dict:
        person = self.persons[pid]
        return {
            "sub": pid,
            "pid": pid,
            "title": person.get("title", ""),
            "given_name": person.get("first_name", ""),
            "family_name": person.get("last_name", ""),
        }

    def issue_code(self, query: dict) -> str:
        if query.get("response_type", "code") != "code":
            raise OAuthError(400, "unsupported_response_type", "only response_type=code")
        pid = query.get("login_hint") or self.pid
        if not pid:
            raise OAuthError(400, "login_required", "no login_hint and no configured pid")
        if pid not in self.persons:
            raise OAuthError(400, "access_denied", "person not registered with ThaiD")
        code = secrets.token_urlsafe(24)
        with self._lock:
            self._codes[code] = {
                "pid": pid,
                "redirect_uri": query["redirect_uri"],
                "nonce": query.get("nonce"),
                "scope": query.get("scope", "openid"),
                "code_challenge": query.get("code_challenge"),
                "code_challenge_method": query.get("code_challenge_method", "plain"),
                "expires_at": time.time() + CODE_TTL_SECONDS,
                "auth_time": int(time.time()),
            }
        return code

    def exchange_code(self, form: dict, basic: tuple[str, str] | None) -> dict:
        client_id, client_secret = basic or (form.get("client_id"), form.get("client_secret"))
        if client_id != self.client_id or not hmac.compare_digest(
            client_secret or "", self.client_secret
        ):
            raise OAuthError(401, "invalid_client", "client authentication failed")
        if form.get("grant_type") != "authorization_code":
            raise OAuthError(400, "unsupported_grant_type", "only authorization_code")
        with self._lock:
            # A code is good once: popped whatever happens next.
            grant = self._codes.pop(form.get("code", ""), None)
        if grant is None or grant["expires_at"] < time.time():
            raise OAuthError(400, "invalid_grant", "unknown, used or expired code")
        if form.get("redirect_uri") != grant["redirect_uri"]:
            raise OAuthError(400, "invalid_grant", "redirect_uri does not match")
        if grant["code_challenge"] and not pkce_matches(
            form.get("code_verifier"), grant["code_challenge"], grant["code_challenge_method"]
        ):
            raise OAuthError(400, "invalid_grant", "PKCE code_verifier does not match")

        now = int(time.time())
        claims = {
            **self.person_claims(grant["pid"]),
            "iss": self.issuer,
            "aud": client_id,
            "iat": now,
            "exp": now + TOKEN_TTL_SECONDS,
            "auth_time": grant["auth_time"],
        }
        if grant["nonce"] is not None:
            claims["nonce"] = grant["nonce"]
        id_token = jwt.encode(claims, self._key, algorithm="RS256", headers={"kid": self.kid})
        access_token = secrets.token_urlsafe(32)
        with self._lock:
            self._tokens[access_token] = {
                "pid": grant["pid"],
                "expires_at": now + TOKEN_TTL_SECONDS,
            }
        return {
            "access_token": access_token,
            "token_type": "Bearer",
            "expires_in": TOKEN_TTL_SECONDS,
            "id_token": id_token,
            "scope": grant["scope"],
        }

    def userinfo(self, access_token: str) -> dict | None:
        with self._lock:
            token = self._tokens.get(access_token)
        if token is None or token["expires_at"] < time.time():
            return None
        return self.person_claims(token["pid"])

    def start(self) -> OidcTestServer:
        self._http, self._thread = serve_in_thread(
            self.host, self.port, _Handler, "oidc-test-server", provider=self
        )
        self.port = self._http.server_address[1]
        return self

    def stop(self) -> None:
        stop_serving(self._http, self._thread)
        self._http = self._thread = None

    def __enter__(self) -> OidcTestServer:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Local OpenID Connect provider for tests")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8091)
    parser.add_argument("--persons", default=str(DEFAULT_PERSONS), help="JSON list of persons")
    parser.add_argument("--pid", help="person signed in when /authorize has no login_hint")
    parser.add_argument("--client-id", default="laas-dev")
    parser.add_argument("--client-secret", default="laas-dev-secret")
    parser.add_argument("--verbose", action="store_true", help="log each HTTP request")
    args = parser.parse_args(argv)

    persons = json.loads(Path(args.persons).read_text(encoding="utf-8"))
    server = OidcTestServer(
        args.host, args.port, persons, args.client_id, args.client_secret, args.pid, args.verbose
    ).start()
    print(f"oidc-test-server: {server.issuer}/.well-known/openid-configuration", flush=True)
    stopped = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopped.set())
    try:
        stopped.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
