"""Helpers of the identity end-to-end tests (no tests here): a unit tree made through the
admin API, users in it, and the activation walked through the gateway with the OTP read
from the real e-mail in the development mailbox."""

import re
import uuid

FAST_HASHING = {"ARGON2_TIME_COST": 1, "ARGON2_MEMORY_KIB": 1024, "ARGON2_PARALLELISM": 1}
ADMIN = ("admin", "Admin#2568")
NEW_PASSWORD = "Nfc#2568ok"

# deploy/dev/thaid_persons.json
SOMCHAI = "1101700203450"  # นาย สมชาย ใจดี
SOMSRI = "3100100123451"  # นาง สมศรี มีทรัพย์
MALEE = "1509900123453"  # นางสาว มาลี รักษ์ถิ่น
PRASERT = "3650100456781"  # นาย ประเสริฐ บัญชีกลาง
WILAIWAN = "1103501234560"  # นางสาว วิไลวรรณ ศรีสุข
NOT_IN_THAID = "1234567890121"  # a valid check digit, nobody registered

THAID_NOT_REGISTERED = "ไม่พบข้อมูลใน ThaiD กรุณาดำเนินการลงทะเบียน ThaiD เพื่อยืนยันตัวตนก่อนลงชื่อเข้าใช้งาน"
OTP_EXPIRED = "รหัส OTP หมดเวลา กรุณาตรวจสอบอีเมลหรือกดส่งรหัส OTP อีกครั้ง"
INVALID_EMAIL = "รูปแบบอีเมลไม่ถูกต้อง"

_CODE = re.compile(r"(?<![0-9])[0-9]{6}(?![0-9])")
_REF = re.compile(r"เลขอ้างอิง\s*:\s*([A-Z][0-9]{5})")


def unique(prefix: str) -> str:
    return f"{prefix}{uuid.uuid4().hex[:6]}"


def ok(answer, status=200) -> dict:
    assert answer.status_code == status, answer.text
    return answer.json()


def error_of(answer, status: int, code: str) -> dict:
    assert answer.status_code == status, answer.text
    error = answer.json()["error"]
    assert error["code"] == code, error
    assert error["message"], error
    return error


def sign_in(system, username, password) -> dict:
    return ok(system.post("/api/v1/auth/login", {"username": username, "password": password}))


def admin_token(system) -> str:
    return sign_in(system, *ADMIN)["access_token"]


def add_unit(system, token, kind, parent_id=None, **extra) -> dict:
    body = {"code": unique(kind[:3].upper() + "-"), "name": unique("หน่วยงาน "), "kind": kind}
    if parent_id:
        body["parent_id"] = parent_id
    return ok(system.post("/api/v1/admin/units", {**body, **extra}, token=token), 201)


def add_user(system, token, unit_id, groups=(), **extra) -> dict:
    body = {"username": unique("u"), "unit_id": unit_id, "groups": list(groups), **extra}
    return ok(system.post("/api/v1/admin/users", body, token=token), 201)


def unit_tree(system, token) -> dict:
    """A province office, an LAO under it and a school under the LAO."""
    province = add_unit(system, token, "province_office")
    lao = add_unit(system, token, "lao", province["id"])
    school = add_unit(system, token, "subordinate_unit", lao["id"], subtype="school")
    return {"province": province, "lao": lao, "school": school}


def otp_mail(system, email, count=1) -> tuple[str, str]:
    """(code, ref) from mail number ``count`` to ``email`` (the real SMTP message)."""
    mail = system.wait_for_mail(email, count=count, timeout=20)
    text = mail["text"]
    ref = _REF.search(text).group(1)
    code = _CODE.search(text.replace(ref, "")).group()
    return code, ref


def activate(system, username, password, email, citizen_id=None, new_password=NEW_PASSWORD):
    """Login → (citizen ID) → e-mail → OTP from the mail → new password; the last answer."""
    answer = sign_in(system, username, password)
    assert answer["status"] == "activation_required", answer
    token = answer["activation_token"]
    if answer["next_step"] == "citizen_id":
        step = ok(
            system.post(
                "/api/v1/auth/activation/citizen-id",
                {"activation_token": token, "citizen_id": citizen_id},
            )
        )
        assert step["next_step"] == "email"
    sent = ok(
        system.post("/api/v1/auth/activation/email", {"activation_token": token, "email": email})
    )
    code, ref = otp_mail(system, email)
    assert ref == sent["otp_ref"]
    assert ok(
        system.post("/api/v1/auth/activation/otp", {"activation_token": token, "otp": code})
    ) == {"next_step": "password"}
    return ok(
        system.post(
            "/api/v1/auth/activation/password",
            {"activation_token": token, "new_password": new_password},
        )
    )
