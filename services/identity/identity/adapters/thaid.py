"""ThaiD behind one interface, two adapters.

- ``SandboxThaid`` speaks API.md's sandbox protocol (``GET {THAID_URL}/persons/{id}``): the
  service looks a person up by citizen ID. Used by ``make run`` and the tests.
- ``OidcThaid`` is the real ThaiD: OAuth 2 authorization code + OpenID Connect (PKCE,
  state, nonce). The person signs in with the ThaiD app; we read the id_token's claims
  ``pid``, ``given_name``, ``family_name`` and ``title``.

Citizen IDs are checked (13 digits, check digit) by the caller before any adapter is asked.
"""

import base64
import hashlib
import logging
import secrets
from urllib.parse import urlencode

import jwt
import requests

from laas_kernel.errors import DomainError

from ..domain.activation import ThaidIdentity, ThaidNotRegistered
from ..domain.citizen_id import is_valid_citizen_id, mask_citizen_id

log = logging.getLogger(__name__)


class ThaidUnavailable(DomainError):
    code = "thaid_unavailable"
    message = "ไม่สามารถเชื่อมต่อระบบ ThaiD ได้ในขณะนี้ กรุณาลองใหม่อีกครั้งในอีกสักครู่"


class ThaidMismatch(DomainError):
    code = "thaid_mismatch"
    message = "ข้อมูลจาก ThaiD ไม่ตรงกับเลขประจำตัวประชาชนของผู้ใช้งาน กรุณาตรวจสอบอีกครั้ง"


class ThaidProvider:
    """``redirects`` False: ``lookup(citizen_id)``; True: ``begin``/``finish`` a redirect."""

    redirects = False

    def lookup(self, citizen_id: str) -> ThaidIdentity | None:
        raise NotImplementedError

    def begin(self, login_hint: str | None = None) -> tuple[str, dict]:
        raise NotImplementedError

    def finish(self, pending: dict, params: dict) -> ThaidIdentity:
        raise NotImplementedError


class SandboxThaid(ThaidProvider):
    def __init__(self, base_url: str, timeout: float = 5.0):
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.http = requests.Session()

    def lookup(self, citizen_id: str) -> ThaidIdentity | None:
        try:
            answer = self.http.get(f"{self.base_url}/persons/{citizen_id}", timeout=self.timeout)
        except requests.RequestException as exc:
            log.warning("ThaiD sandbox did not answer: %s", type(exc).__name__)
            raise ThaidUnavailable() from None
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            log.warning("ThaiD sandbox answered %s", answer.status_code)
            raise ThaidUnavailable()
        person = answer.json()
        if person.get("citizen_id") != citizen_id:
            log.warning(
                "ThaiD sandbox answered for another ID than %s", mask_citizen_id(citizen_id)
            )
            raise ThaidUnavailable()
        return ThaidIdentity(
            citizen_id=citizen_id,
            first_name=person.get("first_name", ""),
            last_name=person.get("last_name", ""),
            title=person.get("title", ""),
        )


def _pkce_pair() -> tuple[str, str]:
    verifier = secrets.token_urlsafe(48)
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return verifier, base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


