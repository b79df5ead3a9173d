"""The notify service's nameko entrypoints: thin, they turn messages into calls."""

import os
from dataclasses import dataclass
from datetime import timedelta

from nameko.extensions import DependencyProvider

from laas_kernel.contracts import AccountCreated, OtpRequested, PasswordChanged
from laas_kernel.correlation import CorrelationId
from laas_kernel.db import Database
from laas_kernel.entrypoints import event_handler, rpc
from laas_kernel.health import service_health
from laas_kernel.outbox import OutboxRelay
from laas_kernel.sealing import unseal
from laas_kernel.settings import settings_from_config
from notify import delivery, notifications
from notify.delivery import DeliveryPolicy, MailRequest, NoticeRequest
from notify.domain.mail import render_mail
from notify.domain.notices import account_created_notice, password_changed_notice, valid_minutes
from notify.smtp_sender import SmtpSettings


@dataclass(frozen=True)
class MailSetup:
    smtp: SmtpSettings
    policy: DeliveryPolicy
    secret_key: str
    login_url: str


class MailConfig(DependencyProvider):
    """SMTP server, delivery policy and the key that opens sealed OTPs, from the config."""

    def setup(self):
        config = self.container.config
        settings = settings_from_config(config)

        def extra(name, default):
            value = config.get(name)
            return os.environ.get(name, default) if value is None else value

        self.mail = MailSetup(
            smtp=SmtpSettings(
                host=settings.smtp_host,
                port=settings.smtp_port,
                sender=settings.smtp_from,
                starttls=settings.smtp_starttls,
                username=settings.smtp_username or None,
                password=settings.smtp_password or None,
                timeout=float(extra("SMTP_TIMEOUT_SECONDS", 10)),
            ),
            policy=DeliveryPolicy(
                max_attempts=int(extra("MAIL_MAX_ATTEMPTS", 30)),
                lease=timedelta(seconds=float(extra("MAIL_LEASE_SECONDS", 120))),
            ),
            secret_key=settings.laas_secret_key,
            login_url=str(extra("PUBLIC_URL", f"http://127.0.0.1:{settings.gateway_port}/")),
        )

    def get_dependency(self, worker_ctx):
        return self.mail


class NotifyService:
    name = "notify"

    db = Database("notify")
    outbox_relay = OutboxRelay()
    correlation_id = CorrelationId()
    mail = MailConfig()

    @rpc
    def health(self):
        return service_health(self.name, self.db)

    # events -------------------------------------------------------------------------

    @event_handler("identity", "otp_requested")
    def on_otp_requested(self, payload):
        event = OtpRequested.model_validate(payload)
        request = MailRequest(event.event_id, "otp", event.email, event.user_id, event.unit_id)

        def context():
            # The code exists in clear only here, in memory, on its way into the message.
            return {
                "code": unseal(event.code_sealed, self.mail.secret_key),
                "ref": event.otp_ref,
                "expires_at": event.expires_at,
                "valid_minutes": valid_minutes(event.ttl_seconds),
                "name": event.recipient_name,
            }

        self._handle(event, "notify.on_otp_requested", request, None, context)

    @event_handler("identity", "account_created")
    def on_account_created(self, payload):
        event = AccountCreated.model_validate(payload)
        notice = account_created_notice(event.username, event.unit_name, event.occurred_at)
        request = event.email and MailRequest(
            event.event_id, "account_created", event.email, event.user_id, event.unit_id
        )

        def context():
            return {
                "username": event.username,
                "login_url": self.mail.login_url,
                "name": event.recipient_name,
                "unit_name": event.unit_name,
                "thaid_required": event.thaid_required,
            }

        self._handle(event, "notify.on_account_created", request, notice, context)

    @event_handler("identity", "password_changed")
    def on_password_changed(self, payload):
        event = PasswordChanged.model_validate(payload)
        notice = password_changed_notice(event.username, event.changed_at)
        request = event.email and MailRequest(
            event.event_id, "password_changed", event.email, event.user_id, event.unit_id
        )

        def context():
            return {
                "username": event.username,
                "changed_at": event.changed_at,
                "name": event.recipient_name,
            }

        self._handle(event, "notify.on_password_changed", request, notice, context)

    def _handle(self, event, handler, request, notice, context):
        notice_request = notice and NoticeRequest(
            event.event_id, notice, event.user_id, event.unit_id, event.occurred_at
        )
        delivery.accept(
            self.db,
            event.event_id,
            handler,
            mail=request,
            notice=notice_request,
            policy=self.mail.policy,
        )
        if not request:
            return

        def build():
            return render_mail(
                request.template,
                context(),
                to=request.recipient,
                sender=self.mail.smtp.sender,
                event_id=event.event_id,
            )

        delivery.deliver(self.db, request, build, self.mail.smtp, self.mail.policy)

    # in-app notifications -----------------------------------------------------------

    @rpc
    def list_notifications(self, user_id, unread_only=False, limit=50):
        return notifications.list_for_user(self.db, user_id, unread_only, limit)

    @rpc
    def mark_read(self, user_id, notification_id):
        return notifications.mark_read(self.db, user_id, notification_id)

    # operators ----------------------------------------------------------------------

    @rpc
    def dead_letters(self, include_replayed=False):
        """What gave up, for operators; replay with ``python -m laas_kernel.deadletter``."""
        return notifications.dead_letters(self.db, include_replayed)
