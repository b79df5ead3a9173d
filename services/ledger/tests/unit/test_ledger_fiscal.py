from datetime import date, datetime

import pytest

from ledger.domain.errors import InvalidPeriod
from ledger.domain.fiscal import (
    be_to_ce,
    ce_to_be,
    fiscal_year_bounds,
    fiscal_year_of,
    period_bounds,
    period_of,
)


def test_be_is_ce_plus_543():
    assert ce_to_be(2024) == 2567
    assert be_to_ce(2568) == 2025


@pytest.mark.parametrize(
    "day, fy",
    [
        (date(2024, 9, 30), 2567),
        (date(2024, 10, 1), 2568),
        (date(2024, 12, 31), 2568),
        (date(2025, 1, 1), 2568),
        (date(2025, 9, 30), 2568),
        (date(2025, 10, 1), 2569),
    ],
)
def test_fiscal_year_is_named_by_the_be_year_it_ends_in(day, fy):
    assert fiscal_year_of(day) == fy


def test_fiscal_year_of_accepts_a_datetime():
    assert fiscal_year_of(datetime(2024, 10, 1, 0, 5)) == 2568


def test_fiscal_year_of_refuses_a_string():
    with pytest.raises(TypeError):
        fiscal_year_of("2024-10-01")


@pytest.mark.parametrize(
    "day, period",
    [
        (date(2024, 10, 1), 1),
        (date(2024, 11, 15), 2),
        (date(2024, 12, 31), 3),
        (date(2025, 1, 1), 4),
        (date(2025, 2, 28), 5),
        (date(2025, 9, 30), 12),
    ],
)
def test_periods_count_from_october(day, period):
    assert period_of(day) == period


def test_fiscal_year_bounds():
    assert fiscal_year_bounds(2568) == (date(2024, 10, 1), date(2025, 9, 30))


def test_period_bounds_october_and_september():
    assert period_bounds(2568, 1) == (date(2024, 10, 1), date(2024, 10, 31))
    assert period_bounds(2568, 12) == (date(2025, 9, 1), date(2025, 9, 30))


def test_period_bounds_february_in_a_leap_year():
    # FY 2567 ends in 2024, a leap year
    assert period_bounds(2567, 5) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds(2568, 5) == (date(2025, 2, 1), date(2025, 2, 28))


def test_periods_tile_the_year_without_gaps():
    first, last = fiscal_year_bounds(2568)
    previous_end = None
    for p in range(1, 13):
        start, end = period_bounds(2568, p)
        assert period_of(start) == p and period_of(end) == p
        assert fiscal_year_of(start) == 2568 and fiscal_year_of(end) == 2568
        if previous_end is not None:
            assert start.toordinal() == previous_end.toordinal() + 1
        previous_end = end
    assert period_bounds(2568, 1)[0] == first and previous_end == last


@pytest.mark.parametrize("period", [0, 13, -1, "1", 1.0, True])
def test_bad_period_is_refused(period):
    with pytest.raises(InvalidPeriod) as err:
        period_bounds(2568, period)
    assert err.value.code == "invalid_period"
    assert "period" in err.value.details


@pytest.mark.parametrize("fy", [2025, 100, "2568", None])
def test_ce_or_bad_fiscal_year_is_refused(fy):
    with pytest.raises(InvalidPeriod) as err:
        fiscal_year_bounds(fy)
    assert "fiscal_year" in err.value.details
