"""The Thai government fiscal year: 1 October – 30 September, named by the BE year it ends in.

FY 2568 = 2024-10-01 .. 2025-09-30. Periods are its months: 1 = October … 12 = September.
Dates inside are CE ``datetime.date``; only the fiscal-year number is BE.
"""

import calendar
from datetime import date, datetime

from ledger.domain.errors import InvalidPeriod

BE_OFFSET = 543
FIRST_MONTH = 10  # October opens the year
PERIODS = 12
# A plausible BE range; outside it the caller most likely typed a CE year (2025) for a BE one.
MIN_FISCAL_YEAR = 2443  # 1900 CE
MAX_FISCAL_YEAR = 2943  # 2400 CE


def ce_to_be(year: int) -> int:
    return year + BE_OFFSET


def be_to_ce(year: int) -> int:
    return year - BE_OFFSET


def _as_date(day) -> date:
    if isinstance(day, datetime):
        return day.date()
    if isinstance(day, date):
        return day
    raise TypeError(f"expected a date, got {type(day).__name__}")


def fiscal_year_of(day) -> int:
    """The BE fiscal year a CE date falls in."""
    day = _as_date(day)
    return ce_to_be(day.year) + (1 if day.month >= FIRST_MONTH else 0)


def period_of(day) -> int:
    """The period (1 = October … 12 = September) a date falls in."""
    day = _as_date(day)
    return (day.month - FIRST_MONTH) % PERIODS + 1


def check_fiscal_year(fiscal_year) -> int:
    if (
        isinstance(fiscal_year, bool)
        or not isinstance(fiscal_year, int)
        or not MIN_FISCAL_YEAR <= fiscal_year <= MAX_FISCAL_YEAR
    ):
        raise InvalidPeriod(
            details={"fiscal_year": "ปีงบประมาณต้องเป็นปี พ.ศ. เช่น 2568"},
        )
    return fiscal_year


def check_period(period) -> int:
    if isinstance(period, bool) or not isinstance(period, int) or not 1 <= period <= PERIODS:
        raise InvalidPeriod(details={"period": "งวดบัญชีต้องเป็นเลข 1 (ตุลาคม) ถึง 12 (กันยายน)"})
    return period


def fiscal_year_bounds(fiscal_year: int) -> tuple[date, date]:
    """First and last day of a BE fiscal year."""
    check_fiscal_year(fiscal_year)
    end_year = be_to_ce(fiscal_year)
    return date(end_year - 1, FIRST_MONTH, 1), date(end_year, FIRST_MONTH - 1, 30)


def period_bounds(fiscal_year: int, period: int) -> tuple[date, date]:
    """First and last day of a period of a BE fiscal year."""
    check_fiscal_year(fiscal_year)
    check_period(period)
    month = (FIRST_MONTH - 1 + period - 1) % PERIODS + 1
    year = be_to_ce(fiscal_year) - (1 if month >= FIRST_MONTH else 0)
    return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
