from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from notify.domain.thai_dates import (
    THAI_MONTHS,
    be_year,
    format_thai_date,
    format_thai_datetime,
    to_bangkok,
)


def test_be_year_adds_543():
    assert be_year(2024) == 2567
    assert be_year(2025) == 2568


def test_months_are_the_twelve_thai_names_in_order():
    assert len(THAI_MONTHS) == 12
    assert THAI_MONTHS[0] == "มกราคม"
    assert THAI_MONTHS[1] == "กุมภาพันธ์"
    assert THAI_MONTHS[8] == "กันยายน"
    assert THAI_MONTHS[11] == "ธันวาคม"


def test_date_in_thai_with_be_year():
    assert format_thai_date(date(2024, 9, 20)) == "20 กันยายน 2567"
    assert format_thai_date(date(2024, 2, 29)) == "29 กุมภาพันธ์ 2567"


def test_utc_time_is_shown_on_the_bangkok_clock():
    moment = datetime(2026, 11, 25, 7, 5, 42, tzinfo=UTC)
    assert format_thai_datetime(moment) == "25 พฤศจิกายน 2569 เวลา 14:05 น."


def test_seconds_are_dropped_not_rounded_up():
    # Showing a later minute than the real expiry would promise time the code does not have.
    moment = datetime(2026, 11, 25, 7, 5, 59, tzinfo=UTC)
    assert format_thai_datetime(moment).endswith("เวลา 14:05 น.")


def test_new_year_in_bangkok_starts_seven_hours_before_utc():
    last_minute = datetime(2025, 12, 31, 16, 59, tzinfo=UTC)
    first_minute = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)
    assert format_thai_datetime(last_minute) == "31 ธันวาคม 2568 เวลา 23:59 น."
    assert format_thai_datetime(first_minute) == "1 มกราคม 2569 เวลา 00:00 น."


def test_other_offsets_are_converted():
    tokyo = timezone(timedelta(hours=9))
    moment = datetime(2025, 1, 1, 1, 30, tzinfo=tokyo)  # 2024-12-31 23:30 in Bangkok
    assert format_thai_datetime(moment) == "31 ธันวาคม 2567 เวลา 23:30 น."


def test_iso_strings_from_events_are_accepted():
    assert format_thai_datetime("2026-11-25T07:05:00Z") == "25 พฤศจิกายน 2569 เวลา 14:05 น."
    assert format_thai_datetime("2026-11-25T14:05:00+07:00") == "25 พฤศจิกายน 2569 เวลา 14:05 น."


def test_naive_datetime_is_refused():
    with pytest.raises(ValueError):
        to_bangkok(datetime(2026, 11, 25, 7, 5))
    with pytest.raises(ValueError):
        format_thai_datetime("2026-11-25T07:05:00")
