"""Who is calling: the access token checked at the gateway, and what units it reaches.

The identity service issues the tokens (HS256 with LAAS_SECRET_KEY); every gateway instance
checks them without an RPC. Revoking a user ends their sessions at once everywhere: identity
broadcasts ``sessions_revoked`` to every gateway instance, which keeps the revoked session ids
(until the tokens they could hold would have expired anyway).

Claims of an access token:
    sub   user id              sid   session id            typ  "access"
    usr   username             unit  home unit id          grp  groups   prm  permissions
    rr    units readable: "*", a list of unit ids, or "session"
    rw    units writable: "*", a list of unit ids, or "session"
    exp, iat

"session" stands for lists too long for a request header (a province office reaches hundreds
of units): the gateway then asks identity once for the session's units (``session_reach``)
and keeps the answer as long as that token lives.
"""

import logging
import time
from dataclasses import dataclass

import eventlet
import jwt
from eventlet.event import Event as GreenEvent
from nameko.extensions import DependencyProvider
from nameko.standalone.rpc import ClusterRpcProxy

from laas_kernel.errors import DomainError, Forbidden, ServiceUnavailable
from laas_kernel.settings import settings_from_config

log = logging.getLogger(__name__)

ACCESS_TOKEN_SECONDS = 15 * 60
# How long a request waits, once, for the revoked sessions a (re)started gateway loads.
REVOKED_LOAD_WAIT_SECONDS = 3.0
REACH_TIMEOUT_SECONDS = 5.0


class Unauthenticated(DomainError):
    code = "unauthenticated"
    message = "กรุณาเข้าสู่ระบบก่อนใช้งาน"


class TokenExpired(DomainError):
    code = "token_expired"
    message = "การเข้าสู่ระบบหมดอายุ กรุณาเข้าสู่ระบบอีกครั้ง"


class SessionRevoked(DomainError):
    code = "user_revoked"
    message = "บัญชีผู้ใช้นี้ถูกยกเลิกหรือออกจากระบบแล้ว กรุณาเข้าสู่ระบบอีกครั้ง"


@dataclass(frozen=True)
class Actor:
    user_id: str
    username: str
    session_id: str
    unit_id: str
    groups: tuple[str, ...]
    permissions: tuple[str, ...]
    readable: frozenset[str] | None  # None: every unit
    writable: frozenset[str] | None

    def can_read(self, unit_id) -> bool:
        return self.readable is None or str(unit_id) in self.readable

    def can_write(self, unit_id) -> bool:
        return self.writable is None or str(unit_id) in self.writable

    def require_read(self, unit_id):
        if not self.can_read(unit_id):
            raise Forbidden(details={"unit_id": str(unit_id)})

    def require_write(self, unit_id):
        if not self.can_write(unit_id):
            raise Forbidden(details={"unit_id": str(unit_id)})

    def require_permission(self, permission: str):
        if permission not in self.permissions:
            raise Forbidden("ท่านไม่มีสิทธิ์ใช้งานเมนูนี้", details={"permission": permission})

    def as_dict(self) -> dict:
        """What services receive as the caller (RPC payloads)."""
        return {
            "user_id": self.user_id,
            "username": self.username,
            "session_id": self.session_id,
            "unit_id": self.unit_id,
            "groups": list(self.groups),
            "permissions": list(self.permissions),
        }


BY_SESSION = "session"
REACH_CACHE_MAX = 10_000  # sessions whose units this gateway keeps


def _units(claim) -> frozenset[str] | None:
    if claim == "*":
        return None
    if not isinstance(claim, list):  # anything unexpected reaches nothing
        return frozenset()
    return frozenset(str(unit) for unit in claim)


def actor_from_claims(claims: dict) -> Actor:
    """The caller from a token whose claims list its units (or say "*")."""
    return Actor(
        user_id=str(claims["sub"]),
        username=claims.get("usr", ""),
        session_id=str(claims["sid"]),
        unit_id=str(claims.get("unit", "")),
        groups=tuple(claims.get("grp", ())),
        permissions=tuple(claims.get("prm", ())),
        readable=_units(claims.get("rr")),
        writable=_units(claims.get("rw")),
    )


class RevokedSessions:
    """Session ids revoked recently, per gateway instance."""

    def __init__(self, keep_seconds: float = ACCESS_TOKEN_SECONDS + 60):
        self.keep_seconds = keep_seconds
        self._until: dict[str, float] = {}

    def add(self, session_ids):
        until = time.monotonic() + self.keep_seconds
        for session_id in session_ids:
            self._until[str(session_id)] = until

    def __contains__(self, session_id) -> bool:
        until = self._until.get(str(session_id))
        if until is None:
            return False
        if until < time.monotonic():
            del self._until[str(session_id)]
            return False
        return True


def client_address(request) -> str:
    """The caller's address for throttling and the audit log: the first hop of
    X-Forwarded-For (set by the ingress in front of the gateway), else the socket's peer."""
    forwarded = request.headers.get("X-Forwarded-For", "")
    first = forwarded.split(",")[0].strip()
    return (first or request.remote_addr or "")[:64]


