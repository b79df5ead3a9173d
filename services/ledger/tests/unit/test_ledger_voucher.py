from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from ledger_unit_support import (
    ASSETS_HEADING,
    BANK,
    CASH,
    OTHER_REVENUE,
    SUPPLIES_EXPENSE,
    small_chart,
    voucher_body,
)

from ledger.domain.errors import (
    AccountNotPostable,
    IdempotencyConflict,
    InvalidVoucher,
    PeriodClosed,
    UnknownAccount,
    VoucherUnbalanced,
)
from ledger.domain.voucher import (
    DESCRIPTION_MAX,
    GENESIS_HASH,
    MEMO_MAX,
    VoucherDraft,
    VoucherLine,
    VoucherType,
    chain_hash,
    check_idempotent_retry,
    content_hash,
    parse_voucher,
    parse_voucher_number,
    reversing_draft,
    reversing_lines,
    validate_voucher,
    verify_chain,
    voucher_number,
)

CHART = small_chart()


def invalid_details(body):
    with pytest.raises(InvalidVoucher) as err:
        validate_voucher(body, CHART)
    assert err.value.code == "invalid_voucher"
    return err.value.details


def line(code, debit="0", credit="0", memo=None):
    return {"account_code": code, "debit": debit, "credit": credit, "memo": memo}


# --- types -------------------------------------------------------------------------


def test_voucher_types_and_their_thai_names():
    assert {t.value for t in VoucherType} == {"GJ", "RV", "PV", "AP", "PAWN"}
    assert VoucherType.GJ.thai_name == "ใบผ่านรายการบัญชีทั่วไป"
    assert VoucherType.RV.thai_name == "ใบผ่านรายการรับ"
    assert VoucherType.PV.thai_name == "ใบผ่านรายการจ่าย"
    assert VoucherType.AP.thai_name == "ใบผ่านรายการตั้งหนี้"
    assert VoucherType.PAWN.thai_name == "ใบผ่านรายการเงินจำนำ"


# --- an accepted voucher -----------------------------------------------------------


def test_a_good_voucher_is_normalised():
    draft = validate_voucher(voucher_body(), CHART)
    assert draft.type == VoucherType.RV
    assert draft.date == date(2024, 10, 5)
    assert draft.fiscal_year == 2568 and draft.period == 1
    assert draft.lines[0] == VoucherLine(CASH, Decimal("1250.50"), Decimal("0.00"), "")
    assert draft.lines[1].memo == "ใบเสร็จ 1"
    assert draft.total == Decimal("1250.50")
    assert draft.as_dict()["total"] == "1250.50"


def test_blank_side_counts_as_zero():
    body = voucher_body(
        lines=[{"account_code": CASH, "debit": "5"}, {"account_code": BANK, "credit": "5.00"}]
    )
    assert validate_voucher(body, CHART).total == Decimal("5.00")


def test_several_lines_on_each_side():
    body = voucher_body(
        type="PV",
        lines=[
            line(SUPPLIES_EXPENSE, debit="100.25"),
            line(SUPPLIES_EXPENSE, debit="0.75"),
            line(CASH, credit="51"),
            line(BANK, credit="50"),
        ],
    )
    assert validate_voucher(body, CHART).total_credit == Decimal("101.00")


def test_a_draft_built_in_code_is_checked_too():
    draft = VoucherDraft(
        "GJ",
        date(2024, 10, 1),
        "x",
        (
            VoucherLine(CASH, Decimal("1"), Decimal("1")),
            VoucherLine(BANK, Decimal("0"), Decimal("0")),
        ),
    )
    with pytest.raises(InvalidVoucher) as err:
        validate_voucher(draft, CHART)
    assert set(err.value.details) == {"lines[0]", "lines[1]"}


# --- invalid_voucher ---------------------------------------------------------------


def test_at_least_two_lines():
    details = invalid_details(voucher_body(lines=[line(CASH, debit="1")]))
    assert "lines" in details


def test_lines_must_be_a_list():
    assert "lines" in invalid_details(voucher_body(lines="none"))


