"""Caseload handover: ``kivo caseload transfer``."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import (
    ByOption,
    ExpectVersion,
    JsonOption,
    OnOption,
    id_option,
    parse_date,
    parse_id,
)
from cli.output import print_json, say

caseload_app = typer.Typer(
    help="Caseloads: hand cases over when someone leaves or changes office.",
    no_args_is_help=True,
)
NoteOption = Annotated[
    str | None, typer.Option("--note", help="The handover note, recorded on every case.")
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(caseload_app, name="caseload")


@caseload_app.command("transfer")
@reports_errors
def caseload_transfer(
    ctx: typer.Context,
    from_id: Annotated[int, id_option("--from", "The caseworker handing cases over.")],
    to_id: Annotated[int, id_option("--to", "The (active) caseworker taking them.")],
    case: Annotated[
        list[int] | None,
        typer.Option(
            "--case",
            help="Only this case (repeat for more); default: every case that needs someone.",
            parser=parse_id,
            metavar="ID",
        ),
    ] = None,
    note: NoteOption = None,
    on: OnOption = None,
    by: ByOption = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would move; change nothing.")
    ] = False,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Move cases, with their pending follow-ups, meetings and reminders, to another
    caseworker; records a `transferred` event on each case (`--expect-version`: with
    one `--case`)."""
    from pathway.handover import transfer_caseload

    result = transfer_caseload(
        kivo_of(ctx),
        from_id,
        to_id,
        case_ids=case or None,
        note=note,
        on=parse_date(on, "on"),
        by=by,
        dry_run=dry_run,
        expected_version=expect_version,
    )
    if json_output:
        print_json(result.moved())
        return
    verb = "would move" if dry_run else "moved"
    say(
        f"caseworker {from_id} → {to_id}: {verb} {result.cases} case(s) with "
        f"{result.followups} pending follow-up(s) and {result.meetings} scheduled meeting(s)"
        + (" (dry run: nothing written)" if dry_run else "")
    )
