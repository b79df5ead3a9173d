"""Sealing a secret that must travel in an event (an OTP on its way to the mailer).

The outbox row and the broker message would otherwise hold the code in clear; sealed with
a key derived from LAAS_SECRET_KEY, only services holding that key can read it.
"""

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(("laas-sealing:" + secret_key).encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(plaintext: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode()


def unseal(token: str, secret_key: str) -> str:
    try:
        return _fernet(secret_key).decrypt(token.encode()).decode()
    except InvalidToken:
        raise ValueError("sealed value cannot be opened with this key") from None
