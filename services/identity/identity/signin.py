"""Sign-in, sessions and the signed-in user's own profile.

Hashing and ThaiD calls happen between two short transactions, so a slow argon2 or ThaiD
never holds a database connection or a row lock. A refusal that changed state (a failed
try counted, an audit entry) is committed first and raised afterwards.
"""

from datetime import timedelta

from sqlalchemy import select

from laas_kernel.outbox import add_event

from . import audit
from . import repository as repo
from .adapters.thaid import ThaidMismatch
from .context import Context, access_token_for, new_id, open_session, reach_claims
from .domain.activation import (
    STEP_PROFILE,
    STEP_THAID,
    THAID_ON_FILE,
    Activation,
    ThaidNotRegistered,
    policy_for,
)
from .domain.citizen_id import is_valid_citizen_id, require_valid_citizen_id
from .domain.sign_in import (
    AccountLocked,
    InvalidCredentials,
    LockoutPolicy,
    LockoutState,
    ThrottlePolicy,
    ThrottleState,
    TooManyAttempts,
    account_locked_error,
    record_failure,
    record_success,
    refusal_after_failure,
    register_attempt,
    throttle_key,
)
from .errors import InvalidRefreshToken, UserNotFound, UserRevoked
from .models import ActivationRow, SessionRow
from .tokens import ACCESS_TOKEN_SECONDS, new_opaque_token, token_hash, units_claim

PENDING = "pending_activation"
ACTIVE = "active"
REVOKED = "revoked"


# --- throttling and lockout -------------------------------------------------------------


def _throttle(ctx: Context, username: str):
    """Count this attempt against the username and the client address, or refuse it."""
    user_key, address = throttle_key(username, ctx.client_address or "")
    window = ctx.config.throttle_window_seconds
    policies = {f"user:{user_key}"[:200]: ThrottlePolicy(ctx.config.throttle_user_max, window)}
    if address:
        policies[f"addr:{address}"[:200]] = ThrottlePolicy(ctx.config.throttle_address_max, window)
    refused = None
    with ctx.session.begin():
        rows = repo.lock_throttle_keys(ctx.session, list(policies))
        try:
            states = {
                key: register_attempt(ThrottleState(tuple(rows[key].attempts)), ctx.now, policy)
                for key, policy in policies.items()
            }
        except TooManyAttempts as exc:
            refused = exc
            audit.record(
                ctx.session,
                audit.SIGN_IN_FAILED,
                outcome="refused",
                client_address=ctx.client_address,
                username=username[:80],
                reason="throttled",
            )
        else:
            for key, state in states.items():
                rows[key].attempts = list(state.attempts)
    if refused is not None:
        raise refused


def _lockout_policy(ctx: Context) -> LockoutPolicy:
    return LockoutPolicy(ctx.config.lockout_max_failures, ctx.config.lockout_minutes)


def _lockout_state(user) -> LockoutState:
    return LockoutState(user.failed_logins or 0, user.locked_until)


def _store_lockout(user, state: LockoutState):
    user.failed_logins = state.failures
    user.locked_until = state.locked_until


# --- login ------------------------------------------------------------------------------


