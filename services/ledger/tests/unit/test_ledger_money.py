from decimal import Decimal

import pytest

from ledger.domain.errors import InvalidAmount, InvalidVoucher
from ledger.domain.money import format_amount, parse_amount


@pytest.mark.parametrize(
    "value, expected",
    [
        ("10", "10.00"),
        ("10.5", "10.50"),
        ("1250.50", "1250.50"),
        (" 7.25 ", "7.25"),
        ("0", "0.00"),
        ("1,250,000.75", "1250000.75"),
        (12, "12.00"),
        (Decimal("3.1"), "3.10"),
        ("9999999999999.99", "9999999999999.99"),
    ],
)
def test_accepted_spellings(value, expected):
    amount = parse_amount(value)
    assert amount == Decimal(expected)
    assert amount.as_tuple().exponent == -2
    assert format_amount(amount) == expected


@pytest.mark.parametrize(
    "value",
    [1.5, 0.1, float("nan"), float("inf")],
)
def test_floats_are_refused(value):
    with pytest.raises(InvalidAmount) as err:
        parse_amount(value, field="debit")
    assert "float" in err.value.details["debit"]


@pytest.mark.parametrize("value", ["10.001", "0.005", Decimal("1.234"), Decimal("10.000")])
def test_more_than_two_places_is_refused(value):
    with pytest.raises(InvalidAmount) as err:
        parse_amount(value)
    assert "ทศนิยม" in err.value.details["amount"]


@pytest.mark.parametrize(
    "value",
    [
        "NaN",
        "Infinity",
        "-inf",
        "1e3",
        "abc",
        "",
        " ",
        "1,25.00",
        "12,34",
        "๑๐",
        None,
        True,
        Decimal("NaN"),
        Decimal("Infinity"),
        ["1"],
    ],
)
def test_non_numbers_are_refused(value):
    with pytest.raises(InvalidAmount):
        parse_amount(value)


@pytest.mark.parametrize(
    "value", ["10000000000000", "10000000000000.00", 10**14, "-10000000000000"]
)
def test_absurd_sizes_are_refused(value):
    with pytest.raises(InvalidAmount) as err:
        parse_amount(value, allow_negative=True)
    assert "มากเกินไป" in err.value.details["amount"]


def test_negatives_only_where_allowed():
    with pytest.raises(InvalidAmount) as err:
        parse_amount("-5")
    assert "ติดลบ" in err.value.details["amount"]
    assert parse_amount("-5", allow_negative=True) == Decimal("-5.00")


def test_minus_zero_is_plain_zero():
    assert format_amount(parse_amount("-0.00", allow_negative=True)) == "0.00"


def test_invalid_amount_is_in_the_invalid_voucher_family():
    with pytest.raises(InvalidVoucher) as err:
        parse_amount("x")
    assert err.value.code == "invalid_voucher"
    assert err.value.message


def test_format_amount_refuses_floats_and_pads():
    assert format_amount(Decimal("5")) == "5.00"
    assert format_amount(Decimal("-3.5")) == "-3.50"
    with pytest.raises(TypeError):
        format_amount(1.5)
