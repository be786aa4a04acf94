"""Case notes: keep a dated note on a case, and read a case's notes."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption
from cli.output import print_json, say, table
from states.messages import N_

if TYPE_CHECKING:
    from pathway.notes import NoteLine

ShowPersonal = Annotated[
    bool,
    typer.Option(
        "--show-personal",
        help="Show a personnummer written in a note in full (default: masked).",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("note")(note)
    app.command("notes")(notes)


@reports_errors
def note(
    ctx: typer.Context,
    case: CaseArg,
    text: Annotated[str, typer.Argument(help="The note (one line, no control characters).")],
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Keep a dated note on a case (personal data: never exported or logged)."""
    from pathway.notes import add_note

    line = add_note(kivo_of(ctx), case, text, by=by)
    if json_output:
        print_json(line)
        return
    said = N_("note {note} on case {case} at {at}")
    at = f"{line.recorded_at:%Y-%m-%d %H:%M}"
    say(speech.words(said, note=line.id, case=line.case_id, at=at))


@reports_errors
def notes(
    ctx: typer.Context,
    case: CaseArg,
    show_personal: ShowPersonal = False,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a case's notes, oldest first."""
    from pathway.notes import list_notes

    lines = list_notes(kivo_of(ctx), case, show_personal=show_personal, by=by)
    if json_output:
        print_json(lines)
        return
    _print_notes(case, lines)


def _print_notes(case: int, lines: list[NoteLine]) -> None:
    rows = [(n.id, f"{n.recorded_at:%Y-%m-%d %H:%M}", n.author, n.text) for n in lines]
    table(
        speech.words(N_("Notes on case {case} ({count})"), case=case, count=len(rows)),
        speech.columns(N_("id"), N_("at"), N_("by"), N_("note")),
        rows,
    )