def login(ctx: Context, username: str, password: str) -> dict:
    username = username if isinstance(username, str) else ""
    _throttle(ctx, username)
    s = ctx.session
    with s.begin():
        user = repo.user_by_username(s, username)
    if user is None or user.status == REVOKED:
        ctx.passwords.verify(None, password)  # the same time as a real check
        with s.begin():
            audit.record(
                s,
                audit.SIGN_IN_FAILED,
                outcome="refused",
                subject_user_id=user.id if user else None,
                client_address=ctx.client_address,
                username=username[:80],
                reason="revoked" if user else "unknown_user",
            )
        raise InvalidCredentials()

    if _lockout_state(user).is_locked(ctx.now):
        with s.begin():
            _audit_failure(ctx, user, "locked")
        raise account_locked_error(_lockout_state(user), ctx.now)

    correct = ctx.passwords.verify(user.password_hash, password)
    new_hash = None
    if correct and user.status == ACTIVE and ctx.passwords.needs_rehash(user.password_hash):
        new_hash = ctx.passwords.hash(password)
    identity, thaid_refusal = None, None
    if correct and user.status == PENDING:
        identity, thaid_refusal = _check_identity_on_file(ctx, user)

    refusal, answer = None, None
    with s.begin():
        user = repo.get_user(s, user.id, for_update=True)
        state = _lockout_state(user)
        if not correct:
            try:
                state = record_failure(state, ctx.now, _lockout_policy(ctx))
            except AccountLocked as exc:  # locked by a parallel attempt meanwhile
                refusal = exc
            else:
                _store_lockout(user, state)
                refusal = refusal_after_failure(state, ctx.now)
            _audit_failure(ctx, user, "wrong_password", locked=state.is_locked(ctx.now))
        elif state.is_locked(ctx.now):
            refusal = account_locked_error(state, ctx.now)
            _audit_failure(ctx, user, "locked")
        else:
            _store_lockout(user, record_success(state))
            if thaid_refusal is not None:
                refusal = thaid_refusal
                _audit_failure(ctx, user, thaid_refusal.code)
            elif user.status == ACTIVE:
                if new_hash:
                    user.password_hash = new_hash
                answer = {"status": "authenticated", **open_session(ctx, user)}
                if user.profile_required:
                    answer["next_step"] = STEP_PROFILE
                _audit_ok(ctx, user)
            elif user.status == PENDING:
                answer = _start_activation(ctx, user, identity)
                _audit_ok(ctx, user, activation=True)
            else:
                refusal = InvalidCredentials()
                _audit_failure(ctx, user, "revoked")
    if refusal is not None:
        raise refusal
    return answer


def _audit_failure(ctx, user, reason, **details):
    audit.record(
        ctx.session,
        audit.SIGN_IN_FAILED,
        outcome="refused",
        subject_user_id=user.id,
        unit_id=user.unit_id,
        client_address=ctx.client_address,
        username=user.username,
        reason=reason,
        **details,
    )


def _audit_ok(ctx, user, **details):
    audit.record(
        ctx.session,
        audit.SIGN_IN_OK,
        subject_user_id=user.id,
        unit_id=user.unit_id,
        client_address=ctx.client_address,
        username=user.username,
        **details,
    )


def _policy(ctx: Context, kind: str):
    return policy_for(kind, ctx.config.policy_date or ctx.now.date())


def _check_identity_on_file(ctx: Context, user):
    """(identity, None), or (None, refusal) for an LAO user whose ID ThaiD does not know.
    The check digit is checked before ThaiD is asked."""
    with ctx.session.begin():
        unit = repo.get_unit(ctx.session, user.unit_id)
    policy = _policy(ctx, unit.kind)
    if policy.thaid != THAID_ON_FILE or ctx.thaid.redirects:
        return None, None
    if not is_valid_citizen_id(user.citizen_id):
        return None, ThaidNotRegistered(details={"reason": "citizen_id_on_file_invalid"})
    identity = ctx.thaid.lookup(user.citizen_id)
    if identity is None:
        return None, ThaidNotRegistered()
    return identity, None


