"""Dates as people type them: ``today``, ``tomorrow``, ``yesterday``, ``+14d``, ``-3d``,
``+2w``, a weekday (``monday``, ``mon``, Swedish ``måndag``: the next such day, never
today) or an ISO date. Relative forms count from the day given (the injected clock's
today), never from the system clock."""

from __future__ import annotations

import re
from datetime import date, timedelta

FORMS = "YYYY-MM-DD, today, tomorrow, yesterday, +14d, -3d, +2w or a weekday such as monday"

_NAMED = {
    "today": 0,
    "idag": 0,
    "tomorrow": 1,
    "imorgon": 1,
    "yesterday": -1,
    "igår": -1,
}
_WEEKDAYS = (
    ("monday", "mon", "måndag", "mån"),
    ("tuesday", "tue", "tisdag", "tis"),
    ("wednesday", "wed", "onsdag", "ons"),
    ("thursday", "thu", "torsdag", "tor"),
    ("friday", "fri", "fredag", "fre"),
    ("saturday", "sat", "lördag", "lör"),
    ("sunday", "sun", "söndag", "sön"),
)
_WEEKDAY = {name: number for number, names in enumerate(_WEEKDAYS) for name in names}
_OFFSET = re.compile(r"([+-])(\d{1,5})([dw])")


def relative_day(text: str, today: date) -> date | None:
    """The day ``text`` names relative to ``today``, or None when it is no relative form
    (an ISO date, or something wrong: the caller says which forms it accepts)."""
    word = text.strip().lower()
    if word in _NAMED:
        return today + timedelta(days=_NAMED[word])
    if word in _WEEKDAY:
        ahead = (_WEEKDAY[word] - today.weekday() - 1) % 7 + 1
        return today + timedelta(days=ahead)
    found = _OFFSET.fullmatch(word)
    if found is None:
        return None
    sign, count, unit = found.groups()
    days = int(count) * (7 if unit == "w" else 1) * (-1 if sign == "-" else 1)
    try:
        return today + timedelta(days=days)
    except OverflowError:
        return date.max if days > 0 else date.min  # out of range: the caller's bounds say so


def parse_day(text: str, today: date) -> date | None:
    """An ISO date or a relative form; None when it is neither."""
    found = relative_day(text, today)
    if found is not None:
        return found
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        return None
