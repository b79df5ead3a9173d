"""Settings only the identity service reads: ThaiD adapter, hashing cost, lockout, sessions.

The shared names (OTP_TTL_SECONDS, THAID_URL, LAAS_SECRET_KEY, …) come from
``laas_kernel.settings``; these come from the container config (a test's overrides) or the
environment, with the defaults below.
"""

import os
from dataclasses import dataclass, fields
from datetime import date

from laas_kernel.settings import Settings, settings_from_config


def _bool(text) -> bool:
    return str(text).strip().lower() in ("1", "true", "yes", "on")


@dataclass(frozen=True)
class IdentityConfig:
    # ThaiD: "sandbox" (API.md's sandbox protocol at THAID_URL) or "oidc" (the real ThaiD).
    thaid_mode: str = "sandbox"
    thaid_oidc_issuer: str = ""
    thaid_oidc_client_id: str = ""
    thaid_oidc_client_secret: str = ""
    thaid_oidc_redirect_uri: str = ""
    thaid_oidc_scope: str = "openid pid given_name family_name title"
    thaid_timeout_seconds: float = 5.0
    # argon2id cost; tests lower it so that hashing stays quick.
    argon2_time_cost: int = 3
    argon2_memory_kib: int = 65536
    argon2_parallelism: int = 2
    # Lockout per account, throttling per username and per client address.
    lockout_max_failures: int = 5
    lockout_minutes: int = 15
    throttle_user_max: int = 10
    throttle_address_max: int = 60
    throttle_window_seconds: int = 60
    # Sessions and activation.
    refresh_token_hours: int = 12
    # Past this many units an access token names its units by session (tokens.py).
    token_units_max: int = 60
    activation_ttl_seconds: int = 30 * 60
    # The day the activation policy is read for (ISO date); empty: today. Lets a demo or a
    # test walk the flow of subordinate units before the 2025-02-18 cut-over.
    activation_policy_date: str = ""

    @classmethod
    def from_config(cls, config: dict | None = None) -> "IdentityConfig":
        config = config or {}
        values = {}
        for field in fields(cls):
            key = field.name.upper()
            raw = config.get(key, os.environ.get(key))
            if raw is None or raw == "":
                continue
            kind = type(field.default)
            values[field.name] = _bool(raw) if kind is bool else kind(raw)
        return cls(**values)

    @property
    def policy_date(self) -> date | None:
        return (
            date.fromisoformat(self.activation_policy_date) if self.activation_policy_date else None
        )


def load(config: dict) -> tuple[Settings, IdentityConfig]:
    return settings_from_config(config), IdentityConfig.from_config(config)
