"""The identity service's nameko entrypoints: thin, they turn messages into calls.

The gateway passes ``client_address`` (for throttling and the audit log) and, for signed-in
calls, ``actor`` (the token's user and session, re-checked here against the database).
"""

import logging
from datetime import date, datetime

from nameko.extensions import DependencyProvider

from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.entrypoints import every, rpc
from laas_kernel.health import service_health
from laas_kernel.outbox import OutboxRelay
from laas_kernel.settings import settings_from_config

from . import activation_flow, administration, bootstrap, signin
from .adapters.thaid import provider_from
from .config import IdentityConfig
from .context import Context, utcnow
from .passwords import Passwords
from .tokens import ACCESS_TOKEN_SECONDS

log = logging.getLogger(__name__)


def plain(value):
    """RPC answers as plain JSON values (dates as ISO strings)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value


class IdentityRuntime(DependencyProvider):
    """Settings, the password hasher and the ThaiD adapter, made once per container; creates
    the Department administrator at start."""

    def setup(self):
        self.settings = settings_from_config(self.container.config)
        self.config = IdentityConfig.from_config(self.container.config)
        self.passwords = Passwords.from_config(self.config)
        self.thaid = provider_from(self.config, self.settings.thaid_url)

    def start(self):
        database = next(d for d in self.container.dependencies if isinstance(d, Database))
        username = self.settings.laas_admin_username
        with database.new_session() as session, session.begin():
            bootstrap.ensure_admin(
                session, username, lambda: self.passwords.hash(self.settings.laas_admin_password)
            )

    def context(self, session, client_address=None) -> Context:
        return Context(
            session=session,
            settings=self.settings,
            config=self.config,
            passwords=self.passwords,
            thaid=self.thaid,
            now=utcnow(),
            client_address=client_address,
        )

    def get_dependency(self, worker_ctx):
        return self


class IdentityService:
    name = "identity"

    db = Database("identity")
    outbox_relay = OutboxRelay()
    correlation_id = CorrelationId()
    runtime = IdentityRuntime()

    def _ctx(self, client_address=None) -> Context:
        return self.runtime.context(self.db, client_address)

    @rpc
    def health(self):
        return service_health(self.name, self.db)

    # --- sign-in and activation ---------------------------------------------------------

    @rpc
    def login(self, username, password, client_address=None):
        return plain(signin.login(self._ctx(client_address), username, password))

    @rpc
    def activation_citizen_id(self, activation_token, citizen_id, client_address=None):
        ctx = self._ctx(client_address)
        return plain(activation_flow.citizen_id(ctx, activation_token, citizen_id))

    @rpc
    def activation_thaid_callback(self, activation_token, params, client_address=None):
        ctx = self._ctx(client_address)
        return plain(activation_flow.thaid_callback(ctx, activation_token, params))

    @rpc
    def activation_email(self, activation_token, email, client_address=None):
        return plain(activation_flow.email(self._ctx(client_address), activation_token, email))

    @rpc
    def activation_resend_otp(self, activation_token, client_address=None):
        return plain(activation_flow.resend_otp(self._ctx(client_address), activation_token))

    @rpc
    def activation_verify_otp(self, activation_token, otp, client_address=None):
        return plain(activation_flow.verify(self._ctx(client_address), activation_token, otp))

    @rpc
    def activation_set_password(self, activation_token, new_password, client_address=None):
        ctx = self._ctx(client_address)
        return plain(activation_flow.set_password(ctx, activation_token, new_password))

    # --- sessions -------------------------------------------------------------------------

    @rpc
    def refresh(self, refresh_token, client_address=None):
        return plain(signin.refresh(self._ctx(client_address), refresh_token))

    @rpc
    def logout(self, session_id=None, refresh_token=None, client_address=None):
        return plain(signin.logout(self._ctx(client_address), session_id, refresh_token))

    @rpc
    def session_reach(self, session_id):
        """{"readable", "writable"}: "*" or unit ids, for tokens that name them by session."""
        return signin.session_reach(self._ctx(), session_id)

    @every("THROTTLE_PRUNE_SECONDS", 600)
    def prune_sign_in_throttle(self):
        signin.prune_throttle(self._ctx())

    @rpc
    def recently_revoked_sessions(self, seconds=ACCESS_TOKEN_SECONDS + 60):
        """For a gateway that (re)starts: sessions whose access tokens may still be alive."""
        return signin.recently_revoked(self._ctx(), int(seconds))

    @rpc
    def me(self, actor):
        return plain(signin.me(self._ctx(), actor))

    @rpc
    def update_profile(self, actor, profile, client_address=None):
        return plain(signin.update_profile(self._ctx(client_address), actor, profile))

    # --- administration -------------------------------------------------------------------

    @rpc
    def create_unit(self, actor, body, client_address=None):
        return plain(administration.create_unit(self._ctx(client_address), actor, body))

    @rpc
    def get_unit(self, actor, unit_id):
        return plain(administration.get_unit(self._ctx(), actor, unit_id))

    @rpc
    def dissolve_unit(self, actor, unit_id, client_address=None):
        return plain(administration.dissolve_unit(self._ctx(client_address), actor, unit_id))

    @rpc
    def merge_unit(self, actor, unit_id, successor_id, client_address=None):
        ctx = self._ctx(client_address)
        return plain(administration.merge_unit(ctx, actor, unit_id, successor_id))

    @rpc
    def create_user(self, actor, body, client_address=None):
        return plain(administration.create_user(self._ctx(client_address), actor, body))

    @rpc
    def get_user(self, actor, user_id):
        return plain(administration.get_user(self._ctx(), actor, user_id))

    @rpc
    def change_groups(self, actor, user_id, groups, client_address=None):
        ctx = self._ctx(client_address)
        return plain(administration.change_groups(ctx, actor, user_id, groups))

    @rpc
    def revoke_user(self, actor, user_id, client_address=None):
        return plain(administration.revoke_user(self._ctx(client_address), actor, user_id))

    @rpc
    def access_review(self, actor, unit_id=None):
        return plain(administration.access_review(self._ctx(), actor, unit_id))