@pytest.mark.parametrize("kind", ["XX", "gj", None, "", {"a": 1}, ["GJ"], 5])
def test_unknown_type(kind):
    assert "type" in invalid_details(voucher_body(type=kind))


@pytest.mark.parametrize(
    "day", ["2024-02-30", "2024-13-01", "05/10/2024", "2024-1-5", "", None, 20241005]
)
def test_date_must_be_a_real_iso_date(day):
    assert "date" in invalid_details(voucher_body(date=day))


def test_a_be_year_in_the_date_is_refused_with_a_hint():
    details = invalid_details(voucher_body(date="2567-10-05"))
    assert "ค.ศ." in details["date"]


def test_date_objects_are_accepted():
    assert validate_voucher(voucher_body(date=date(2025, 2, 28)), CHART).period == 5


@pytest.mark.parametrize("description", ["", "   ", None, 5, "ก" * (DESCRIPTION_MAX + 1)])
def test_description_required_and_limited(description):
    assert "description" in invalid_details(voucher_body(description=description))


def test_description_at_the_limit_is_fine():
    body = voucher_body(description="ก" * DESCRIPTION_MAX)
    assert len(validate_voucher(body, CHART).description) == DESCRIPTION_MAX


def test_memo_limited():
    body = voucher_body(
        lines=[line(CASH, debit="1", memo="ก" * (MEMO_MAX + 1)), line(BANK, credit="1")]
    )
    assert "lines[0].memo" in invalid_details(body)


def test_each_line_one_side_only():
    body = voucher_body(lines=[line(CASH, debit="5", credit="5"), line(BANK, credit="0")])
    details = invalid_details(body)
    assert "เพียงด้านเดียว" in details["lines[0]"]
    assert "มากกว่าศูนย์" in details["lines[1]"]


def test_negative_float_and_three_place_amounts_are_refused():
    body = voucher_body(
        lines=[line(CASH, debit="-5"), line(BANK, credit=5.0), line(BANK, credit="1.005")]
    )
    details = invalid_details(body)
    assert {"lines[0].debit", "lines[1].credit", "lines[2].credit"} <= set(details)


def test_every_problem_is_reported_at_once():
    body = {
        "type": "ZZ",
        "date": "2024-02-30",
        "description": "",
        "lines": [line("", debit="x"), line(CASH, credit="1")],
    }
    details = invalid_details(body)
    assert {"type", "date", "description", "lines[0].account_code", "lines[0].debit"} <= set(
        details
    )


def test_missing_account_code():
    assert "lines[0].account_code" in invalid_details(
        voucher_body(lines=[{"debit": "1"}, line(BANK, credit="1")])
    )


def test_non_mapping_payload_and_line():
    assert invalid_details(["x"])  # a list is not a voucher
    assert "lines[0]" in invalid_details(voucher_body(lines=["x", line(BANK, credit="1")]))


# --- accounts ------------------------------------------------------------------------


def test_unknown_accounts_are_all_listed():
    body = voucher_body(
        lines=[line("9999999999", debit="1"), line("123", debit="1"), line(CASH, credit="2")]
    )
    with pytest.raises(UnknownAccount) as err:
        validate_voucher(body, CHART)
    assert err.value.code == "unknown_account"
    assert err.value.details == {"account_codes": ["9999999999", "123"]}


def test_heading_accounts_are_not_postable():
    body = voucher_body(lines=[line(ASSETS_HEADING, debit="1"), line(CASH, credit="1")])
    with pytest.raises(AccountNotPostable) as err:
        validate_voucher(body, CHART)
    assert err.value.code == "account_not_postable"
    assert err.value.details == {"account_codes": [ASSETS_HEADING]}


# --- balance -------------------------------------------------------------------------


def test_unbalanced_voucher_reports_both_totals():
    body = voucher_body(lines=[line(CASH, debit="100.00"), line(OTHER_REVENUE, credit="99.99")])
    with pytest.raises(VoucherUnbalanced) as err:
        validate_voucher(body, CHART)
    assert err.value.code == "voucher_unbalanced"
    assert err.value.details == {
        "total_debit": "100.00",
        "total_credit": "99.99",
        "difference": "0.01",
    }


