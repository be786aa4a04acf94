"""Fixed-term employment with one employer, counted as LAS counts it (pure).

LAS 5 a §: a fixed-term employment (SÄVA) becomes permanent when the employee has been
employed for more than 12 months within 5 years with the same employer; employments
that follow one another with at most 6 months between them are counted together. LAS
25 §: more than 9 months within 3 years gives a preferential right to re-employment.

Here a stay is a date range, both ends included. Stays chain while the next starts at
most 6 calendar months after the previous one ended; a longer gap breaks the chain, and
only the chain that reaches the day counted on is counted.

"More than N months" is measured on the calendar: the days counted exceed the days of the
N calendar months that end on the day counted (``months_before``). One stay of exactly N
calendar months is therefore never more than N months (2024-01-01 to 2024-12-31 is 12
months, as 2025-03-01 to 2025-11-30 is 9), and one day more always is.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta

Stay = tuple[date, date]
MAX_GAP_MONTHS = 6
PREFERENTIAL_MORE_THAN_MONTHS = 9  # LAS 25 §, within 3 years
PERMANENT_MORE_THAN_MONTHS = 12  # LAS 5 a §, within 5 years


@dataclass(frozen=True, slots=True)
class Accumulated:
    """Days of fixed-term employment counted up to ``on`` (included)."""

    within_3_years: int
    within_5_years: int
    on: date


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later (or earlier); the month's last day when it is short."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return date(year, month + 1, min(day.day, last))


def months_from(start: date, months: int) -> date:
    """The last day of ``months`` calendar months from ``start``, both ends included, as a
    stay is counted here: the day before the same date ``months`` later (2026-03-02 and 12
    months end on 2027-03-01), or that month's last day when it has no such date
    (2026-01-31 and 3 months end on 2026-04-30)."""
    same = add_months(start, months)
    return same if same.day < start.day else same - timedelta(days=1)


def months_before(on: date, months: int) -> int:
    """Days in the ``months`` calendar months that end on ``on`` (both ends included)."""
    return (on - add_months(on, -months)).days


def current_chain(
    stays: Iterable[Stay], on: date, max_gap_months: int = MAX_GAP_MONTHS
) -> list[Stay]:
    """The stays, up to ``on``, chained to the latest one by gaps of at most 6 months."""
    ordered = sorted((start, min(end, on)) for start, end in stays if start <= on)
    chain: list[Stay] = []
    for start, end in ordered:
        if chain and start > add_months(max(e for _, e in chain), max_gap_months):
            chain = []
        chain.append((start, end))
    if chain and on > add_months(max(e for _, e in chain), max_gap_months):
        return []  # the chain ended more than 6 months before the day counted on
    return chain


def days_within(stays: Iterable[Stay], first: date, last: date) -> int:
    """Days from ``first`` to ``last`` (both included) covered by any stay; overlaps once."""
    covered = 0
    cursor = first
    for start, end in sorted(stays):
        start, end = max(start, cursor), min(end, last)
        if start <= end:
            covered += (end - start).days + 1
            cursor = end + timedelta(days=1)
    return covered


def accumulate(stays: Iterable[Stay], on: date) -> Accumulated:
    """Days of the current chain within the last 3 and the last 5 years up to ``on``."""
    chain = current_chain(stays, on)
    return Accumulated(
        within_3_years=days_within(chain, add_months(on, -36) + timedelta(days=1), on),
        within_5_years=days_within(chain, add_months(on, -60) + timedelta(days=1), on),
        on=on,
    )


def preferential_right(found: Accumulated, months: int = PREFERENTIAL_MORE_THAN_MONTHS) -> bool:
    """More than ``months`` calendar months within 3 years (LAS 25 §)."""
    return found.within_3_years > months_before(found.on, months)


def permanent(found: Accumulated, months: int = PERMANENT_MORE_THAN_MONTHS) -> bool:
    """More than ``months`` calendar months within 5 years (LAS 5 a §)."""
    return found.within_5_years > months_before(found.on, months)
