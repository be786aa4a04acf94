"""Dates as people type them, counted from the injected clock's today."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.relative_dates import parse_day, relative_day

SUNDAY = date(2026, 3, 1)


@pytest.mark.parametrize(
    ("text", "day"),
    [
        ("today", SUNDAY),
        (" Today ", SUNDAY),
        ("tomorrow", date(2026, 3, 2)),
        ("yesterday", date(2026, 2, 28)),
        ("igår", date(2026, 2, 28)),
        ("+14d", date(2026, 3, 15)),
        ("-3d", date(2026, 2, 26)),
        ("+2w", date(2026, 3, 15)),
        ("monday", date(2026, 3, 2)),
        ("fri", date(2026, 3, 6)),
        ("fredag", date(2026, 3, 6)),
        ("sunday", date(2026, 3, 8)),
        ("2026-04-30", date(2026, 4, 30)),
    ],
)
def test_each_form_names_the_day_a_person_means(text: str, day: date) -> None:
    assert parse_day(text, SUNDAY) == day


@pytest.mark.parametrize("text", ["", "+d", "14d", "+1y", "next monday", "2026-02-30", "+-3d"])
def test_anything_else_is_no_date(text: str) -> None:
    assert parse_day(text, SUNDAY) is None


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)))
def test_a_weekday_is_always_the_next_such_day_within_a_week(today: date) -> None:
    for name in ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"):
        day = relative_day(name, today)
        assert day is not None
        assert timedelta(days=1) <= day - today <= timedelta(days=7)
        assert day.strftime("%A").lower() == name


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2199, 12, 31)), st.integers(0, 999))
def test_an_offset_moves_by_that_many_days_or_weeks(today: date, count: int) -> None:
    assert relative_day(f"+{count}d", today) == today + timedelta(days=count)
    assert relative_day(f"-{count}w", today) == today - timedelta(weeks=count)
