"""The clock is injected: ``KIVO_NOW`` sets it from outside so tests can simulate years."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol
from zoneinfo import ZoneInfo

from states.calendar_bounds import check_moment
from states.errors import InvalidInput, quoted

LOCAL = ZoneInfo("Europe/Stockholm")


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(LOCAL)


@dataclass(frozen=True)
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at


def today(clock: Clock) -> date:
    """The date in Sweden, which is the date caseworkers mean."""
    return clock.now().astimezone(LOCAL).date()


def parse_now(text: str) -> datetime:
    """``KIVO_NOW``: an ISO date or datetime; without a zone it is Swedish local time. It
    lies in the calendar kivo accepts: a clock at year 9999 would overflow the first
    date computed from it and write data dated there."""
    try:
        value = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"KIVO_NOW {quoted(text)} is not an ISO date or datetime (e.g. 2026-03-01T09:00)",
            field="KIVO_NOW",
        ) from None
    return check_moment(value if value.tzinfo else value.replace(tzinfo=LOCAL), "--now/KIVO_NOW")


def clock_from(now: str | None) -> Clock:
    return FixedClock(parse_now(now)) if now else SystemClock()
