"""Parsing of option values the domain cares about, with messages naming the problem."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import typer

from states.errors import InvalidInput


def parse_date(text: str | None, what: str = "date") -> date | None:
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{what} {text!r} is not a real date in the form YYYY-MM-DD", field=what
        ) from None


JsonOption = Annotated[
    bool, typer.Option("--json", help="Print exactly one JSON document instead of a table.")
]
OnOption = Annotated[
    str | None,
    typer.Option("--on", help="Effective date (YYYY-MM-DD); defaults to today.", metavar="DATE"),
]
ByOption = Annotated[
    int | None,
    typer.Option(
        "--by", help="Id of the caseworker or coordinator doing this.", envvar="KIVO_ACTOR"
    ),
]
CaseArg = Annotated[int, typer.Argument(help="The case id.", metavar="CASE")]
ExpectVersion = Annotated[
    int | None,
    typer.Option(
        "--expect-version",
        help="Refuse with a conflict (exit 5) unless the case is still at this version.",
    ),
]
