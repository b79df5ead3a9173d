"""The one table that turns an error code into an HTTP status, and the error body.

Services raise ``DomainError`` subclasses with a code and a Thai message; the status is
decided here, so every route answers the same way for the same refusal.
"""

import json
import logging

from nameko.exceptions import BadRequest, RemoteError
from werkzeug.wrappers import Response

from laas_kernel.errors import DomainError

log = logging.getLogger(__name__)

STATUS_BY_CODE = {
    # request shape
    "invalid_input": 400,
    "invalid_json": 400,
    "not_found": 404,
    "route_not_found": 404,
    "method_not_allowed": 405,
    "conflict": 409,
    "service_unavailable": 503,
    "internal_error": 500,
    # sign-in and activation
    "unauthenticated": 401,
    "token_expired": 401,
    "invalid_credentials": 401,
    "account_locked": 423,
    "too_many_attempts": 429,
    "thaid_not_registered": 403,
    "thaid_unavailable": 503,
    "invalid_citizen_id": 422,
    "invalid_email": 422,
    "otp_invalid": 422,
    "otp_expired": 410,
    "otp_attempts_exceeded": 429,
    "otp_resend_too_soon": 429,
    "password_policy": 422,
    "password_reused": 422,
    "activation_step_invalid": 409,
    "activation_expired": 401,
    "activation_not_required": 409,
    "password_unchanged": 422,
    "invalid_refresh_token": 401,
    "thaid_mismatch": 403,
    "thaid_redirect_not_used": 409,
    # administration
    "forbidden": 403,
    "unit_not_found": 404,
    "user_not_found": 404,
    "username_taken": 409,
    "unit_code_taken": 409,
    "invalid_unit": 422,
    "unit_inactive": 409,
    "invalid_group": 422,
    "user_revoked": 401,
    "unit_not_active": 409,
    "invalid_unit_parent": 422,
    "unknown_unit_kind": 422,
    "citizen_id_required": 422,
    "cannot_revoke_self": 409,
    # ledger
    "voucher_unbalanced": 422,
    "unknown_account": 422,
    "account_not_postable": 422,
    "invalid_voucher": 422,
    "invalid_amount": 422,
    "period_closed": 409,
    "period_close_order": 409,
    "idempotency_conflict": 409,
    "idempotency_key_required": 400,
    "voucher_not_found": 404,
    "voucher_already_reversed": 409,
    "opening_balances_invalid": 422,
    "opening_balances_exist": 409,
    "invalid_chart": 422,
    "fiscal_year_invalid": 422,
    "invalid_period": 422,
    "invalid_master_record": 422,
    "master_record_exists": 409,
    "master_data_kind_unknown": 404,
    "payload_too_large": 413,
    "unsupported_media_type": 415,
    # notify
    "notification_not_found": 404,
}

DEFAULT_STATUS = 400


def error_body(code: str, message: str, details=None) -> dict:
    return {"error": {"code": code, "message": message, "details": details or {}}}


def json_response(payload, status=200, headers=None) -> Response:
    return Response(
        json.dumps(payload, ensure_ascii=False, default=str),
        status=status,
        headers=headers,
        mimetype="application/json",
    )


def error_response(exc) -> Response:
    if isinstance(exc, DomainError):
        log.info("refused: %s", exc.code)  # the details may name people: not logged
        status = STATUS_BY_CODE.get(exc.code)
        if status is None:
            log.warning("error code %r has no status in STATUS_BY_CODE", exc.code)
            status = DEFAULT_STATUS
        return json_response(error_body(exc.code, exc.message, exc.details), status)
    if isinstance(exc, BadRequest):
        return json_response(error_body("invalid_input", "คำขอไม่ถูกต้อง กรุณาตรวจสอบข้อมูลอีกครั้ง"), 400)
    if isinstance(exc, RemoteError):
        log.error("a service failed: %s: %s", exc.exc_type, exc.value)
    else:
        log.exception("unexpected error in the gateway", exc_info=exc)
    return json_response(
        error_body(
            "internal_error",
            "ระบบขัดข้อง ไม่สามารถดำเนินการได้ในขณะนี้ กรุณาลองใหม่อีกครั้งหรือติดต่อผู้ดูแลระบบ",
        ),
        500,
    )
