"""Thai citizen ID (เลขประจำตัวประชาชน): 13 digits, the last one a check digit."""

import re

from laas_kernel.errors import InvalidInput

CITIZEN_ID_LENGTH = 13

# Users may type the ID grouped ("1-2345-67890-12-1") or in Thai digits (๑๒๓…).
_SEPARATORS = str.maketrans({"-": None, " ": None, "\u00a0": None})
_THAI_DIGITS = str.maketrans("๐๑๒๓๔๕๖๗๘๙", "0123456789")
_THIRTEEN_DIGITS = re.compile(r"[0-9]{13}")


class InvalidCitizenId(InvalidInput):
    code = "invalid_citizen_id"
    message = "เลขประจำตัวประชาชนไม่ถูกต้อง กรุณาระบุเลข 13 หลักให้ถูกต้อง"


def normalize_citizen_id(text) -> str:
    """The ID as 13 ASCII digits if it can be read as such, else the cleaned text."""
    if not isinstance(text, str):
        return ""
    return text.translate(_SEPARATORS).translate(_THAI_DIGITS)


def citizen_id_check_digit(first_twelve: str) -> int:
    """The 13th digit for the first 12: (11 - Σ d_i×(14−i) mod 11) mod 10."""
    if not re.fullmatch(r"[0-9]{12}", first_twelve or ""):
        raise ValueError("the check digit needs exactly 12 digits")
    total = sum(int(d) * (13 - i) for i, d in enumerate(first_twelve))
    return (11 - total % 11) % 10


def with_check_digit(first_twelve: str) -> str:
    """A valid 13-digit ID from 12 digits (demo data, tests)."""
    return first_twelve + str(citizen_id_check_digit(first_twelve))


def has_citizen_id_shape(text) -> bool:
    """13 digits, check digit not verified (IDs carried over from the old system)."""
    return bool(_THIRTEEN_DIGITS.fullmatch(normalize_citizen_id(text)))


def is_valid_citizen_id(text) -> bool:
    digits = normalize_citizen_id(text)
    if not _THIRTEEN_DIGITS.fullmatch(digits):
        return False
    return citizen_id_check_digit(digits[:12]) == int(digits[12])


def require_valid_citizen_id(text) -> str:
    """The normalised 13-digit ID, or InvalidCitizenId."""
    if not is_valid_citizen_id(text):
        raise InvalidCitizenId()
    return normalize_citizen_id(text)


def mask_citizen_id(text) -> str:
    """For logs: first five digits and the check digit, as in 1-1234-xxxxx-xx-3."""
    digits = normalize_citizen_id(text)
    if not _THIRTEEN_DIGITS.fullmatch(digits):
        # Never echo something that may be a mistyped ID.
        return "x" * len(digits)
    return f"{digits[0]}-{digits[1:5]}-xxxxx-xx-{digits[12]}"
