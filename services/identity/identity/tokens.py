"""Tokens the identity service hands out.

Access tokens are JWTs (HS256, LAAS_SECRET_KEY) in the claim format the gateway checks
(gateway/gateway/auth.py): sub, sid, usr, unit, grp, prm, rr, rw, typ "access", 15 minutes.
Refresh and activation tokens are opaque random strings; only their SHA-256 is stored.
"""

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

import jwt

ACCESS_TOKEN_SECONDS = 15 * 60
ALGORITHM = "HS256"


def new_opaque_token() -> str:
    return secrets.token_urlsafe(32)


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def otp_secret(secret_key: str) -> bytes:
    """The key of the OTP hashes, apart from the token-signing use of the same secret."""
    return hmac.new(secret_key.encode(), b"laas-otp-hash", hashlib.sha256).digest()


def _units_claim(unit_ids) -> str | list[str]:
    return "*" if unit_ids is None else sorted(str(unit) for unit in unit_ids)


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
        "rr": _units_claim(readable),
        "rw": _units_claim(writable),
        "iat": int(now.timestamp()),
        "exp": int((now + timedelta(seconds=seconds)).timestamp()),
    }
    return jwt.encode(claims, secret_key, algorithm=ALGORITHM)
