"""The calendar kivo accepts: every date and moment a person gives lies in 1900–2199.

Python's dates stop at year 9999 and a UTC conversion, a week's end or a meeting's
hour past the last day overflows there; nobody enrols, meets or reports in year 1 or
9999 anyway. So every date a user types (``--on``, ``--from``/``--to``, ``--until``,
``--at``, ``--now``/``KIVO_NOW``, ``--trained-on`` …) is checked against one range at
the point it is parsed, and a date outside it is bad input: it never reaches a rule, a
computation or the database, so nothing stored can later break a command. Two
centuries of room each side of any date the computations add (months, weeks, days)
keep every derived date far from the ends of Python's calendar.

Birth years are not dates typed here: a personnummer carries its own century and the
birth year option has its own plausibility check (1900 to this year).
"""

from __future__ import annotations

from datetime import date, datetime

from states.errors import InvalidInput
from states.messages import N_, Message

EARLIEST = date(1900, 1, 1)
LATEST = date(2199, 12, 31)
RANGE_TEXT = f"{EARLIEST.isoformat()} to {LATEST.isoformat()}"

# Whole numbers that count things or spans: far above any real use, far below what a
# database integer (2**63) or a date computation (about 3.6 million days) can hold.
MAX_COUNT = 1_000_000
MAX_DAYS = (LATEST - EARLIEST).days
MAX_SECONDS = 10 * 366 * 24 * 3600  # ten years
# The spans a rules file may set (offsets, repeats, reminders, "more than N months"): ten
# years, so a date the rules derive from an accepted date stays inside Python's calendar.
MAX_RULE_DAYS = 10 * 366
MAX_RULE_MONTHS = 120


def within(day: date) -> bool:
    return EARLIEST <= day <= LATEST


OUTSIDE = N_("{what} {value} is outside the dates kivo accepts ({range})")


def check_day(day: date, what: str | Message) -> date:
    """``day`` if it lies in the accepted calendar, else InvalidInput naming ``what`` (an
    option as typed, or a catalogue text such as "the meeting's time")."""
    if not within(day):
        raise _outside(what, day.isoformat())
    return day


def check_moment(moment: datetime, what: str | Message) -> datetime:
    """``moment`` if its date (as written, in its own zone) lies in the accepted calendar."""
    if not within(moment.date()):
        raise _outside(what, moment.isoformat(timespec="minutes"))
    return moment


def _outside(what: str | Message, value: str) -> InvalidInput:
    field = what.english() if isinstance(what, Message) else what
    span = Message(
        N_("{first} to {last}"), {"first": EARLIEST.isoformat(), "last": LATEST.isoformat()}
    )
    said = Message(OUTSIDE, {"what": what, "value": value, "range": span})
    return InvalidInput(said, field=field)
