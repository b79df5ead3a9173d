"""The activation steps after login: ThaiD, e-mail, OTP, new password (login manual 1–4).

Each call loads the activation by its token with a row lock, so two calls with the same
token run one after the other and a replayed step meets ``activation_step_invalid``.
"""

from datetime import datetime

from sqlalchemy import select

from laas_kernel.contracts import OtpRequested, PasswordChanged
from laas_kernel.outbox import add_event
from laas_kernel.sealing import seal

from . import audit
from . import repository as repo
from .adapters.thaid import ThaidMismatch
from .context import Context, open_session
from .domain.activation import (
    STEP_CITIZEN_ID,
    STEP_OTP,
    STEP_PASSWORD,
    STEP_THAID,
    THAID_ON_FILE,
    ActivationExpired,
    ActivationStepOutOfOrder,
    ThaidNotRegistered,
)
from .domain.citizen_id import require_valid_citizen_id
from .domain.otp import (
    OtpError,
    OtpRecord,
    issue_otp,
    mask_email,
    require_resend_allowed,
    verify_otp,
)
from .domain.password_policy import PasswordUnchanged, require_strong_password
from .errors import ThaidRedirectNotUsed
from .models import ActivationRow
from .signin import ACTIVE, PENDING
from .tokens import otp_secret, token_hash


