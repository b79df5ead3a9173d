"""The in-app notifications an event leaves on a user's home page: plain words, no I/O.

An OTP leaves none: the user is in the middle of activating and reads the mail instead.
"""

from dataclasses import dataclass
from datetime import datetime

from notify.domain.thai_dates import format_thai_datetime


@dataclass(frozen=True)
class Notice:
    kind: str  # what kind of event left it; also keeps it once per event
    title: str
    body: str


def account_created_notice(username: str, unit_name: str | None, created_at: datetime) -> Notice:
    unit = f" สังกัด {unit_name}" if unit_name else ""
    return Notice(
        kind="account_created",
        title="บัญชีผู้ใช้ถูกสร้างแล้ว",
        body=(
            f"บัญชีผู้ใช้ {username}{unit} ถูกสร้างเมื่อวันที่ {format_thai_datetime(created_at)} "
            "ยินดีต้อนรับสู่ระบบ New e-LAAS"
        ),
    )


def password_changed_notice(username: str, changed_at: datetime) -> Notice:
    return Notice(
        kind="password_changed",
        title="เปลี่ยนรหัสผ่านเรียบร้อยแล้ว",
        body=(
            f"รหัสผ่านของบัญชีผู้ใช้ {username} ถูกเปลี่ยนเมื่อวันที่ "
            f"{format_thai_datetime(changed_at)} หากท่านไม่ได้เป็นผู้เปลี่ยนรหัสผ่าน "
            "กรุณาแจ้งผู้ดูแลระบบของหน่วยงานทันที"
        ),
    )


def valid_minutes(ttl_seconds: int) -> int:
    """Minutes an OTP stays valid, as the mail states them: never rounded down to 0."""
    return max(1, -(-int(ttl_seconds) // 60))
