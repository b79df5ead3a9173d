"""Who is calling: the access token checked at the gateway, and what units it reaches.

The identity service issues the tokens (HS256 with LAAS_SECRET_KEY); every gateway instance
checks them without an RPC. Revoking a user ends their sessions at once everywhere: identity
broadcasts ``sessions_revoked`` to every gateway instance, which keeps the revoked session ids
(until the tokens they could hold would have expired anyway).

Claims of an access token:
    sub   user id              sid   session id            typ  "access"
    usr   username             unit  home unit id          grp  groups   prm  permissions
    rr    units readable: "*" or a list of unit ids
    rw    units writable: "*" or a list of unit ids
    exp, iat
"""

import time
from dataclasses import dataclass

import jwt
from nameko.extensions import DependencyProvider

from laas_kernel.errors import DomainError, Forbidden
from laas_kernel.settings import settings_from_config

ACCESS_TOKEN_SECONDS = 15 * 60


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


def _units(claim) -> frozenset[str] | None:
    if claim == "*":
        return None
    return frozenset(str(unit) for unit in (claim or []))


def actor_from_claims(claims: dict) -> Actor:
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


class Authenticator:
    def __init__(self, secret_key: str, revoked: RevokedSessions):
        self.secret_key = secret_key
        self.revoked = revoked

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
        if claims["sid"] in self.revoked:
            raise SessionRevoked()
        return actor_from_claims(claims)


class Auth(DependencyProvider):
    """``self.auth.actor(request)`` in a route: the caller, or a 401."""

    def setup(self):
        settings = settings_from_config(self.container.config)
        self.revoked = RevokedSessions()
        self.authenticator = Authenticator(settings.laas_secret_key, self.revoked)

    def get_dependency(self, worker_ctx):
        return self.authenticator
