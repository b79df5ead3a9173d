import string

import pytest
from hypothesis import given
from hypothesis import strategies as st

from identity.domain.citizen_id import InvalidCitizenId
from identity.domain.password_policy import (
    VIOLATIONS,
    PasswordPolicyViolated,
    PasswordUnchanged,
    initial_lao_password,
    password_violations,
    require_strong_password,
)


def test_strong_password_has_no_violations():
    assert password_violations("Abcdef1+") == []
    assert require_strong_password("Abcdef1+") == "Abcdef1+"


@pytest.mark.parametrize(
    "password, expected",
    [
        ("Abcde1+", ["min_length"]),
        ("abcdef1+", ["uppercase"]),
        ("ABCDEF1+", ["lowercase"]),
        ("Abcdefg+", ["digit"]),
        ("Abcdefg1", ["special"]),
        ("", ["min_length", "uppercase", "lowercase", "digit", "special"]),
        ("a", ["min_length", "uppercase", "digit", "special"]),
        ("12345678", ["uppercase", "lowercase", "special"]),
    ],
)
def test_each_rule(password, expected):
    assert password_violations(password) == expected


@pytest.mark.parametrize("special", list("+-*/$=,@!#%&?_.~^"))
def test_special_characters_from_the_manual_count(special):
    assert password_violations("Abcdef1" + special) == []


def test_thai_letters_and_thai_digits_do_not_count_as_english_or_digits():
    # ๑ is a digit to str.isdigit, but the rule asks for 0-9.
    assert password_violations("กขคงจฉชซ๑") == ["uppercase", "lowercase", "digit", "special"]


def test_require_strong_password_raises_with_violations_in_order():
    with pytest.raises(PasswordPolicyViolated) as caught:
        require_strong_password("abc")
    error = caught.value
    assert error.code == "password_policy"
    assert error.details == {"violations": ["min_length", "uppercase", "digit", "special"]}
    assert error.message.startswith("รหัสผ่านไม่ตรงตามข้อกำหนด")


def test_initial_lao_password_is_id_followed_by_laas_hash():
    assert initial_lao_password("1111111111111") == "1111111111111Laas#"
    assert initial_lao_password("1-2345-67890-12-1") == "1234567890121Laas#"


def test_initial_lao_password_needs_thirteen_digits():
    with pytest.raises(InvalidCitizenId):
        initial_lao_password("12345")


def test_new_password_may_not_be_the_initial_one():
    initial = initial_lao_password("1234567890121")
    # The issued password itself passes the character rules, so only this rule stops it.
    assert password_violations(initial) == []
    with pytest.raises(PasswordUnchanged) as caught:
        require_strong_password(initial, initial_password=initial)
    assert caught.value.code == "password_unchanged"
    assert require_strong_password("New#Pass1", initial_password=initial) == "New#Pass1"


@given(st.text(max_size=40))
def test_violations_are_an_ordered_subset(password):
    found = password_violations(password)
    assert set(found) <= set(VIOLATIONS)
    assert found == [v for v in VIOLATIONS if v in found]


@given(st.text(max_size=40))
def test_each_violation_matches_its_rule(password):
    found = set(password_violations(password))
    assert ("min_length" in found) == (len(password) < 8)
    assert ("uppercase" in found) == (not set(password) & set(string.ascii_uppercase))
    assert ("lowercase" in found) == (not set(password) & set(string.ascii_lowercase))
    assert ("digit" in found) == (not set(password) & set(string.digits))
    assert ("special" in found) == (not set(password) & set(string.punctuation))


@given(
    st.text(alphabet=string.ascii_uppercase, min_size=1, max_size=5),
    st.text(alphabet=string.ascii_lowercase, min_size=1, max_size=5),
    st.text(alphabet=string.digits, min_size=1, max_size=5),
    st.text(alphabet=string.punctuation, min_size=1, max_size=5),
    st.text(alphabet=string.ascii_letters, min_size=4, max_size=10),
    st.randoms(use_true_random=False),
)
def test_passwords_built_from_every_class_pass(upper, lower, digit, special, filler, rnd):
    chars = list(upper + lower + digit + special + filler)
    rnd.shuffle(chars)
    assert password_violations("".join(chars)) == []
