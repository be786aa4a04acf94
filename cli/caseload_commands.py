"""Caseload handover: ``kivo caseload transfer``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import (
    ByOption,
    ExpectVersion,
    JsonOption,
    OnOption,
    id_option,
    parse_date,
)
from cli.output import print_json, say
from cli.several import case_ref, one_or_each
from states.case_refs import CaseRef
from states.messages import N_

if TYPE_CHECKING:
    from pathway.handover import HandoverResult

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
        list[CaseRef] | None,
        typer.Option(
            "--case",
            help="Only this case (repeat for more: each is handed over on its own, a "
            "refusal never holding back the others); CASE@VERSION: refused as a conflict "
            "if it changed since that version; default: every case that needs someone.",
            parser=case_ref,
            metavar="CASE",
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

    day, kivo = parse_date(on, "on"), kivo_of(ctx)

    def transfer(ref: CaseRef | None) -> HandoverResult:
        return transfer_caseload(
            kivo,
            from_id,
            to_id,
            case_ids=[ref.case_id] if ref else None,
            note=note,
            on=day,
            by=by,
            dry_run=dry_run,
            expected_version=ref.version if ref else expect_version,
        )

    if not case:
        _done(transfer(None), from_id, to_id, dry_run, json_output)
        return
    one_or_each(
        case,
        expect_version,
        transfer,
        one=lambda result: _done(result, from_id, to_id, dry_run, json_output),
        describe=_lines,
        json_output=json_output,
        dry_run=dry_run,
    )


def _done(
    result: HandoverResult, from_id: int, to_id: int, dry_run: bool, json_output: bool
) -> None:
    if json_output:
        print_json(result.moved())
        return
    moved = (
        N_(
            "caseworker {start} → {end}: would move {cases} case(s) with {followups} pending "
            "follow-up(s) and {meetings} scheduled meeting(s) (dry run: nothing written)"
        )
        if dry_run
        else N_(
            "caseworker {start} → {end}: moved {cases} case(s) with {followups} pending "
            "follow-up(s) and {meetings} scheduled meeting(s)"
        )
    )
    say(speech.words(moved, start=from_id, end=to_id, **result.moved()))


def _lines(case_id: int, result: HandoverResult) -> list[str]:
    """One case handed over (``transfer_caseload`` with that one case)."""
    moved = (
        N_(
            "case {case}: would move caseworker {start} → {end} with {followups} pending "
            "follow-up(s) and {meetings} scheduled meeting(s)"
        )
        if result.dry_run
        else N_(
            "case {case}: moved caseworker {start} → {end} with {followups} pending "
            "follow-up(s) and {meetings} scheduled meeting(s)"
        )
    )
    return [
        speech.words(
            moved,
            case=case_id,
            start=result.from_id,
            end=result.to_id,
            followups=result.followups,
            meetings=result.meetings,
        )
    ]
