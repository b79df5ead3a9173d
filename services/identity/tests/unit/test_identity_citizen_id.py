import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.domain.citizen_id import (
    InvalidCitizenId,
    citizen_id_check_digit,
    has_citizen_id_shape,
    is_valid_citizen_id,
    mask_citizen_id,
    require_valid_citizen_id,
    with_check_digit,
)

twelve_digits = st.text(alphabet="0123456789", min_size=12, max_size=12)


def reference_check_digit(first_twelve):
    # Straight from DOMAIN.md: sum = Σ d_i × (14 − i), i = 1..12.
    total = 0
    for i in range(1, 13):
        total += int(first_twelve[i - 1]) * (14 - i)
    return (11 - total % 11) % 10


def test_known_check_digit():
    # 1×13 + 2×12 + ... + 2×2 (digits 1..9,0,1,2) = 13+24+33+40+45+48+49+48+45+0+3+4 = 352
    # 352 mod 11 = 0 -> (11 - 0) mod 10 = 1
    assert citizen_id_check_digit("123456789012") == 1
    assert is_valid_citizen_id("1234567890121")
    assert not is_valid_citizen_id("1234567890122")


def test_all_ones_example_from_the_manual_has_a_bad_check_digit():
    # sum = 90, 90 mod 11 = 2, (11 - 2) mod 10 = 9
    assert citizen_id_check_digit("111111111111") == 9
    assert not is_valid_citizen_id("1111111111111")
    assert is_valid_citizen_id("1111111111119")


@given(twelve_digits)
def test_check_digit_matches_the_formula(first_twelve):
    assert citizen_id_check_digit(first_twelve) == reference_check_digit(first_twelve)
    assert is_valid_citizen_id(with_check_digit(first_twelve))


@given(twelve_digits, st.integers(min_value=1, max_value=9))
def test_any_other_last_digit_is_refused(first_twelve, shift):
    good = reference_check_digit(first_twelve)
    wrong = (good + shift) % 10
    assert not is_valid_citizen_id(first_twelve + str(wrong))


def test_a_swapped_pair_of_digits_is_caught():
    # 1234567890121 with its 2nd and 3rd digits swapped: sum 353, 353 mod 11 = 1,
    # so the check digit would have to be 0, not 1.
    assert citizen_id_check_digit("132456789012") == 0
    assert not is_valid_citizen_id("1324567890121")


@pytest.mark.parametrize(
    "text",
    ["", "123456789012", "12345678901210", "12345678901a1", None, 1234567890121, "１２３"],
)
def test_wrong_shapes_are_invalid(text):
    assert not is_valid_citizen_id(text)


def test_grouped_and_thai_digits_are_read():
    assert require_valid_citizen_id("1-2345-67890-12-1") == "1234567890121"
    assert require_valid_citizen_id(" 1234567890121 ") == "1234567890121"
    assert require_valid_citizen_id("๑๒๓๔๕๖๗๘๙๐๑๒๑") == "1234567890121"


def test_require_raises_with_code_and_thai_message():
    with pytest.raises(InvalidCitizenId) as caught:
        require_valid_citizen_id("1234567890122")
    assert caught.value.code == "invalid_citizen_id"
    assert "เลขประจำตัวประชาชน" in caught.value.message


def test_shape_only_check_ignores_the_check_digit():
    assert has_citizen_id_shape("1111111111111")
    assert not has_citizen_id_shape("111111111111")


def test_check_digit_needs_twelve_digits():
    with pytest.raises(ValueError):
        citizen_id_check_digit("12345")


def test_mask_keeps_first_five_and_last_digit():
    assert mask_citizen_id("1123456789013") == "1-1234-xxxxx-xx-3"
    assert mask_citizen_id("1-1234-56789-01-3") == "1-1234-xxxxx-xx-3"


def test_mask_never_echoes_a_malformed_id():
    assert mask_citizen_id("12345") == "xxxxx"
    assert "1" not in mask_citizen_id("1234567890")