# --- period --------------------------------------------------------------------------


def test_closed_period_is_refused():
    seen = []

    def closed(day):
        seen.append(day)
        return False

    with pytest.raises(PeriodClosed) as err:
        validate_voucher(voucher_body(date="2025-01-15"), CHART, closed)
    assert err.value.code == "period_closed"
    assert err.value.details == {"fiscal_year": 2568, "period": 4}
    assert seen == [date(2025, 1, 15)]


def test_open_period_passes():
    assert validate_voucher(voucher_body(), CHART, lambda day: True).total > 0


# --- numbering -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "kind, fy, seq, number",
    [
        ("RV", 2568, 123, "RV-2568-000123"),
        (VoucherType.PAWN, 2569, 1, "PAWN-2569-000001"),
        ("GJ", 2568, 999999, "GJ-2568-999999"),
    ],
)
def test_voucher_number_format(kind, fy, seq, number):
    assert voucher_number(kind, fy, seq) == number
    assert parse_voucher_number(number) == (VoucherType(kind), fy, seq)


@pytest.mark.parametrize("seq", [0, -1, 1_000_000, "1", True])
def test_voucher_number_refuses_bad_sequence(seq):
    with pytest.raises(ValueError):
        voucher_number("RV", 2568, seq)


def test_voucher_number_refuses_bad_type_and_ce_year():
    with pytest.raises(ValueError):
        voucher_number("XX", 2568, 1)
    with pytest.raises(Exception):  # noqa: B017 - InvalidPeriod, a DomainError
        voucher_number("RV", 2025, 1)


@pytest.mark.parametrize("text", ["RV-2568-123", "rv-2568-000123", "RV2568000123", None])
def test_parse_voucher_number_refuses_others(text):
    with pytest.raises(ValueError):
        parse_voucher_number(text)


# --- content hash --------------------------------------------------------------------


def test_content_hash_is_stable_under_equivalent_spellings():
    a = voucher_body(lines=[line(CASH, debit="10"), line(BANK, credit="10.0")])
    b = voucher_body(
        description="  " + a["description"] + " ",
        lines=[line(CASH, debit="10.00", credit=""), line(BANK, credit="10.00", debit="0.00")],
    )
    assert content_hash(a) == content_hash(b)
    assert content_hash(a) == content_hash(parse_voucher(a))
    assert len(content_hash(a)) == 64


@pytest.mark.parametrize(
    "change",
    [
        {"type": "GJ"},
        {"date": "2024-10-06"},
        {"description": "อื่น"},
        {"lines": [line(CASH, debit="10.01"), line(BANK, credit="10.01")]},
        {"lines": [line(BANK, credit="10"), line(CASH, debit="10")]},  # order matters
        {"lines": [line(CASH, debit="10", memo="m"), line(BANK, credit="10")]},
        {"lines": [line(SUPPLIES_EXPENSE, debit="10"), line(BANK, credit="10")]},
    ],
)
def test_content_hash_differs_for_different_content(change):
    base = voucher_body(lines=[line(CASH, debit="10"), line(BANK, credit="10")])
    assert content_hash(base) != content_hash({**base, **change})


def test_idempotent_retry_same_content_passes_other_content_conflicts():
    stored = content_hash(voucher_body())
    check_idempotent_retry(stored, voucher_body())
    with pytest.raises(IdempotencyConflict) as err:
        check_idempotent_retry(stored, voucher_body(description="อื่น"))
    assert err.value.code == "idempotency_conflict"


# --- chain ---------------------------------------------------------------------------


def posted(n, previous, amount="100.00", posted_at=None):
    fields = {
        "number": voucher_number("RV", 2568, n),
        "date": date(2024, 10, n),
        "type": "RV",
        "description": f"รับเงิน {n}",
        "lines": [line(CASH, debit=amount), line(OTHER_REVENUE, credit=amount)],
        "total": amount,
        "posted_by": "user-1",
        "posted_at": posted_at or datetime(2024, 10, n, 9, 0, tzinfo=UTC),
    }
    fields["previous_hash"] = previous
    fields["hash"] = chain_hash(previous, fields)
    return fields


