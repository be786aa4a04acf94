"""Correct a mistake: undo a recorded move or exit, the history kept whole."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, ExpectVersion, JsonOption, parse_id
from cli.output import print_json, say

if TYPE_CHECKING:
    from pathway.corrections import Corrected


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("correct")(correct)


@reports_errors
def correct(
    ctx: typer.Context,
    case: CaseArg,
    event: Annotated[
        int,
        typer.Option(
            "--event",
            help="The number of the move or exit to undo, as `kivo history CASE` shows it.",
            parser=parse_id,
            metavar="SEQ",
        ),
    ],
    reason: Annotated[
        str, typer.Option("--reason", help="Why the record was wrong; kept in the history.")
    ],
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Undo a recorded move or exit by a coordinator: state, placement, follow-ups,
    meetings and reminders as before it, in one transaction; both events stay in the
    history and reports count the corrected move out."""
    from pathway.corrections import correct as correct_case

    done = correct_case(
        kivo_of(ctx), case, event, reason=reason, by=by, expected_version=expect_version
    )
    if json_output:
        print_json(done)
        return
    say(_summary(done))


def _summary(done: Corrected) -> str:
    parts = [
        f"case {done.case_id}: event {done.event} ({done.kind.replace('_', ' ')}) corrected "
        f"by event {done.seq}; {done.from_state} -> {done.to_state}"
    ]
    if done.placement_removed is not None:
        parts.append(f"placement {done.placement_removed} removed")
    if done.placements_reopened:
        parts.append(f"placement {', '.join(map(str, done.placements_reopened))} open again")
    if done.followups_cancelled:
        parts.append(f"{len(done.followups_cancelled)} follow-ups cancelled")
    if done.followups_restored:
        parts.append(f"{len(done.followups_restored)} follow-ups restored")
    if done.meetings_cancelled:
        parts.append(f"{len(done.meetings_cancelled)} meetings cancelled")
    if done.meetings_restored:
        parts.append(f"{len(done.meetings_restored)} meetings booked again")
    return "; ".join(parts)
