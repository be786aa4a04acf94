"""Swedish personnummer and samordningsnummer: parsing, validation and safe display.

A personnummer is personal data, so nothing here ever puts the full number into an error
message or a ``repr``: only the masked form (birth date part + ``-****``) is shown. The
reference date is always passed in, never read from the clock, so that the century rule
and the "not born in the future" check are reproducible.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from states.errors import InvalidInput
from states.messages import N_, Message

__all__ = [
    "InvalidPersonnummer",
    "Personnummer",
    "holds_personnummer",
    "luhn_check_digit",
    "parse_personnummer",
]

_COORDINATION_OFFSET = 60
_MASK = "-****"
# [0-9] rather than \d: \d also matches non-ASCII digits such as Arabic-Indic ones.
_SHORT_FORM = re.compile(r"([0-9]{6})([-+]?)([0-9]{4})")
_LONG_FORM = re.compile(r"([0-9]{8})-?([0-9]{4})")
_TWELVE_DIGITS = re.compile(r"[0-9]{12}")


class InvalidPersonnummer(InvalidInput):
    """A personnummer that is malformed, not a date, in the future or fails the Luhn check."""

    code = "invalid-personnummer"


def luhn_check_digit(nine_digits: str) -> int:
    """The check digit Skatteverket computes over YYMMDDNNN (Luhn, weights 2,1,2,...)."""
    if not re.fullmatch(r"[0-9]{9}", nine_digits):
        raise ValueError("luhn_check_digit needs exactly nine ASCII digits")
    total = 0
    for index, char in enumerate(nine_digits):
        product = int(char) * (2 if index % 2 == 0 else 1)
        total += product // 10 + product % 10
    return (10 - total % 10) % 10


@dataclass(frozen=True, slots=True, repr=False)
class Personnummer:
    """A validated number in its full 12-digit form YYYYMMDDNNNC, century included.

    Constructing one directly checks shape, date and check digit; only
    :func:`parse_personnummer` can check "not in the future", as that needs ``today``.
    """

    digits: str

    def __post_init__(self) -> None:
        if not isinstance(self.digits, str) or not _TWELVE_DIGITS.fullmatch(self.digits):
            raise InvalidPersonnummer(
                Message(N_("personnummer: expected 12 digits YYYYMMDDNNNC")), problem="malformed"
            )
        _real_birth_date(self.digits)
        _check_luhn(self.digits)

    @property
    def birth_date(self) -> date:
        """The real birth date; for a samordningsnummer the written day minus 60."""
        return _real_birth_date(self.digits)

    @property
    def is_coordination_number(self) -> bool:
        """Whether this is a samordningsnummer (day written as day + 60)."""
        return int(self.digits[6:8]) > _COORDINATION_OFFSET

    def masked(self) -> str:
        """Birth date part as written plus ``-****``: safe for logs and messages."""
        return _mask(self.digits)

    def formatted(self) -> str:
        """The full number as YYYYMMDD-NNNC; only for places allowed to show it."""
        return f"{self.digits[:8]}-{self.digits[8:]}"

    def __str__(self) -> str:
        return self.masked()

    def __repr__(self) -> str:
        return f"Personnummer({self.masked()!r})"


def parse_personnummer(text: str, *, today: date) -> Personnummer:
    """Parse any accepted written form, resolving the century against ``today``.

    Raises :class:`InvalidPersonnummer` for a malformed text, a date that does not exist,
    a birth date after ``today`` or a wrong check digit.
    """
    digits = _twelve_digits(text.strip(), today)
    born = _real_birth_date(digits)
    if born > today:
        said = {"masked": _mask(digits), "born": born.isoformat(), "today": today.isoformat()}
        raise InvalidPersonnummer(
            Message(N_("personnummer {masked}: birth date {born} is after {today}"), said),
            problem="born-in-future",
            masked=_mask(digits),
            birth_date=born.isoformat(),
            today=today.isoformat(),
        )
    return Personnummer(digits)


def _twelve_digits(text: str, today: date) -> str:
    """The 12-digit form of an accepted written form, or InvalidPersonnummer."""
    if long_form := _LONG_FORM.fullmatch(text):
        return long_form.group(1) + long_form.group(2)
    if short_form := _SHORT_FORM.fullmatch(text):
        yymmdd, separator, serial = short_form.groups()
        return f"{_resolve_year(yymmdd, separator == '+', today):04d}{yymmdd[2:]}{serial}"
    raise InvalidPersonnummer(
        Message(
            N_(
                "personnummer: expected YYMMDD-NNNC, YYMMDD+NNNC, YYMMDDNNNC, YYYYMMDD-NNNC "
                "or YYYYMMDDNNNC"
            )
        ),
        problem="malformed",
    )


def _resolve_year(yymmdd: str, centenarian: bool, today: date) -> int:
    """Skatteverket's rule: the latest century not after ``today``; "+" goes back 100 more.

    Compares (year, month, day) tuples so that a non-existent date such as 02-30 still
    gets a century and is then reported as "not a date" with its full year.
    """
    yy, month, day = int(yymmdd[:2]), int(yymmdd[2:4]), _real_day(int(yymmdd[4:6]))
    year = today.year // 100 * 100 + yy
    if (year, month, day) > (today.year, today.month, today.day):
        year -= 100
    return year - 100 if centenarian else year


def _real_day(written_day: int) -> int:
    """Samordningsnummer write the day plus 60 (61-91); take that back off."""
    if written_day > _COORDINATION_OFFSET:
        return written_day - _COORDINATION_OFFSET
    return written_day


def _real_birth_date(digits: str) -> date:
    """The birth date encoded in 12 digits, or InvalidPersonnummer if it is no date."""
    year, month, written_day = int(digits[:4]), int(digits[4:6]), int(digits[6:8])
    try:
        return date(year, month, _real_day(written_day))
    except ValueError:
        shown = f"{digits[:4]}-{digits[4:6]}-{_real_day(written_day):02d}"
        said = {"masked": _mask(digits), "shown": shown, "day": written_day}
        template = N_("personnummer {masked}: {shown} is not a date")
        if written_day > _COORDINATION_OFFSET:
            template = N_(
                "personnummer {masked}: {shown} is not a date (samordningsnummer day {day} "
                "minus 60)"
            )
        raise InvalidPersonnummer(
            Message(template, said),
            problem="not-a-date",
            masked=_mask(digits),
        ) from None


def _check_luhn(digits: str) -> None:
    """Reject a number whose last digit is not the Luhn digit over YYMMDDNNN."""
    expected = luhn_check_digit(digits[2:11])
    if int(digits[11]) != expected:
        said = {"masked": _mask(digits), "expected": expected}
        raise InvalidPersonnummer(
            Message(N_("personnummer {masked}: check digit should be {expected}"), said),
            problem="wrong-check-digit",
            masked=_mask(digits),
            expected_check_digit=expected,
        )


def _mask(digits: str) -> str:
    return digits[:8] + _MASK


_ANYWHERE = re.compile(r"(?<![0-9])((?:[0-9]{2})?[0-9]{6})[-+]?[0-9]{4}(?![0-9])")


def redact(text: str) -> str:
    """Mask anything in free text that is written like a personnummer (10 or 12 digits,
    with or without a separator), e.g. in messages that echo what was typed."""
    return _ANYWHERE.sub(lambda found: found.group(1) + _MASK, text)


def holds_personnummer(text: str, *, today: date) -> bool:
    """Whether free text holds a valid personnummer or samordningsnummer (real date and
    check digit): a name must not, as names are printed in full. An organisationsnummer
    (month 20 or more) or a number that fails the check digit does not count."""
    for found in _ANYWHERE.finditer(text):
        try:
            parse_personnummer(found.group(0), today=today)
        except InvalidPersonnummer:
            continue
        return True
    return False
