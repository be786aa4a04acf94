"""``kivo person``: a person's rights over their data (GDPR), for coordinators: the
register extract (art. 15) and erasure on request (art. 17, ``cli.erase_commands``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.erase_commands import person_erase
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption
from cli.output import print_json, say
from states.messages import N_

person_app = typer.Typer(
    help="A person's data (GDPR), for coordinators: register extracts and erasure on request.",
    no_args_is_help=True,
)
person_app.command("erase")(person_erase)

PersonArg = Annotated[
    str,
    typer.Argument(
        help="The person: their person id, or their personnummer (YYYYMMDD-NNNC or YYMMDD-NNNC).",
        metavar="PERSON",
    ),
]


def register(app: typer.Typer) -> None:
    """Add the ``person`` group to the app."""
    app.add_typer(person_app, name="person")


@person_app.command("extract")
@reports_errors
def person_extract(
    ctx: typer.Context,
    person: PersonArg,
    out: Annotated[
        Path,
        typer.Option(
            "--out",
            help="The file to write (mode 0600; refused if it exists, unless --force).",
            metavar="FILE",
        ),
    ],
    format: Annotated[
        str, typer.Option("--format", help="json or pdf (in Swedish).", metavar="FORMAT")
    ] = "json",
    force: Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")] = False,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Write a register extract (GDPR art. 15): everything kivo holds about the person,
    with the full personnummer, their cases and each case's history, placements,
    follow-ups, meetings, reminders, notes, proposals, the edits of their record and
    who read their cases when.

    Only a coordinator makes one (--by or KIVO_ACTOR); the extract is logged as a read
    of each of the person's cases. --json prints where it went and how many records of
    each kind it holds."""
    from pathway.extract_files import save_extract

    saved = save_extract(kivo_of(ctx), person, out, fmt=format, by=by, force=force)
    if json_output:
        print_json(saved.to_dict())
        return
    held = ", ".join(
        f"{speech.text(kind.replace('_', ' '))} {n}" for kind, n in saved.counts.items()
    )
    said = N_("Register extract of person {person} written to {path} ({held}).")
    say(speech.words(said, person=saved.person_id, path=saved.path, held=held))