def _load(ctx: Context, activation_token):
    """(row, activation, user) for a live activation token, locked for this transaction."""
    presented = token_hash(activation_token if isinstance(activation_token, str) else "")
    row = ctx.session.execute(
        select(ActivationRow)
        .where(ActivationRow.token_hash == presented)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if row is None:
        raise ActivationExpired()
    if row.closed_at is not None:
        if row.closed_reason == "done":
            raise ActivationStepOutOfOrder(details={"expected": "done"})
        raise ActivationExpired(details={"reason": row.closed_reason})
    user = repo.get_user(ctx.session, row.user_id, for_update=True)
    if user.status not in (PENDING, ACTIVE):
        raise ActivationExpired(details={"reason": "revoked"})
    activation = repo.activation_of(row)
    activation.require_not_expired(ctx.now)
    return row, activation, user


def _audit(ctx: Context, event: str, user, outcome="ok", **details):
    audit.record(
        ctx.session,
        event,
        outcome=outcome,
        subject_user_id=user.id,
        unit_id=user.unit_id,
        client_address=ctx.client_address,
        **details,
    )


# --- ThaiD --------------------------------------------------------------------------------


def citizen_id(ctx: Context, activation_token, typed_id) -> dict:
    """The user typed their ID: checked (format, check digit) before ThaiD is asked."""
    refusal, answer = None, None
    with ctx.session.begin():
        row, activation, user = _load(ctx, activation_token)
        activation.require_next(STEP_CITIZEN_ID, ctx.now)
        checked_id = require_valid_citizen_id(typed_id)
        if ctx.thaid.redirects:
            url, pending = ctx.thaid.begin(login_hint=checked_id)
            row.oidc = {**pending, "typed": checked_id}
            answer = {"next_step": STEP_THAID, "authorization_url": url}
        else:
            identity = ctx.thaid.lookup(checked_id)
            if identity is None:
                refusal = ThaidNotRegistered()
                _audit(ctx, audit.THAID_CHECKED, user, "refused", citizen_id=checked_id)
            else:
                activation = activation.thaid_confirmed(identity, now=ctx.now)
                repo.store_activation(row, activation)
                _audit(ctx, audit.THAID_CHECKED, user, source="typed")
                answer = {"identity": identity.as_public(), "next_step": activation.next_step}
    if refusal is not None:
        raise refusal
    return answer


def thaid_callback(ctx: Context, activation_token, params: dict) -> dict:
    """OIDC: ThaiD sent the user back with a code (or an error); the ID must be theirs."""
    refusal, answer = None, None
    with ctx.session.begin():
        row, activation, user = _load(ctx, activation_token)
        on_file = activation.policy.thaid == THAID_ON_FILE
        activation.require_next(STEP_THAID if on_file else STEP_CITIZEN_ID, ctx.now)
        if not ctx.thaid.redirects:
            raise ThaidRedirectNotUsed()
        pending, row.oidc = row.oidc or {}, None  # a redirect answers once
        try:
            identity = ctx.thaid.finish(pending, params or {})
            expected = user.citizen_id if on_file else pending.get("typed")
            if expected and identity.citizen_id != expected:
                raise ThaidMismatch(details={"reason": "other_person"})
        except (ThaidNotRegistered, ThaidMismatch) as exc:
            refusal = exc
            _audit(ctx, audit.THAID_CHECKED, user, "refused", reason=exc.code)
        else:
            activation = activation.thaid_confirmed(identity, now=ctx.now)
            repo.store_activation(row, activation)
            _audit(ctx, audit.THAID_CHECKED, user, source="oidc")
            answer = {"identity": identity.as_public(), "next_step": activation.next_step}
    if refusal is not None:
        raise refusal
    return answer


# --- e-mail and OTP -------------------------------------------------------------------------


def _record_to_json(record: OtpRecord) -> dict:
    data = dict(record.__dict__)
    for key in ("issued_at", "expires_at", "resend_at"):
        data[key] = data[key].isoformat()
    return data


def _record_from_json(data: dict) -> OtpRecord:
    values = dict(data)
    for key in ("issued_at", "expires_at", "resend_at"):
        values[key] = datetime.fromisoformat(values[key])
    return OtpRecord(**values)


def _issue_otp(ctx: Context, row, activation, user) -> dict:
    """A new code replaces the earlier one; it leaves only sealed, in the event."""
    settings = ctx.settings
    code, record = issue_otp(
        ctx.now,
        settings.otp_ttl_seconds,
        settings.otp_resend_after_seconds,
        otp_secret(settings.laas_secret_key),
    )
    row.otp = _record_to_json(record)
    identity = activation.identity
    name = f"{identity.title}{identity.first_name} {identity.last_name}" if identity else None
    add_event(
        ctx.session,
        OtpRequested(
            unit_id=user.unit_id,
            user_id=user.id,
            username=user.username,
            email=activation.email,
            recipient_name=name or repo.full_name(user),
            otp_ref=record.ref,
            code_sealed=seal(code, settings.laas_secret_key),
            expires_at=record.expires_at,
            ttl_seconds=settings.otp_ttl_seconds,
        ),
    )
    _audit(ctx, audit.OTP_SENT, user, email=activation.email, otp_ref=record.ref)
    return {
        "otp_ref": record.ref,
        "masked_email": mask_email(activation.email),
        "expires_in": settings.otp_ttl_seconds,
        "resend_after": settings.otp_resend_after_seconds,
        "next_step": STEP_OTP,
    }


def email(ctx: Context, activation_token, address) -> dict:
    with ctx.session.begin():
        row, activation, user = _load(ctx, activation_token)
        activation = activation.email_given(address, now=ctx.now)
        repo.store_activation(row, activation)
        return _issue_otp(ctx, row, activation, user)


def resend_otp(ctx: Context, activation_token) -> dict:
    with ctx.session.begin():
        row, activation, user = _load(ctx, activation_token)
        activation.require_next(STEP_OTP, ctx.now)
        require_resend_allowed(_record_from_json(row.otp), ctx.now)
        return _issue_otp(ctx, row, activation, user)


def verify(ctx: Context, activation_token, code) -> dict:
    refusal, answer = None, None
    with ctx.session.begin():
        row, activation, user = _load(ctx, activation_token)
        activation.require_next(STEP_OTP, ctx.now)
        record = _record_from_json(row.otp)
        secret = otp_secret(ctx.settings.laas_secret_key)
        try:
            record = verify_otp(record, code, ctx.now, secret)
        except OtpError as exc:
            refusal = exc
            if exc.record is not None:
                row.otp = _record_to_json(exc.record)  # the wrong try counts
            _audit(ctx, audit.OTP_FAILED, user, "refused", reason=exc.code, otp_ref=record.ref)
        else:
            row.otp = _record_to_json(record)
            activation = activation.otp_verified(now=ctx.now)
            repo.store_activation(row, activation)
            _audit(ctx, audit.OTP_VERIFIED, user, otp_ref=record.ref)
            answer = {"next_step": activation.next_step}
    if refusal is not None:
        raise refusal
    return answer


# --- new password -----------------------------------------------------------------------------


def set_password(ctx: Context, activation_token, new_password) -> dict:
    """The new password ends the activation (or leaves the profile): signed in at once."""
    with ctx.session.begin():
        _, activation, user = _load(ctx, activation_token)
        activation.require_next(STEP_PASSWORD, ctx.now)
        require_strong_password(new_password)
        first_hash = user.password_hash
    # The issued password (an LAO's ID + Laas#) only starts activation.
    if ctx.passwords.verify(first_hash, new_password):
        raise PasswordUnchanged()
    new_hash = ctx.passwords.hash(new_password)

    s = ctx.session
    with s.begin():
        row, activation, user = _load(ctx, activation_token)
        activation = activation.password_set(now=ctx.now)  # checks the order again
        user.password_hash = new_hash
        user.status = ACTIVE
        user.activated_at = ctx.now
        user.email = activation.email
        user.failed_logins, user.locked_until = 0, None
        if activation.identity is not None:
            identity = activation.identity
            user.citizen_id = identity.citizen_id
            user.citizen_id_confirmed = True
            user.title = identity.title or user.title
            user.first_name = identity.first_name
            user.last_name = identity.last_name
        user.profile_required = activation.policy.profile_required
        repo.store_activation(row, activation)
        if activation.is_done:
            row.closed_at, row.closed_reason = ctx.now, "done"
        tokens = open_session(ctx, user)
        add_event(
            s,
            PasswordChanged(
                unit_id=user.unit_id,
                user_id=user.id,
                username=user.username,
                email=user.email,
                recipient_name=repo.full_name(user),
                changed_at=ctx.now,
            ),
        )
        _audit(ctx, audit.PASSWORD_SET, user, reason="activation")
        _audit(ctx, audit.SIGN_IN_OK, user, username=user.username, activation="done")
        return {"status": "authenticated", **tokens, "next_step": activation.next_step}