def _start_activation(ctx: Context, user, identity) -> dict:
    """A fresh activation (an earlier one of the same user stops working)."""
    s = ctx.session
    unit = repo.get_unit(s, user.unit_id)
    repo.close_open_activations(s, user.id, "restarted", ctx.now)
    activation = Activation.start(
        user.id,
        unit.kind,
        ctx.now,
        ctx.config.activation_ttl_seconds,
        policy_date=ctx.config.policy_date,
    )
    if identity is not None:
        activation = activation.thaid_confirmed(identity, now=ctx.now)
    token = new_opaque_token()
    row = ActivationRow(
        id=new_id(),
        token_hash=token_hash(token),
        user_id=user.id,
        kind=unit.kind,
        thaid=activation.policy.thaid,
        profile_required=activation.policy.profile_required,
        started_at=activation.started_at,
        expires_at=activation.expires_at,
    )
    repo.store_activation(row, activation)
    answer = {
        "status": "activation_required",
        "activation_token": token,
        "next_step": activation.next_step,
        "expires_in": ctx.config.activation_ttl_seconds,
    }
    if identity is not None:
        answer["identity"] = identity.as_public()
        audit.record(
            s,
            audit.THAID_CHECKED,
            subject_user_id=user.id,
            unit_id=user.unit_id,
            client_address=ctx.client_address,
            source="on_file",
        )
    if activation.next_step == STEP_THAID:  # OIDC: the user signs in with ThaiD itself
        url, pending = ctx.thaid.begin(login_hint=user.citizen_id)
        row.oidc = pending
        answer["authorization_url"] = url
    s.add(row)
    return answer


# --- sessions ---------------------------------------------------------------------------