class OidcThaid(ThaidProvider):
    redirects = True

    def __init__(
        self,
        issuer: str,
        client_id: str,
        client_secret: str,
        redirect_uri: str,
        scope: str = "openid pid given_name family_name title",
        timeout: float = 5.0,
    ):
        if not (issuer and client_id and client_secret and redirect_uri):
            raise ValueError("OIDC ThaiD needs issuer, client id, client secret and redirect URI")
        self.issuer = issuer.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.timeout = timeout
        self.http = requests.Session()
        self._discovery = None
        self._jwks = None

    def _get_json(self, url):
        try:
            answer = self.http.get(url, timeout=self.timeout)
            answer.raise_for_status()
            return answer.json()
        except (requests.RequestException, ValueError) as exc:
            log.warning("ThaiD OIDC request failed: %s", type(exc).__name__)
            raise ThaidUnavailable() from None

    def discovery(self) -> dict:
        if self._discovery is None:
            found = self._get_json(f"{self.issuer}/.well-known/openid-configuration")
            if found.get("issuer", "").rstrip("/") != self.issuer:
                log.warning("ThaiD discovery names another issuer")
                raise ThaidUnavailable()
            self._discovery = found
        return self._discovery

    def begin(self, login_hint: str | None = None) -> tuple[str, dict]:
        """The ThaiD URL to send the user to, and what ``finish`` needs to check the answer."""
        verifier, challenge = _pkce_pair()
        pending = {
            "state": secrets.token_urlsafe(24),
            "nonce": secrets.token_urlsafe(24),
            "code_verifier": verifier,
        }
        query = {
            "response_type": "code",
            "client_id": self.client_id,
            "redirect_uri": self.redirect_uri,
            "scope": self.scope,
            "state": pending["state"],
            "nonce": pending["nonce"],
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
        if login_hint:
            query["login_hint"] = login_hint
        return f"{self.discovery()['authorization_endpoint']}?{urlencode(query)}", pending

    def finish(self, pending: dict, params: dict) -> ThaidIdentity:
        """``params``: what ThaiD sent back to the redirect URI (code and state, or error)."""
        if not pending or not secrets.compare_digest(
            str(params.get("state") or ""), pending.get("state", "")
        ):
            raise ThaidMismatch(details={"reason": "state"})
        if params.get("error"):
            # access_denied: the person has not registered with ThaiD (or declined).
            raise ThaidNotRegistered(details={"provider_error": str(params["error"])[:80]})
        discovery = self.discovery()
        try:
            answer = self.http.post(
                discovery["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": params.get("code") or "",
                    "redirect_uri": self.redirect_uri,
                    "code_verifier": pending["code_verifier"],
                },
                auth=(self.client_id, self.client_secret),
                timeout=self.timeout,
            )
        except requests.RequestException as exc:
            log.warning("ThaiD token endpoint failed: %s", type(exc).__name__)
            raise ThaidUnavailable() from None
        if answer.status_code == 400:
            raise ThaidMismatch(details={"reason": "invalid_grant"})
        if answer.status_code != 200:
            log.warning("ThaiD token endpoint answered %s", answer.status_code)
            raise ThaidUnavailable()
        claims = self._verified_claims(answer.json().get("id_token", ""), pending["nonce"])
        pid = str(claims.get("pid", ""))
        if not is_valid_citizen_id(pid):
            log.warning("ThaiD id_token carries no valid pid")
            raise ThaidUnavailable()
        return ThaidIdentity(
            citizen_id=pid,
            first_name=claims.get("given_name", ""),
            last_name=claims.get("family_name", ""),
            title=claims.get("title", ""),
        )

    def _signing_key(self, id_token: str):
        if self._jwks is None:
            self._jwks = jwt.PyJWKClient(self.discovery()["jwks_uri"], timeout=self.timeout)
        try:
            return self._jwks.get_signing_key_from_jwt(id_token).key
        except jwt.PyJWTError as exc:
            log.warning("ThaiD signing key not found: %s", type(exc).__name__)
            raise ThaidUnavailable() from None

    def _verified_claims(self, id_token: str, nonce: str) -> dict:
        try:
            claims = jwt.decode(
                id_token,
                self._signing_key(id_token),
                algorithms=["RS256"],
                audience=self.client_id,
                issuer=self.issuer,
                options={"require": ["exp", "iat", "iss", "aud"]},
            )
        except jwt.PyJWTError as exc:
            log.warning("ThaiD id_token refused: %s", type(exc).__name__)
            raise ThaidMismatch(details={"reason": "id_token"}) from None
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise ThaidMismatch(details={"reason": "nonce"})
        return claims


def provider_from(config, thaid_url: str) -> ThaidProvider:
    if config.thaid_mode == "oidc":
        return OidcThaid(
            config.thaid_oidc_issuer,
            config.thaid_oidc_client_id,
            config.thaid_oidc_client_secret,
            config.thaid_oidc_redirect_uri,
            config.thaid_oidc_scope,
            config.thaid_timeout_seconds,
        )
    return SandboxThaid(thaid_url, config.thaid_timeout_seconds)
