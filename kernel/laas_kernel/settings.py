"""Settings read from environment variables, with the names API.md documents."""

from functools import lru_cache

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.engine import make_url

SERVICES = ("identity", "ledger", "budget", "assets", "notify")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="", case_sensitive=False, extra="ignore")

    amqp_uri: str = "amqp://guest:guest@127.0.0.1:5672/"
    # The PostgreSQL server; each service keeps its own database on it.
    database_url: str = "postgresql://postgres@127.0.0.1:5432/postgres"
    # Databases are named "<prefix>_<service>"; tests use their own prefix.
    database_prefix: str = "laas"
    gateway_port: int = 8000
    smtp_host: str = "127.0.0.1"
    smtp_port: int = 1025
    smtp_from: str = "e-LAAS <no-reply@laas.local>"
    smtp_starttls: bool = False
    smtp_username: str = ""
    smtp_password: str = ""
    thaid_url: str = "http://127.0.0.1:8090"
    otp_ttl_seconds: int = 300
    otp_resend_after_seconds: int = 60
    laas_admin_username: str = "admin"
    laas_admin_password: str = "Admin#2568"
    laas_secret_key: str = "development-only-secret-change-me"
    rpc_timeout_seconds: float = 10.0
    # Event handlers: attempts before a message is dead-lettered, and the first backoff.
    event_max_attempts: int = 5
    event_retry_base_ms: int = 500

    def database_url_for(self, service: str) -> str:
        url = make_url(self.database_url).set(database=f"{self.database_prefix}_{service}")
        return url.render_as_string(hide_password=False)


@lru_cache
def get_settings() -> Settings:
    return Settings()


def settings_from_config(config: dict) -> Settings:
    """Settings for a nameko container: its config (from config.yml or a test) wins over
    the environment, so several containers in one test process can differ."""
    known = Settings.model_fields
    overrides = {k.lower(): v for k, v in config.items() if k.lower() in known and v is not None}
    return Settings(**overrides)
