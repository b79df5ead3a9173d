"""Money: exact Decimal amounts with two places, parsed strictly and written as "1250.50".

Floats are refused outright: a float has already lost the satang it was meant to carry.
"""

import re
from decimal import Decimal, InvalidOperation

from ledger.domain.errors import InvalidAmount

CENT = Decimal("0.01")
ZERO = Decimal("0.00")
# Ten trillion baht: far above any LAO budget, low enough to catch pasted garbage.
LIMIT = Decimal(10) ** 13

# Plain digits, or thousands grouped with commas as Excel exports them.
_AMOUNT = re.compile(r"^[+-]?(\d+|\d{1,3}(,\d{3})+)(\.\d{1,2})?$", re.ASCII)
_TOO_PRECISE = re.compile(r"^[+-]?[\d,]+\.\d{3,}$", re.ASCII)

NOT_A_NUMBER = "จำนวนเงินต้องเป็นตัวเลข เช่น 1250.50"
FLOAT_GIVEN = 'จำนวนเงินต้องส่งเป็นข้อความ เช่น "1250.50" ไม่ใช่เลขทศนิยมแบบ float'
TOO_MANY_PLACES = "จำนวนเงินมีทศนิยมได้ไม่เกิน 2 ตำแหน่ง"
NEGATIVE = "จำนวนเงินต้องไม่ติดลบ"
TOO_LARGE = "จำนวนเงินมากเกินไป (ต้องน้อยกว่า 10,000,000,000,000 บาท)"


def _refuse(field: str, problem: str):
    raise InvalidAmount(details={field: problem})


def parse_amount(value, *, allow_negative: bool = False, field: str = "amount") -> Decimal:
    """Turn a string, int or Decimal into a Decimal with exactly two places.

    Refuses floats, booleans, NaN/infinity, exponents, more than two decimal places,
    negatives unless allowed, and magnitudes of 10^13 or more (InvalidAmount).
    """
    if isinstance(value, bool) or value is None:
        _refuse(field, NOT_A_NUMBER)
    if isinstance(value, float):
        _refuse(field, FLOAT_GIVEN)
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        if not value.is_finite():
            _refuse(field, NOT_A_NUMBER)
        if value.as_tuple().exponent < -2:
            _refuse(field, TOO_MANY_PLACES)
        amount = value
    elif isinstance(value, str):
        text = value.strip()
        if not _AMOUNT.match(text):
            if _TOO_PRECISE.match(text):
                _refuse(field, TOO_MANY_PLACES)
            _refuse(field, NOT_A_NUMBER)
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:  # pragma: no cover - the pattern already guards this
            _refuse(field, NOT_A_NUMBER)
    else:
        _refuse(field, NOT_A_NUMBER)
    if abs(amount) >= LIMIT:
        _refuse(field, TOO_LARGE)
    if amount < 0 and not allow_negative:
        _refuse(field, NEGATIVE)
    amount = amount.quantize(CENT)
    return ZERO if amount.is_zero() else amount  # no "-0.00"


def format_amount(amount: Decimal) -> str:
    """The API's spelling: "1250.50", "-3.00", no grouping."""
    if isinstance(amount, float):
        raise TypeError("money is never a float")
    value = Decimal(amount).quantize(CENT)
    if value.is_zero():
        value = ZERO
    return f"{value:f}"
