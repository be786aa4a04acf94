"""Fixed-term employment with one employer, counted as LAS counts it (pure).

A stay is an employment with the employer: a date range, both ends included, and its
kind (``sava``: särskild visstidsanställning, before 2022-10-01 allmän
visstidsanställning; ``vikariat``; ``sasong``). Each stay is judged by the text in force
when it began (SFS 2022:835 from 2022-10-01):

- LAS 5 a § (2022): SÄVA becomes permanent after more than 12 months of SÄVA in total
  (1) within a five-year period, whatever the gaps, or (2) during a period of fixed-term
  employments of any kind that succeeded one another, one succeeding another when it
  began within six months of the previous one's last day (no five-year limit). By the
  transitional rules, allmän visstid from 2022-03-01 counts as SÄVA time, not before.
- LAS 5 § (before 2022-10-01): allmän visstidsanställning became permanent after more
  than two years in total within five years.
- LAS 5 a § third paragraph (both texts): a vikariat after more than two years of
  vikariat in total within five years.
- LAS 25 §: a preferential right to re-employment after more than 12 months of
  employment in total within the last three years; for SÄVA under the 2022 text already
  after more than 9 months of SÄVA. No chain condition.

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

from states.messages import N_

Stay = tuple[date, date]
Employment = tuple[date, date, str]  # start, end (both included), kind
SAVA, VIKARIAT, SASONG = "sava", "vikariat", "sasong"
KINDS = (SAVA, VIKARIAT, SASONG)
LAS_2022 = date(2022, 10, 1)  # SFS 2022:835 in force: SÄVA replaces allmän visstid
AVA_COUNTED_FROM = date(2022, 3, 1)  # its transitional rule: AVA from then is SÄVA time
MAX_GAP_MONTHS = 6  # LAS 5 a § (2022): succeeding when begun within six months
PREFERENTIAL_MORE_THAN_MONTHS = 9  # LAS 25 § (2022), SÄVA within 3 years
PREFERENTIAL_GENERAL_MORE_THAN_MONTHS = 12  # LAS 25 §, any employment within 3 years
PERMANENT_MORE_THAN_MONTHS = 12  # LAS 5 a § (2022), SÄVA
AVA_MORE_THAN_MONTHS = 24  # LAS 5 § before 2022-10-01, allmän visstid within 5 years
VIKARIAT_MORE_THAN_MONTHS = 24  # LAS 5 a §, vikariat within 5 years


_SPELLINGS = {"sava": SAVA, "säva": SAVA, "vikariat": VIKARIAT, "sasong": SASONG, "säsong": SASONG}


def employment_kind(text: str) -> str | None:
    """The kind as kivo records it (``SÄVA`` is ``sava``, ``säsong`` ``sasong``); ``None``
    when the text names none of them."""
    return _SPELLINGS.get(text.strip().casefold())


@dataclass(frozen=True, slots=True)
class Count:
    """Days counted towards one LAS limit up to ``on`` (included), and how."""

    days: int
    more_than_months: int
    on: date
    counted: str  # what was counted, for the sentence: "SÄVA within 5 years" (a catalogue text)

    @property
    def passed(self) -> bool:
        """More than ``more_than_months`` calendar months ending on ``on``."""
        return self.days > months_before(self.on, self.more_than_months)


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


def under_2022_text(start: date) -> bool:
    """Whether an employment begun on ``start`` is judged by the 2022 text (SFS 2022:835)."""
    return start >= LAS_2022


def within_years(stays: Iterable[Stay], on: date, years: int) -> int:
    """Days covered within the ``years`` years that end on ``on``."""
    return days_within(stays, add_months(on, -12 * years) + timedelta(days=1), on)


def sava_time(employments: Iterable[Employment], since: date = AVA_COUNTED_FROM) -> list[Stay]:
    """SÄVA time by the 2022 text: ``sava`` stays, an earlier allmän visstid counted only
    from ``since`` (the transitional rules of SFS 2022:835: from 2022-03-01 for 5 a §)."""
    return [(max(s, since), e) for s, e, kind in employments if kind == SAVA and e >= since]


def sava_permanent(
    employments: Iterable[Employment], on: date, months: int = PERMANENT_MORE_THAN_MONTHS
) -> Count:
    """LAS 5 a § first paragraph (2022): SÄVA time (1) within five years or (2) in the run
    of succeeding fixed-term employments of any kind that reaches ``on``; the larger."""
    employments = list(employments)
    sava = sava_time(employments)
    window = Count(within_years(sava, on, 5), months, on, N_("SÄVA within 5 years"))
    chain = current_chain([(s, e) for s, e, _ in employments], on)
    first = min((s for s, _ in chain), default=on + timedelta(days=1))
    chained = Count(
        days_within(sava, first, on), months, on, N_("SÄVA in succeeding fixed-term employments")
    )
    return chained if chained.days > window.days else window


def ava_permanent(employments: Iterable[Employment], on: date) -> Count:
    """LAS 5 § before 2022-10-01: allmän visstid (``sava`` begun before) within 5 years."""
    ava = [(s, e) for s, e, kind in employments if kind == SAVA and not under_2022_text(s)]
    return Count(
        within_years(ava, on, 5), AVA_MORE_THAN_MONTHS, on, N_("allmän visstid within 5 years")
    )


def vikariat_permanent(
    employments: Iterable[Employment], on: date, months: int = VIKARIAT_MORE_THAN_MONTHS
) -> Count:
    """LAS 5 a § third paragraph: vikariat time within five years."""
    vikariat = [(s, e) for s, e, kind in employments if kind == VIKARIAT]
    return Count(within_years(vikariat, on, 5), months, on, N_("vikariat within 5 years"))


def preferential(
    employments: Iterable[Employment],
    judged: Employment,
    months: int = PREFERENTIAL_MORE_THAN_MONTHS,
) -> Count:
    """LAS 25 §, by the text in force when ``judged`` began, counted up to its end: more
    than 12 months of employment within three years; from 2022-10-01 a SÄVA stay already
    after more than ``months`` of SÄVA. Whichever passes first is reported."""
    employments = list(employments)
    on = judged[1]
    general = Count(
        within_years([(s, e) for s, e, _ in employments], on, 3),
        PREFERENTIAL_GENERAL_MORE_THAN_MONTHS,
        on,
        N_("fixed-term employment within 3 years"),
    )
    if judged[2] != SAVA or not under_2022_text(judged[0]) or general.passed:
        return general
    sava = sava_time(employments, since=LAS_2022)  # 25 §: allmän visstid running then on
    return Count(within_years(sava, on, 3), months, on, N_("SÄVA within 3 years"))