def refresh(ctx: Context, refresh_token: str) -> dict:
    """New access token and a rotated refresh token; a rotated-away token ends the session."""
    s = ctx.session
    presented = token_hash(refresh_token if isinstance(refresh_token, str) else "")
    answer = None
    with s.begin():
        row = s.execute(
            select(SessionRow)
            .where(SessionRow.refresh_hash == presented)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if row is None:
            _end_reused_session(ctx, presented)
        elif row.revoked_at is None and row.expires_at > ctx.now:
            user = repo.get_user(s, row.user_id)
            if user.status == ACTIVE:
                new_refresh = new_opaque_token()
                row.previous_refresh_hash = row.refresh_hash
                row.refresh_hash = token_hash(new_refresh)
                row.refreshed_at = ctx.now
                unit = repo.get_unit(s, user.unit_id)
                answer = {
                    "access_token": access_token_for(ctx, user, unit, row.id),
                    "refresh_token": new_refresh,
                    "token_type": "Bearer",
                    "expires_in": ACCESS_TOKEN_SECONDS,
                }
    if answer is None:
        raise InvalidRefreshToken()
    return answer


def _end_reused_session(ctx: Context, presented_hash: str):
    """A refresh token that was already rotated: someone kept a copy. End that session."""
    stolen = ctx.session.execute(
        select(SessionRow)
        .where(SessionRow.previous_refresh_hash == presented_hash)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one_or_none()
    if stolen is None or stolen.revoked_at is not None:
        return
    user = repo.get_user(ctx.session, stolen.user_id)
    ended = repo.revoke_sessions(
        ctx.session, user.id, "refresh_token_reused", ctx.now, session_ids=[stolen.id]
    )
    if ended:
        add_event(ctx.session, repo.sessions_revoked_event(user, ended, "refresh_token_reused"))
        audit.record(
            ctx.session,
            audit.SIGNED_OUT,
            outcome="refused",
            subject_user_id=user.id,
            unit_id=user.unit_id,
            client_address=ctx.client_address,
            reason="refresh_token_reused",
            session_ids=ended,
        )


def logout(ctx: Context, session_id: str | None, refresh_token: str | None) -> dict:
    s = ctx.session
    ended = []
    with s.begin():
        targets = []
        if session_id:
            targets.append(s.get(SessionRow, str(session_id)))
        if isinstance(refresh_token, str) and refresh_token:
            targets.append(
                s.execute(
                    select(SessionRow).where(SessionRow.refresh_hash == token_hash(refresh_token))
                ).scalar_one_or_none()
            )
        for target in {t.id: t for t in targets if t is not None}.values():
            if target.revoked_at is not None:
                continue
            user = repo.get_user(s, target.user_id)
            done = repo.revoke_sessions(s, user.id, "signed_out", ctx.now, [target.id])
            if done:
                add_event(s, repo.sessions_revoked_event(user, done, "signed_out"))
                audit.record(
                    s,
                    audit.SIGNED_OUT,
                    subject_user_id=user.id,
                    unit_id=user.unit_id,
                    client_address=ctx.client_address,
                    session_ids=done,
                )
                ended += done
    return {"status": "signed_out", "revoked_sessions": ended}


def session_reach(ctx: Context, session_id) -> dict:
    """The units a live session reaches, for a gateway whose token says "session" because
    the lists would not fit in it. Computed now: a unit added since sign-in is in it too."""
    with ctx.session.begin():
        row = ctx.session.get(SessionRow, session_id) if isinstance(session_id, str) else None
        live = row is not None and row.revoked_at is None and row.expires_at > ctx.now
        user = repo.get_user(ctx.session, row.user_id) if live else None
        if user is None or user.status != ACTIVE:
            raise UserRevoked()
        unit = repo.get_unit(ctx.session, user.unit_id)
        _, readable, writable = reach_claims(ctx.session, user, unit)
    return {"readable": units_claim(readable), "writable": units_claim(writable)}


def prune_throttle(ctx: Context) -> int:
    """Forget the throttle rows of keys with no attempt inside the window."""
    idle_since = ctx.now - timedelta(seconds=ctx.config.throttle_window_seconds)
    with ctx.session.begin():
        return repo.prune_throttle(ctx.session, idle_since)


def recently_revoked(ctx: Context, seconds: int) -> list[str]:
    with ctx.session.begin():
        return repo.revoked_since(ctx.session, ctx.now - timedelta(seconds=seconds))


# --- the signed-in user -------------------------------------------------------------------


def acting_user(ctx: Context, actor: dict, for_update=False):
    """The caller as stored now: a revoked user or ended session acts no more."""
    if not isinstance(actor, dict) or not actor.get("user_id"):
        raise UserRevoked()
    try:
        user = repo.get_user(ctx.session, actor["user_id"], for_update=for_update)
    except UserNotFound:
        raise UserRevoked() from None
    if user.status != ACTIVE:
        raise UserRevoked()
    session_id = actor.get("session_id")
    if session_id:
        row = ctx.session.get(SessionRow, str(session_id))
        if row is None or row.revoked_at is not None:
            raise UserRevoked()
    return user


def me(ctx: Context, actor: dict) -> dict:
    with ctx.session.begin():
        user = acting_user(ctx, actor)
        return repo.me_dict(user, repo.get_unit(ctx.session, user.unit_id))


PROFILE_FIELDS = ("title", "first_name", "last_name", "position", "phone")


def update_profile(ctx: Context, actor: dict, profile: dict) -> dict:
    """Save the profile (step 6 for subordinate units before the cut-over, or any time)."""
    s = ctx.session
    with s.begin():
        user = acting_user(ctx, actor, for_update=True)
        if profile.get("citizen_id"):
            citizen_id = require_valid_citizen_id(profile["citizen_id"])
            if user.citizen_id_confirmed and citizen_id != user.citizen_id:
                # Confirmed with ThaiD: the profile cannot swap in another person.
                raise ThaidMismatch(details={"field": "citizen_id"})
            user.citizen_id = citizen_id
        for field in PROFILE_FIELDS:
            if field in profile and profile[field] is not None:
                setattr(user, field, str(profile[field]).strip())
        user.profile_required = False
        open_row = s.execute(
            select(ActivationRow)
            .where(ActivationRow.user_id == user.id, ActivationRow.closed_at.is_(None))
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()
        if open_row is not None:
            activation = repo.activation_of(open_row)
            if activation.next_step == STEP_PROFILE and ctx.now < activation.expires_at:
                activation = activation.profile_saved(now=ctx.now)
                repo.store_activation(open_row, activation)
            open_row.closed_at, open_row.closed_reason = ctx.now, "done"
        return repo.me_dict(user, repo.get_unit(s, user.unit_id))
