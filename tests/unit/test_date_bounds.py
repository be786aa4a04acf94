"""The calendar kivo accepts (1900-01-01..2199-12-31), checked where each date is parsed,
and the bounds on whole numbers that would otherwise overflow a database or a date."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from cli.options import parse_date
from pathway.clock import parse_now
from pathway.doctor import parse_stale_after
from pathway.meetings import parse_moment
from states.calendar_bounds import EARLIEST, LATEST, MAX_SECONDS, check_day, check_moment
from states.errors import InvalidInput


def test_the_accepted_calendar_is_1900_to_2199() -> None:
    assert EARLIEST.isoformat() == "1900-01-01"
    assert LATEST.isoformat() == "2199-12-31"


@pytest.mark.parametrize("day", [EARLIEST, LATEST, date(2026, 3, 2)])
def test_a_day_inside_the_calendar_is_returned_unchanged(day: date) -> None:
    assert check_day(day, "--on") == day


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1899, 12, 31), date(2200, 1, 1), date.max])
def test_a_day_outside_the_calendar_is_invalid_input_naming_the_option_and_range(
    day: date,
) -> None:
    with pytest.raises(InvalidInput) as raised:
        check_day(day, "--on")

    assert raised.value.message.startswith(f"--on {day.isoformat()} is outside")
    assert "1900-01-01 to 2199-12-31" in raised.value.message
    assert raised.value.params["field"] == "--on"


def test_a_moment_is_judged_by_its_date_as_written() -> None:
    late = datetime(2199, 12, 31, 23, 59, tzinfo=UTC)
    assert check_moment(late, "--at") == late
    with pytest.raises(InvalidInput):
        check_moment(datetime(2200, 1, 1, tzinfo=UTC), "--at")


@pytest.mark.parametrize("text", ["0001-01-01", "1899-12-31", "2200-01-01", "9999-12-31"])
def test_a_date_option_beyond_the_calendar_is_refused_with_the_option_name(text: str) -> None:
    with pytest.raises(InvalidInput, match=f"^--until {text} is outside"):
        parse_date(text, "until")


def test_a_date_option_on_the_edges_is_accepted() -> None:
    assert parse_date("1900-01-01", "on") == EARLIEST
    assert parse_date(" 2199-12-31 ", "on") == LATEST


def test_a_malformed_date_option_keeps_its_own_message() -> None:
    with pytest.raises(InvalidInput, match="is not a real date"):
        parse_date("2026-02-30", "on")


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31T23:59", "1899-12-31T23:59+01:00"])
def test_a_clock_beyond_the_calendar_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"^--now/KIVO_NOW .* is outside"):
        parse_now(text)


def test_a_clock_on_the_last_minute_is_accepted() -> None:
    assert parse_now("2199-12-31T23:59").year == 2199


@pytest.mark.parametrize("text", ["0001-01-01T00:00", "9999-12-31T23:59", "2200-01-01T00:00"])
def test_a_meeting_time_beyond_the_calendar_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match=r"^--at .* is outside the dates kivo accepts"):
        parse_moment(text)


@pytest.mark.parametrize("seconds", [float("inf"), float("nan"), 1e15, MAX_SECONDS + 1, 0, -5])
def test_stale_after_beyond_ten_years_or_not_positive_is_refused(seconds: float) -> None:
    with pytest.raises(InvalidInput, match="--stale-after must be more than 0 and at most"):
        parse_stale_after(seconds)


def test_stale_after_of_ten_years_is_accepted() -> None:
    assert parse_stale_after(MAX_SECONDS).total_seconds() == MAX_SECONDS
