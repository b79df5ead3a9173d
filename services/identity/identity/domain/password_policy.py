"""The new-password rules of the login manual (part 1 step 9, part 3 step 6)."""

import string

from laas_kernel.errors import InvalidInput

from .citizen_id import InvalidCitizenId, has_citizen_id_shape, normalize_citizen_id

MIN_LENGTH = 8
# The manual's examples are + - * / $ = , @ "เป็นต้น"; any ASCII punctuation counts.
SPECIAL_CHARACTERS = frozenset(string.punctuation)
LAO_INITIAL_PASSWORD_SUFFIX = "Laas#"

# Order matters: the API returns violations in this order.
VIOLATIONS = ("min_length", "uppercase", "lowercase", "digit", "special")

VIOLATION_MESSAGES = {
    "min_length": "มีความยาวตัวอักษรไม่น้อยกว่า 8 หลัก",
    "uppercase": "มีอักษรภาษาอังกฤษตัวใหญ่ (Upper Case) อย่างน้อย 1 ตัวอักษร",
    "lowercase": "มีอักษรภาษาอังกฤษตัวเล็ก (Lower Case) อย่างน้อย 1 ตัวอักษร",
    "digit": "มีตัวเลข (0 - 9) อย่างน้อย 1 ตัว",
    "special": "มีอักขระพิเศษอย่างน้อย 1 ตัวอักษร เช่น + - * / $ = , @",
}


class PasswordPolicyViolated(InvalidInput):
    code = "password_policy"
    message = (
        "รหัสผ่านไม่ตรงตามข้อกำหนด ต้องมีความยาวไม่น้อยกว่า 8 หลัก มีอักษรภาษาอังกฤษตัวใหญ่"
        " ตัวเล็ก ตัวเลข และอักขระพิเศษ อย่างน้อยอย่างละ 1 ตัว"
    )


class PasswordUnchanged(InvalidInput):
    code = "password_unchanged"
    message = "รหัสผ่านใหม่ต้องไม่ซ้ำกับรหัสผ่านเริ่มต้น กรุณาตั้งรหัสผ่านใหม่"


def password_violations(password: str) -> list[str]:
    """The rules the password breaks, in VIOLATIONS order; empty when it is strong."""
    password = password if isinstance(password, str) else ""
    broken = {
        "min_length": len(password) < MIN_LENGTH,
        "uppercase": not any(c in string.ascii_uppercase for c in password),
        "lowercase": not any(c in string.ascii_lowercase for c in password),
        "digit": not any(c in string.digits for c in password),
        "special": not any(c in SPECIAL_CHARACTERS for c in password),
    }
    return [name for name in VIOLATIONS if broken[name]]


def require_strong_password(password: str, *, initial_password: str | None = None) -> str:
    """The password if it meets the policy and differs from the issued one."""
    violations = password_violations(password)
    if violations:
        raise PasswordPolicyViolated(details={"violations": violations})
    if initial_password is not None and password == initial_password:
        raise PasswordUnchanged()
    return password


def initial_lao_password(citizen_id: str) -> str:
    """An LAO user's first password: the ID on file followed by Laas#.

    Only the shape is checked: IDs on file come from the old system, and a bad check
    digit there is caught later by ThaiD, not here.
    """
    if not has_citizen_id_shape(citizen_id):
        raise InvalidCitizenId()
    return normalize_citizen_id(citizen_id) + LAO_INITIAL_PASSWORD_SUFFIX
