"""Parsing of option values the domain cares about, with messages naming the problem."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import typer

from states.calendar_bounds import MAX_COUNT, check_day
from states.errors import InvalidInput, quoted
from states.messages import N_, Message

NOT_A_DATE = N_(
    "{what} {text} is not a real date in the form YYYY-MM-DD (or: today, tomorrow, "
    "yesterday, +14d, -3d, +2w or a weekday such as monday)"
)
"""A date option kivo cannot read; the forms are ``states.relative_dates.FORMS``, which
the reader types as they are (in English) in any language."""
NOT_AN_ID = N_("{text} is not an id (a whole number such as 12)")


def parse_date(text: str | None, what: str = "date") -> date | None:
    """A date option (``what`` is its name without dashes), in the calendar kivo accepts:
    an ISO date or a relative one (``today``, ``+14d``, ``monday`` …:
    ``states.relative_dates``), counted from the injected clock's today."""
    if text is None:
        return None
    from states.relative_dates import parse_day

    day = parse_day(text, clock_today())
    if day is None:
        raise InvalidInput(Message(NOT_A_DATE, {"what": what, "text": quoted(text)}), field=what)
    return check_day(day, what if what == "date" else f"--{what}")


def clock_today() -> date:
    """Today by the clock this command runs on (``--now``/``KIVO_NOW`` or the system's)."""
    from typer._click.globals import get_current_context  # Typer's own (vendored) Click

    from cli.context import Settings
    from pathway.clock import clock_from, today

    context = get_current_context(silent=True)
    settings = context.find_root().obj if context is not None else None
    return today(clock_from(settings.now if isinstance(settings, Settings) else None))


def parse_id(value: str | int) -> int:
    """A record id; a wrong value is never echoed when it might be a personnummer."""
    if isinstance(value, int):
        return value
    text = value.strip()
    if text.isascii() and text.isdecimal() and len(text) <= 9:
        return int(text)
    from cli import speech

    raise typer.BadParameter(speech.words(NOT_AN_ID, text=quoted(text)))


def id_option(flag: str, help_text: str) -> Any:
    return typer.Option(flag, help=help_text, parser=parse_id, metavar="ID")


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document instead of a table.")
]
OnOption = Annotated[
    str | None,
    typer.Option(
        "--on",
        help="Effective date (YYYY-MM-DD, today, yesterday, -3d, friday …); defaults to today.",
        metavar="DATE",
    ),
]
ByOption = Annotated[
    int | None,
    typer.Option(
        "--by",
        help="Id of the caseworker or coordinator doing this.",
        envvar="KIVO_ACTOR",
        parser=parse_id,
        metavar="ID",
    ),
]
CaseArg = Annotated[int, typer.Argument(help="The case id.", metavar="CASE", parser=parse_id)]
ExpectVersion = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="Refuse with a conflict (exit 5) unless the case is still at this version.",
        max=MAX_COUNT * 1000,
    ),
]
