"""Tokens the identity service hands out.

Access tokens are JWTs (HS256, LAAS_SECRET_KEY) in the claim format the gateway checks
(gateway/gateway/auth.py): sub, sid, usr, unit, grp, prm, rr, rw, typ "access", 15 minutes;
rr/rw say "session" when the unit lists would not fit in a request header.
Refresh and activation tokens are opaque random strings; only their SHA-256 is stored.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import jwt

ACCESS_TOKEN_SECONDS = 15 * 60
ALGORITHM = "HS256"
# A unit id costs about 52 bytes of the token, and the gateway's web server refuses a header
# line over 8 KiB. Past this many units (readable and writable together) the token says
# "session" instead and the gateway asks identity for the session's units (session_reach).
TOKEN_UNITS_MAX = 60
BY_SESSION = "session"


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def otp_secret(secret_key: str) -> bytes:
    """The key of the OTP hashes, apart from the token-signing use of the same secret."""
    return hmac.new(secret_key.encode(), b"laas-otp-hash", hashlib.sha256).digest()


def units_claim(unit_ids) -> str | list[str]:
    return "*" if unit_ids is None else sorted(str(unit) for unit in unit_ids)


def reach_claims(readable, writable, units_max: int = TOKEN_UNITS_MAX) -> dict:
    """``rr``/``rw``: "*" for every unit, the unit ids, or "session" when the lists would
    make the token too large to send (a province office reaches hundreds of units)."""
    listed = sum(len(units) for units in (readable, writable) if units is not None)
    if listed > units_max:
        return {"rr": BY_SESSION, "rw": BY_SESSION}
    return {"rr": units_claim(readable), "rw": units_claim(writable)}


def access_token(
    *,
    secret_key: str,
    user_id: str,
    session_id: str,
    username: str,
    unit_id: str,
    groups,
    permissions,
    readable,
    writable,
    now: datetime,
    seconds: int = ACCESS_TOKEN_SECONDS,
    units_max: int = TOKEN_UNITS_MAX,
) -> str:
    """``readable``/``writable``: unit ids, or None for every unit ("*")."""
    claims = {
        "typ": "access",
        "sub": str(user_id),
        "sid": str(session_id),
        "usr": username,
        "unit": str(unit_id),
        "grp": sorted(groups),
        "prm": sorted(permissions),
        **reach_claims(readable, writable, units_max),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=seconds)).timestamp()),
    }
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)
