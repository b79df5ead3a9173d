"""Dates as Thai readers expect them: Thai month names, Buddhist-era years, Bangkok time.

Inside the system times are timezone-aware (UTC) and years are CE; this is the edge.
"""

from datetime import date, datetime, timedelta, timezone

BE_OFFSET = 543

# Thailand has kept UTC+7 without daylight saving since 1920, so a fixed offset is exact
# for any date we print and needs no tz database on the host.
BANGKOK = timezone(timedelta(hours=7), "Asia/Bangkok")

THAI_MONTHS = (
    "มกราคม",
    "กุมภาพันธ์",
    "มีนาคม",
    "เมษายน",
    "พฤษภาคม",
    "มิถุนายน",
    "กรกฎาคม",
    "สิงหาคม",
    "กันยายน",
    "ตุลาคม",
    "พฤศจิกายน",
    "ธันวาคม",
)


def be_year(ce_year: int) -> int:
    return ce_year + BE_OFFSET


def to_bangkok(moment: datetime | str) -> datetime:
    """An aware datetime (or ISO string, as events carry it) seen on a Bangkok clock."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None or moment.utcoffset() is None:
        # A naive time could be UTC or local; guessing would shift an OTP expiry by 7 hours.
        raise ValueError("datetime must be timezone-aware")
    return moment.astimezone(BANGKOK)


def format_thai_date(day: date) -> str:
    """25 พฤศจิกายน 2569"""
    return f"{day.day} {THAI_MONTHS[day.month - 1]} {be_year(day.year)}"


def format_thai_datetime(moment: datetime | str) -> str:
    """25 พฤศจิกายน 2569 เวลา 14:05 น. (Bangkok time; seconds dropped, never rounded up)"""
    local = to_bangkok(moment)
    return f"{format_thai_date(local.date())} เวลา {local:%H:%M} น."
