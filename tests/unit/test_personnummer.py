"""Unit and property tests for states.personnummer.

The Luhn digit is computed here with an independent, textbook implementation (double every
second digit from the right) so the tests do not merely repeat the production code.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.errors import InvalidInput
from states.personnummer import (
    InvalidPersonnummer,
    Personnummer,
    luhn_check_digit,
    parse_personnummer,
    redact,
)

TODAY = date(2026, 11, 26)


def textbook_luhn_is_valid(number: str) -> bool:
    """Classic Luhn: from the right, double every second digit, sum digits, mod 10 == 0."""
    total = 0
    for position, char in enumerate(reversed(number)):
        value = int(char)
        if position % 2 == 1:
            value *= 2
            if value > 9:
                value -= 9
        total += value
    return total % 10 == 0


def with_check_digit(yyyymmddnnn: str) -> str:
    """Append the one digit that makes the 10 digits after the century Luhn-valid."""
    (check,) = [c for c in "0123456789" if textbook_luhn_is_valid(yyyymmddnnn[2:] + c)]
    return yyyymmddnnn + check


def wrong_check_digit(digits: str) -> str:
    """The same number with its check digit changed by one."""
    return digits[:11] + str((int(digits[11]) + 1) % 10)


def parse(text: str) -> Personnummer:
    return parse_personnummer(text, today=TODAY)


def short_form(digits: str, separator: str = "-") -> str:
    return f"{digits[2:8]}{separator}{digits[8:]}"


def long_form(digits: str) -> str:
    return f"{digits[:8]}-{digits[8:]}"


WRITINGS: tuple[Callable[[str], str], ...] = (str, long_form, short_form)


def assert_does_not_leak(error: InvalidPersonnummer, digits: str) -> None:
    """Neither the 10- nor the 12-digit number, in any spelling, may reach a message."""
    shown = f"{error} {error!r} {error.message} {error.to_dict()}"
    for secret in (digits, digits[2:], long_form(digits), short_form(digits)):
        assert secret not in shown


ADULT = with_check_digit("19811218987")  # 19811218-9876, Skatteverket's own example
CHILD = with_check_digit("20121212121")
CENTENARIAN = with_check_digit("19121212121")


# --- accepted forms -----------------------------------------------------------------------


def test_skatteverkets_example_number_is_valid() -> None:
    assert ADULT == "198112189876"
    assert luhn_check_digit("811218987") == 6


def test_a_ten_digit_number_born_this_century_gets_20() -> None:
    assert parse(short_form(CHILD)).digits == CHILD


def test_a_ten_digit_number_that_would_be_in_the_future_this_century_gets_19() -> None:
    assert parse(short_form(ADULT)).digits == ADULT


def test_a_ten_digit_number_born_today_one_century_ago_is_read_as_born_today() -> None:
    born_today = with_check_digit("20261126123")
    assert parse(short_form(born_today)).birth_date == TODAY


def test_a_ten_digit_number_born_tomorrow_is_read_as_born_a_century_ago() -> None:
    tomorrow = with_check_digit("19261127123")
    assert parse(short_form(tomorrow)).birth_date == date(1926, 11, 27)


def test_a_ten_digit_number_without_separator_is_read_like_one_with_a_hyphen() -> None:
    assert parse(short_form(ADULT, "")).digits == ADULT
    assert parse(short_form(CHILD, "")).digits == CHILD


def test_a_plus_sign_goes_back_a_further_hundred_years() -> None:
    assert parse(short_form(CENTENARIAN, "+")).digits == CENTENARIAN


def test_a_plus_sign_on_a_date_later_this_year_goes_back_two_centuries() -> None:
    old = with_check_digit("18261127123")
    assert parse(short_form(old, "+")).birth_date == date(1826, 11, 27)


def test_a_twelve_digit_number_with_a_hyphen_keeps_its_century() -> None:
    assert parse(long_form(CENTENARIAN)).digits == CENTENARIAN


def test_a_twelve_digit_number_without_a_hyphen_keeps_its_century() -> None:
    assert parse(CENTENARIAN).digits == CENTENARIAN


def test_surrounding_whitespace_is_ignored() -> None:
    assert parse(f"  \t{short_form(ADULT)}\n ").digits == ADULT


def test_february_29_in_a_leap_year_is_accepted() -> None:
    leap = with_check_digit("20000229123")
    assert parse(short_form(leap)).birth_date == date(2000, 2, 29)


def test_a_samordningsnummer_with_day_61_is_accepted_as_born_on_the_first() -> None:
    number = parse(with_check_digit("19900161123"))
    assert number.is_coordination_number
    assert number.birth_date == date(1990, 1, 1)


def test_a_samordningsnummer_with_day_91_is_accepted_as_born_on_the_31st() -> None:
    assert parse(with_check_digit("19900191123")).birth_date == date(1990, 1, 31)


def test_an_ordinary_personnummer_is_not_a_coordination_number() -> None:
    assert not parse(ADULT).is_coordination_number


def test_a_samordningsnummer_gets_its_century_from_its_real_birth_date() -> None:
    assert parse(short_form(with_check_digit("20261186123"))).birth_date == TODAY
    assert parse(short_form(with_check_digit("19261187123"))).birth_date.year == 1926


# --- rejections ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "811218987",  # 9 digits
        "81121898761",  # 11 digits
        "1981121898761",  # 13 digits
        "811218-987",
        "8112189876x",
        "81121A-9876",
        "abcdef-ghij",
        "811218 9876",
        "811218/9876",
        "811218--9876",
        "8112-189876",
        "19811218+9876",  # "+" only belongs to the ten-digit form
        "811218-98 76",
        "٨١١٢١٨-٩٨٧٦",  # Arabic-Indic digits are digits to \d, not to us
    ],
)
def test_anything_but_the_five_written_forms_is_rejected(text: str) -> None:
    with pytest.raises(InvalidPersonnummer, match="expected YYMMDD-NNNC") as caught:
        parse(text)
    assert text.strip() == "" or text.strip() not in str(caught.value)


def test_february_30_is_not_a_date() -> None:
    digits = with_check_digit("19900230123")
    with pytest.raises(InvalidPersonnummer) as caught:
        parse(digits)
    assert str(caught.value) == "personnummer 19900230-****: 1990-02-30 is not a date"


def test_february_29_in_a_non_leap_year_is_not_a_date() -> None:
    with pytest.raises(InvalidPersonnummer, match="2023-02-29 is not a date"):
        parse(short_form(with_check_digit("20230229123")))


def test_february_29_in_1900_is_not_a_date_because_1900_was_no_leap_year() -> None:
    with pytest.raises(InvalidPersonnummer, match="1900-02-29 is not a date"):
        parse(short_form(with_check_digit("19000229123"), "+"))


@pytest.mark.parametrize("yyyymmdd", ["19901301", "19900001", "19900100", "19900432"])
def test_a_month_or_day_out_of_range_is_not_a_date(yyyymmdd: str) -> None:
    with pytest.raises(InvalidPersonnummer, match="is not a date"):
        parse(with_check_digit(yyyymmdd + "123"))


def test_day_60_is_neither_a_date_nor_a_samordningsnummer() -> None:
    with pytest.raises(InvalidPersonnummer, match="1990-01-60 is not a date"):
        parse(with_check_digit("19900160123"))


def test_a_samordningsnummer_whose_real_day_does_not_exist_is_not_a_date() -> None:
    with pytest.raises(InvalidPersonnummer, match=r"1990-02-30 is not a date \(samordnings"):
        parse(with_check_digit("19900290123"))


def test_a_wrong_check_digit_is_rejected_naming_the_right_one() -> None:
    with pytest.raises(InvalidPersonnummer) as caught:
        parse(wrong_check_digit(ADULT))
    assert str(caught.value) == "personnummer 19811218-****: check digit should be 6"


def test_a_birth_date_after_today_is_rejected() -> None:
    with pytest.raises(InvalidPersonnummer, match="2026-11-27 is after 2026-11-26"):
        parse(long_form(with_check_digit("20261127123")))


def test_a_samordningsnummer_born_after_today_is_rejected() -> None:
    with pytest.raises(InvalidPersonnummer, match="is after"):
        parse(with_check_digit("20261187123"))


def test_being_born_today_is_not_in_the_future() -> None:
    assert parse(with_check_digit("20261126123")).birth_date == TODAY


def test_a_rejection_is_an_invalid_input_with_its_own_code() -> None:
    with pytest.raises(InvalidInput) as caught:
        parse("nonsense")
    assert caught.value.code == "invalid-personnummer"
    assert caught.value.to_dict()["code"] == "invalid-personnummer"


WRONG_CHECK = wrong_check_digit(ADULT)
NOT_A_DATE = with_check_digit("19900230123")
DAY_60 = with_check_digit("19900160123")
FUTURE = with_check_digit("20261127123")


@pytest.mark.parametrize(
    ("text", "digits"),
    [
        *[(write(d), d) for d in (WRONG_CHECK, NOT_A_DATE, DAY_60) for write in WRITINGS],
        (FUTURE, FUTURE),
        (long_form(FUTURE), FUTURE),
    ],
)
def test_no_error_message_contains_the_ten_or_twelve_digit_number(text: str, digits: str) -> None:
    with pytest.raises(InvalidPersonnummer) as caught:
        parse(text)
    assert_does_not_leak(caught.value, digits)


def test_a_malformed_text_around_a_number_is_not_echoed() -> None:
    with pytest.raises(InvalidPersonnummer) as caught:
        parse(f"{long_form(ADULT)}x")
    assert_does_not_leak(caught.value, ADULT)


def test_constructing_directly_still_checks_shape_date_and_check_digit() -> None:
    assert Personnummer(ADULT).birth_date == date(1981, 12, 18)
    for bad in ("8112189876", "19811218-9876", wrong_check_digit(ADULT)):
        with pytest.raises(InvalidPersonnummer):
            Personnummer(bad)


@pytest.mark.parametrize("bad", ["81121898", "8112189876", "81121898x", "٨١١٢١٨٩٨٧"])
def test_luhn_check_digit_refuses_anything_but_nine_digits(bad: str) -> None:
    with pytest.raises(ValueError, match="nine"):
        luhn_check_digit(bad)


# --- display ------------------------------------------------------------------------------


def test_masked_shows_only_the_birth_date_part() -> None:
    assert parse(ADULT).masked() == "19811218-****"


def test_a_masked_samordningsnummer_keeps_its_day_plus_60() -> None:
    assert parse(with_check_digit("19900161123")).masked() == "19900161-****"


def test_formatted_is_the_full_twelve_digit_form_with_a_hyphen() -> None:
    assert parse(short_form(ADULT)).formatted() == "19811218-9876"


def test_str_and_repr_do_not_reveal_the_full_number() -> None:
    number = parse(ADULT)
    assert str(number) == "19811218-****"
    assert f"{number}" == "19811218-****"
    assert repr(number) == "Personnummer('19811218-****')"
    assert "9876" not in repr([number])


def test_equal_numbers_written_differently_are_equal_and_hash_alike() -> None:
    assert parse(short_form(ADULT)) == parse(long_form(ADULT))
    assert len({parse(short_form(ADULT)), parse(ADULT)}) == 1


# --- properties ---------------------------------------------------------------------------


@st.composite
def valid_numbers(draw: st.DrawFn) -> tuple[str, date]:
    """A Luhn-valid 12-digit number born 1900..TODAY, sometimes a samordningsnummer."""
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=TODAY))
    serial = draw(st.integers(min_value=0, max_value=999))
    written_day = born.day + (60 if draw(st.booleans()) else 0)
    return with_check_digit(f"{born:%Y%m}{written_day:02d}{serial:03d}"), born


def written_forms(digits: str, born: date) -> list[str]:
    """Every accepted spelling that must mean this person; '+' from their 100th birthday."""
    centenarian = (born.year + 100, born.month, born.day) <= (TODAY.year, TODAY.month, TODAY.day)
    forms = [digits, long_form(digits), short_form(digits, "+" if centenarian else "-")]
    if not centenarian:
        forms.append(short_form(digits, ""))
    return forms


@given(valid_numbers())
def test_every_written_form_of_a_valid_number_parses_back_to_the_same_number(
    number: tuple[str, date],
) -> None:
    digits, born = number
    for text in written_forms(digits, born):
        parsed = parse(text)
        assert parsed == Personnummer(digits)
        assert parsed.digits == digits
        assert parsed.birth_date == born
        assert parsed.formatted() == long_form(digits)


@given(valid_numbers())
def test_the_production_luhn_digit_agrees_with_the_textbook_one(
    number: tuple[str, date],
) -> None:
    digits, _ = number
    assert luhn_check_digit(digits[2:11]) == int(digits[11])


@given(valid_numbers(), st.integers(min_value=1, max_value=9))
def test_any_other_check_digit_is_rejected(number: tuple[str, date], shift: int) -> None:
    digits, born = number
    right = digits[11]
    wrong = digits[:11] + str((int(right) + shift) % 10)
    for text in written_forms(wrong, born):
        with pytest.raises(InvalidPersonnummer, match=f"check digit should be {right}$") as caught:
            parse(text)
        assert_does_not_leak(caught.value, wrong)


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("Got unexpected extra argument (19980412-3389)", "(19980412-****)"),
        ("No such command '980412-3389'.", "'980412-****'"),
        ("199804123389 and 9804123389", "19980412-**** and 980412-****"),
        ("a centenarian 980412+3389", "980412-****"),
    ],
)
def test_anything_written_like_a_personnummer_in_free_text_is_masked(text: str, shown: str) -> None:
    assert shown in redact(text)
    assert "3389" not in redact(text)


def test_dates_ids_and_short_numbers_in_free_text_are_left_alone() -> None:
    text = "case 12 on 2026-03-04, 20260304, version 7, 123456789"
    assert redact(text) == text