def make_chain(count=5):
    chain, previous = [], GENESIS_HASH
    for n in range(1, count + 1):
        voucher = posted(n, previous)
        chain.append(voucher)
        previous = voucher["hash"]
    return chain


def test_an_untouched_chain_verifies():
    assert verify_chain(make_chain()) == []
    assert verify_chain([]) == []


def test_chain_hash_depends_on_the_previous_hash_and_every_field():
    base = posted(1, GENESIS_HASH)
    assert chain_hash("a" * 64, base) != base["hash"]
    for field, value in [
        ("number", "RV-2568-000009"),
        ("date", date(2024, 10, 2)),
        ("type", "GJ"),
        ("description", "แก้"),
        ("total", "100.01"),
        ("posted_by", "user-2"),
        ("posted_at", datetime(2024, 10, 1, 9, 1, tzinfo=UTC)),
        ("lines", [line(BANK, debit="100"), line(OTHER_REVENUE, credit="100")]),
    ]:
        assert chain_hash(GENESIS_HASH, {**base, field: value}) != base["hash"], field


def test_chain_hash_ignores_spelling_and_time_zone():
    a = posted(1, GENESIS_HASH)
    bangkok = timezone(timedelta(hours=7))
    b = {
        **a,
        "total": "100",
        "posted_at": datetime(2024, 10, 1, 16, 0, tzinfo=bangkok),
        "lines": [
            VoucherLine(CASH, Decimal("100"), Decimal("0")),
            line(OTHER_REVENUE, credit="100.0"),
        ],
    }
    assert chain_hash(GENESIS_HASH, b) == a["hash"]


def test_tampered_content_is_found():
    chain = make_chain()
    chain[2]["lines"][0]["debit"] = "1000.00"
    assert verify_chain(chain) == [2]


def test_tampered_and_rehashed_voucher_breaks_the_next_link():
    chain = make_chain()
    chain[1]["total"] = "1.00"
    chain[1]["hash"] = chain_hash(chain[1]["previous_hash"], chain[1])
    assert verify_chain(chain) == [2]


def test_deleted_voucher_breaks_the_link():
    chain = make_chain()
    del chain[2]
    assert verify_chain(chain) == [2]


def test_swapped_vouchers_are_found():
    chain = make_chain()
    chain[1], chain[2] = chain[2], chain[1]
    assert verify_chain(chain) == [1, 2, 3]


def test_verifying_a_segment_needs_the_hash_before_it():
    chain = make_chain()
    assert verify_chain(chain[2:], previous_hash=chain[1]["hash"]) == []
    assert verify_chain(chain[2:]) == [0]


def test_a_voucher_missing_fields_counts_as_broken():
    chain = make_chain(2)
    del chain[0]["posted_by"]
    assert verify_chain(chain) == [0]


# --- reversal ------------------------------------------------------------------------


def test_reversing_lines_swap_sides():
    original = validate_voucher(voucher_body(), CHART)
    reversed_ = reversing_lines(original.lines)
    assert [(x.debit, x.credit) for x in reversed_] == [
        (Decimal("0.00"), Decimal("1250.50")),
        (Decimal("1250.50"), Decimal("0.00")),
    ]
    assert [x.account_code for x in reversed_] == [CASH, OTHER_REVENUE]
    assert reversed_[1].memo == "ใบเสร็จ 1"


def test_reversing_draft_is_a_valid_voucher_of_the_same_type():
    original = validate_voucher(voucher_body(), CHART)
    draft = reversing_draft(original, date(2024, 11, 1), "RV-2568-000001")
    checked = validate_voucher(draft, CHART)
    assert checked.type == original.type and checked.date == date(2024, 11, 1)
    assert "RV-2568-000001" in checked.description
    assert checked.total == original.total
