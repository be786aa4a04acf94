"""Correct a mistake: undo a recorded move or exit, the history kept whole."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, ExpectVersion, JsonOption, parse_id
from cli.output import print_json, say
from states.messages import N_, Message

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
    """What the correction did, in the CLI's language; English as it always was."""
    from pathway.corrections import event_word

    kind = event_word(done.kind)
    parts = [
        speech.words(
            N_("case {case}: event {event} ({kind}) corrected by event {seq}; {was} -> {now}"),
            case=done.case_id,
            event=done.event,
            kind=speech.say(kind) if isinstance(kind, Message) else kind,
            seq=done.seq,
            was=speech.state_name(done.from_state),
            now=speech.state_name(done.to_state),
        )
    ]
    if done.placement_removed is not None:
        parts.append(
            speech.words(N_("placement {placement} removed"), placement=done.placement_removed)
        )
    if done.placements_reopened:
        reopened = ", ".join(map(str, done.placements_reopened))
        parts.append(speech.words(N_("placement {placements} open again"), placements=reopened))
    parts += [
        speech.words(template, count=len(ids))
        for template, ids in (
            (N_("{count} follow-ups cancelled"), done.followups_cancelled),
            (N_("{count} follow-ups restored"), done.followups_restored),
            (N_("{count} meetings cancelled"), done.meetings_cancelled),
            (N_("{count} meetings booked again"), done.meetings_restored),
        )
        if ids
    ]
    return "; ".join(parts)
