"""Sign-in, activation, sessions and the caller's profile.

Every call goes to the identity service with the caller's address (throttling, audit log).
Revoked sessions: identity broadcasts ``sessions_revoked`` to every gateway instance, and
the instance that made the change also drops them itself before it answers.
"""

from nameko.events import BROADCAST, event_handler

from ..auth import client_address
from ..errors import json_response
from ..http import route
from ..schemas import load_body
from ..schemas_identity import (
    ActivationTokenBody,
    CitizenIdAnswer,
    CitizenIdBody,
    EmailBody,
    LoginAnswer,
    LoginBody,
    LogoutBody,
    Me,
    NextStep,
    OtpBody,
    OtpSent,
    PasswordAnswer,
    PasswordBody,
    ProfileBody,
    RefreshBody,
    SignedOut,
    ThaidCallbackBody,
    Tokens,
)

TAG = "sign-in"


class AuthRoutes:
    @event_handler("identity", "sessions_revoked", handler_type=BROADCAST, reliable_delivery=False)
    def on_sessions_revoked(self, payload):
        self.auth.revoke(payload.get("session_ids") or ())

    @route(
        "POST",
        "/api/v1/auth/login",
        "Sign in: tokens, or the first step of activation",
        body=LoginBody,
        response=LoginAnswer,
        tag=TAG,
        auth=False,
    )
    def login(self, request):
        body = load_body(request, LoginBody())
        answer = self.identity.login(
            body["username"], body["password"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/citizen-id",
        "Activation: the typed citizen ID, checked with ThaiD",
        body=CitizenIdBody,
        response=CitizenIdAnswer,
        tag=TAG,
        auth=False,
    )
    def activation_citizen_id(self, request):
        body = load_body(request, CitizenIdBody())
        answer = self.identity.activation_citizen_id(
            body["activation_token"], body["citizen_id"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/thaid/callback",
        "Activation (real ThaiD, OIDC): what ThaiD sent back to the redirect URI",
        body=ThaidCallbackBody,
        response=CitizenIdAnswer,
        tag=TAG,
        auth=False,
    )
    def activation_thaid_callback(self, request):
        body = load_body(request, ThaidCallbackBody())
        params = {key: body.get(key) for key in ("state", "code", "error")}
        answer = self.identity.activation_thaid_callback(
            body["activation_token"], params, client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/email",
        "Activation: the e-mail address that receives the OTP",
        body=EmailBody,
        response=OtpSent,
        tag=TAG,
        auth=False,
    )
    def activation_email(self, request):
        body = load_body(request, EmailBody())
        answer = self.identity.activation_email(
            body["activation_token"], body["email"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/otp/resend",
        "Activation: a new OTP with a new reference (the old code stops working)",
        body=ActivationTokenBody,
        response=OtpSent,
        tag=TAG,
        auth=False,
    )
    def activation_resend_otp(self, request):
        body = load_body(request, ActivationTokenBody())
        answer = self.identity.activation_resend_otp(
            body["activation_token"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/otp",
        "Activation: the 6-digit OTP from the e-mail",
        body=OtpBody,
        response=NextStep,
        tag=TAG,
        auth=False,
    )
    def activation_verify_otp(self, request):
        body = load_body(request, OtpBody())
        answer = self.identity.activation_verify_otp(
            body["activation_token"], body["otp"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/activation/password",
        "Activation: the new password; signed in at once",
        body=PasswordBody,
        response=PasswordAnswer,
        tag=TAG,
        auth=False,
    )
    def activation_set_password(self, request):
        body = load_body(request, PasswordBody())
        answer = self.identity.activation_set_password(
            body["activation_token"], body["new_password"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/refresh",
        "A new access token; the refresh token rotates",
        body=RefreshBody,
        response=Tokens,
        tag=TAG,
        auth=False,
    )
    def refresh(self, request):
        body = load_body(request, RefreshBody())
        answer = self.identity.refresh(
            body["refresh_token"], client_address=client_address(request)
        )
        return json_response(answer)

    @route(
        "POST",
        "/api/v1/auth/logout",
        "Sign out: the session ends on every gateway at once",
        body=LogoutBody,
        response=SignedOut,
        tag=TAG,
        auth=False,
    )
    def logout(self, request):
        body = load_body(request, LogoutBody())
        actor = self.auth.optional_actor(request)
        answer = self.identity.logout(
            session_id=actor.session_id if actor else None,
            refresh_token=body.get("refresh_token"),
            client_address=client_address(request),
        )
        self.auth.revoke(answer.get("revoked_sessions"))
        return json_response({"status": answer["status"]})

    @route(
        "GET", "/api/v1/me", "The caller, their unit, groups and permissions", response=Me, tag=TAG
    )
    def me(self, request):
        actor = self.auth.actor(request)
        return json_response(self.identity.me(actor.as_dict()))

    @route(
        "PUT",
        "/api/v1/me/profile",
        "Save the caller's profile (the last activation step of some units)",
        body=ProfileBody,
        response=Me,
        tag=TAG,
    )
    def update_profile(self, request):
        actor = self.auth.actor(request)
        body = load_body(request, ProfileBody())
        answer = self.identity.update_profile(
            actor.as_dict(), body, client_address=client_address(request)
        )
        return json_response(answer)