class Authenticator:
    def __init__(
        self,
        secret_key: str,
        revoked: RevokedSessions,
        loaded: GreenEvent | None = None,
        fetch_reach=None,
    ):
        self.secret_key = secret_key
        self.revoked = revoked
        self.loaded = loaded
        self._waited = loaded is None
        self.fetch_reach = fetch_reach  # session id -> {"readable", "writable"} from identity
        self._reach: dict[tuple, tuple] = {}  # (sid, iat) -> (exp, readable, writable)

    def _wait_for_revoked_list(self):
        # A restarted gateway must not accept a token revoked while it was down; wait for
        # the list once (bounded), then never again.
        if not self._waited:
            with eventlet.Timeout(REVOKED_LOAD_WAIT_SECONDS, False):
                self.loaded.wait()
            self._waited = True

    def revoke(self, session_ids):
        self.revoked.add(session_ids or ())

    def optional_actor(self, request) -> Actor | None:
        """The caller when a valid bearer token came with the request, else None."""
        if not request.headers.get("Authorization"):
            return None
        try:
            return self.actor(request)
        except DomainError:
            return None

    def token_of(self, request) -> str:
        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise Unauthenticated()
        return token.strip()

    def actor(self, request) -> Actor:
        try:
            claims = jwt.decode(
                self.token_of(request),
                self.secret_key,
                algorithms=["HS256"],
                options={"require": ["exp", "sub", "sid"]},
            )
        except jwt.ExpiredSignatureError:
            raise TokenExpired() from None
        except jwt.PyJWTError:
            raise Unauthenticated() from None
        if claims.get("typ") != "access":
            raise Unauthenticated()
        self._wait_for_revoked_list()
        if claims["sid"] in self.revoked:
            raise SessionRevoked()
        if BY_SESSION in (claims.get("rr"), claims.get("rw")):
            readable, writable = self._session_reach(claims)
            claims = {**claims, "rr": readable, "rw": writable}
        return actor_from_claims(claims)

    def _session_reach(self, claims) -> tuple:
        key = (claims["sid"], claims.get("iat"))
        kept = self._reach.get(key)
        if kept is None or kept[0] <= time.time():
            answer = self.fetch_reach(claims["sid"])
            if len(self._reach) >= REACH_CACHE_MAX:
                now = time.time()
                self._reach = {k: v for k, v in self._reach.items() if v[0] > now}
            kept = self._reach[key] = (claims["exp"], answer["readable"], answer["writable"])
        return kept[1], kept[2]


class Auth(DependencyProvider):
    """``self.auth.actor(request)`` in a route: the caller, or a 401.

    At start it asks identity for the sessions revoked recently (retrying until identity
    answers), so a gateway that was down when ``sessions_revoked`` went out refuses them too.
    """

    def __init__(self, load_revoked: bool = True):
        self.load_revoked = load_revoked

    def setup(self):
        settings = settings_from_config(self.container.config)
        self.revoked = RevokedSessions()
        self.loaded = GreenEvent()
        self.authenticator = Authenticator(
            settings.laas_secret_key,
            self.revoked,
            self.loaded if self.load_revoked else None,
            fetch_reach=self._fetch_reach,
        )
        self._running = False
        self._thread = None

    def start(self):
        if self.load_revoked:
            self._running = True
            self._thread = self.container.spawn_managed_thread(self._load_revoked)

    def stop(self):
        self._running = False
        if self._thread is not None:
            self._thread.kill()

    kill = stop

    def _load_revoked(self):
        config = {"AMQP_URI": self.container.config["AMQP_URI"]}
        delay = 1.0
        while self._running:
            try:
                with ClusterRpcProxy(config, timeout=5) as cluster:
                    session_ids = cluster.identity.recently_revoked_sessions()
                self.revoked.add(session_ids)
                self.loaded.send(True)
                log.info("loaded %s recently revoked sessions", len(session_ids))
                return
            except Exception as exc:  # identity not up yet: try again shortly
                log.info("revoked sessions not loaded yet (%s); retrying", type(exc).__name__)
                eventlet.sleep(delay)
                # Back off while identity is down: each try opens a connection of its own.
                delay = min(delay * 2, 30.0)

    def _fetch_reach(self, session_id) -> dict:
        # Once per session and token (15 minutes) per gateway: a connection of its own each
        # time is simpler than sharing a standalone proxy between green threads.
        config = {"AMQP_URI": self.container.config["AMQP_URI"]}
        try:
            with ClusterRpcProxy(config, timeout=REACH_TIMEOUT_SECONDS) as cluster:
                return cluster.identity.session_reach(session_id)
        except DomainError:
            raise
        except Exception as exc:
            log.warning("identity did not give a session's units: %s", type(exc).__name__)
            raise ServiceUnavailable() from None

    def get_dependency(self, worker_ctx):
        return self.authenticator
