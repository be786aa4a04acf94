"""``kivo propose`` and ``kivo proposal``: a participant put forward for a place, and
the answer (decline, or accept: the case moves into the place in one transaction)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption, OnOption, id_option, parse_date, parse_id
from cli.output import print_json, say, table
from cli.place_commands import place_status
from states.messages import N_

if TYPE_CHECKING:
    from pathway.proposals import Accepted, ProposalLine

proposal_app = typer.Typer(
    help="Proposals of participants for places: decline, accept, end, list.",
    no_args_is_help=True,
)
ProposalArg = Annotated[int, typer.Argument(help="The proposal id.", metavar="ID", parser=parse_id)]


def register(app: typer.Typer) -> None:
    app.command("propose")(propose)
    app.add_typer(proposal_app, name="proposal")


@reports_errors
def propose(
    ctx: typer.Context,
    place: Annotated[int, typer.Argument(help="The open place.", metavar="PLACE", parser=parse_id)],
    case: CaseArg,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Propose a participant (their case) for an open place; prints the proposal id."""
    from pathway.proposals import propose as record

    done = record(kivo_of(ctx), place, case, on=parse_date(on, "on"), by=by)
    print_json(done) if json_output else print(done.id)


@proposal_app.command("decline")
@reports_errors
def proposal_decline(
    ctx: typer.Context,
    proposal: ProposalArg,
    declined_by: Annotated[
        str,
        typer.Option("--by", help="Who declined: participant or employer.", metavar="WHO"),
    ],
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required).")] = None,
    on: OnOption = None,
    json_output: JsonOption = False,
) -> None:
    """The participant or the employer declines an open proposal, with the reason."""
    from pathway.proposals import decline

    done = decline(
        kivo_of(ctx), proposal, declined_by=declined_by, reason=reason, on=parse_date(on, "on")
    )
    if json_output:
        print_json(done)
        return
    who = done.declined_by
    template = DECLINED.get(who or "", N_("proposal {proposal}: declined by the {who} on {on}"))
    say(speech.words(template, proposal=done.id, who=who, on=_day(done)))


@proposal_app.command("accept")
@reports_errors
def proposal_accept(
    ctx: typer.Context,
    proposal: ProposalArg,
    on: OnOption = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="The placement's planned end (YYYY-MM-DD); fixed-term employment needs it.",
            metavar="DATE",
        ),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Both said yes: the case advances into the place's step with its placement at the
    workplace, under the place's programme and supervisor, and takes a position, all in
    one transaction. Refused (exit 3, naming the rule) when the place is full or the move
    is refused."""
    from pathway.proposals import accept

    done = accept(
        kivo_of(ctx),
        proposal,
        on=parse_date(on, "on"),
        until=parse_date(until, "until"),
        by=by,
    )
    if json_output:
        print_json(done)
        return
    _print_accepted(done)


@proposal_app.command("end")
@reports_errors
def proposal_end(
    ctx: typer.Context,
    proposal: ProposalArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required).")] = None,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """The participant has left the place: the accepted proposal ends and its position
    is given back (a filled place opens again). The case does not move."""
    from pathway.proposals import end_acceptance

    done = end_acceptance(kivo_of(ctx), proposal, reason=reason, on=parse_date(on, "on"), by=by)
    if json_output:
        print_json(done)
        return
    say(
        speech.words(
            N_("proposal {proposal}: ended on {on}; its position at place {place} free"),
            proposal=done.id,
            on=_day(done),
            place=done.place_id,
        )
    )


@proposal_app.command("list")
@reports_errors
def proposal_list(
    ctx: typer.Context,
    place: Annotated[int | None, id_option("--place", "Only proposals for this place.")] = None,
    case: Annotated[int | None, id_option("--case", "Only proposals of this case.")] = None,
    status: Annotated[
        str | None,
        typer.Option(
            "--status", help="Only proposals in this status (open, declined, accepted, …)."
        ),
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many proposals, oldest first.")
    ] = 50,
    json_output: JsonOption = False,
) -> None:
    """List proposals with their place, case and answer."""
    from pathway.proposals import list_proposals

    found = list_proposals(kivo_of(ctx), place_id=place, case_id=case, status=status, limit=limit)
    if json_output:
        print_json(found)
        return
    table(
        speech.words(N_("Proposals")),
        speech.columns(
            N_("id"),
            N_("place"),
            N_("workplace"),
            N_("case"),
            N_("status"),
            N_("proposed"),
            N_("decided"),
            N_("by"),
            N_("reason"),
        ),
        [
            (
                p.id,
                f"{p.place} ({p.place_id})",
                f"{p.workplace} ({p.workplace_id})",
                p.case_id,
                proposal_status(p.status),
                p.proposed_on,
                p.decided_on,
                speech.text(p.declined_by) if p.declined_by else p.declined_by,
                p.reason,
            )
            for p in found
        ],
    )


DECLINED = {
    "participant": N_("proposal {proposal}: declined by the participant on {on}"),
    "employer": N_("proposal {proposal}: declined by the employer on {on}"),
}
"""A decline's confirmation, one sentence for each who may decline."""


def _print_accepted(done: Accepted) -> None:
    """The acceptance, the earlier one it ended and the move's warnings."""
    say(
        speech.words(
            N_(
                "proposal {proposal}: accepted; case {case} → step {step} at place {place} "
                "(placement {placement}, programme {programme}); place {taken}/{positions} "
                "taken, {status}"
            ),
            proposal=done.proposal_id,
            case=done.case_id,
            step=done.step,
            place=done.place_id,
            placement=done.placement_id,
            programme=done.programme or "—",
            taken=done.taken,
            positions=done.positions,
            status=place_status(done.place_status),
        )
    )
    if done.ended_proposal_id is not None:
        say(
            speech.words(
                N_("  the earlier acceptance (proposal {proposal}) ended"),
                proposal=done.ended_proposal_id,
            )
        )
    move = done.move
    said = [speech.violation_text(w) for w in move.warned_by]
    if len(said) != len(move.warnings):  # a result built without its objects
        said = [str(w["message"]) for w in move.warnings]
    kind = speech.text(N_("warning"))
    for warning, text in zip(move.warnings, said, strict=True):
        say(f"  {kind} [{warning['code']}]: {text}")


def proposal_status(status: str) -> str:
    """A proposal's status: the key in English, the pages' word otherwise."""
    from states.proposals import PROPOSAL_STATUSES

    if speech.current() == "en" or status not in PROPOSAL_STATUSES:
        return status
    return speech.text(PROPOSAL_STATUSES[status])


def _day(line: ProposalLine) -> str:
    return line.decided_on.isoformat() if line.decided_on else "—"
