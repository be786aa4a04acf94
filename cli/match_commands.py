"""``kivo match``: rank participants for a place, or places for a participant; every
candidate with its reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption, id_option, parse_id
from cli.output import print_json, say, table
from cli.place_commands import place_status
from states.messages import N_

if TYPE_CHECKING:
    from pathway.matching import WhyNot

match_app = typer.Typer(
    help="Matching that explains itself: participants for a place, places for a participant.",
    no_args_is_help=True,
)
LimitOption = Annotated[int, typer.Option("--limit", help="At most this many candidates (1–1000).")]


def register(app: typer.Typer) -> None:
    app.add_typer(match_app, name="match")


@match_app.command("place")
@reports_errors
def match_place(
    ctx: typer.Context,
    place: Annotated[int, typer.Argument(help="The place id.", metavar="PLACE", parser=parse_id)],
    limit: LimitOption = 10,
    why_not: Annotated[
        int | None,
        id_option("--why-not", "A case: say which constraint excluded it (or that it passes)."),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rank the participants who could take a place: the rules allow the advance into its
    step and the profile meets its requirements; scored by interest, municipality, hours
    and days waiting, each with its reasons. With --by (or KIVO_ACTOR) a caseworker ranks
    their own caseload; a coordinator, every case."""
    from pathway.matching import match_place as ranked

    found = ranked(kivo_of(ctx), place, limit=limit, why_not=why_not, by=by)
    if json_output:
        print_json(found)
        return
    rows = [
        (
            m.case_id,
            m.participant,
            speech.state_name(m.state),
            m.step,
            m.days_waiting,
            m.score,
            _earned(m.reasons),
        )
        for m in found.candidates
    ]
    title = speech.words(
        N_("Candidates for place {place}: {title} ({status})"),
        place=found.place_id,
        title=found.title,
        status=place_status(found.status),
    )
    columns = [N_("case"), N_("participant"), N_("now"), N_("into"), N_("waiting")]
    table(title, speech.columns(*columns, N_("score"), N_("reasons")), rows)
    if not rows:
        say(speech.words(N_("no case passes the hard constraints")))
    if found.why_not is not None:
        _print_why_not(found.why_not)


@match_app.command("case")
@reports_errors
def match_case(
    ctx: typer.Context,
    case: CaseArg,
    limit: LimitOption = 10,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Rank the open places a participant could take, each with its reasons (--by: who
    asks, their own case or a coordinator; the read is logged)."""
    from pathway.matching import match_case as ranked

    found = ranked(kivo_of(ctx), case, limit=limit, by=by)
    if json_output:
        print_json(found)
        return
    rows = [
        (m.place_id, m.title, m.workplace_id, m.step, m.days_open, m.score, _earned(m.reasons))
        for m in found.places
    ]
    title = speech.words(
        N_("Places for case {case}: {participant} ({state})"),
        case=found.case_id,
        participant=found.participant,
        state=speech.state_name(found.state),
    )
    # "open": the days the place has been open, not its status, in another language
    days_open = "open" if speech.current() == "en" else speech.text(N_("Days open"))
    columns = [N_("place"), N_("title"), N_("workplace"), N_("into")]
    table(
        title,
        [*speech.columns(*columns), days_open, *speech.columns(N_("score"), N_("reasons"))],
        rows,
    )
    if not rows:
        say(speech.words(N_("no open place passes the hard constraints")))


def _earned(reasons: list[dict[str, Any]]) -> str:
    """The points earned, and any warning or note of the rules, in a line."""
    parts = [f"+{r['points']} {r['text']}" for r in reasons if r["points"]]
    parts += [
        r["text"]
        for r in reasons
        if r["kind"] == "hard"
        and r["code"] != "rules"
        and r["code"] not in ("requirement", "requirements")
    ]
    return "; ".join(parts) or "—"


def _print_why_not(found: WhyNot) -> None:
    if found.excluded:
        verdict = N_("case {case} is excluded by {constraint}: {because}")
    else:
        verdict = N_("case {case} passes every hard constraint (score {score}):")
    say(
        speech.words(
            verdict,
            case=found.case_id,
            constraint=found.constraint,
            because=found.because,
            score=found.score,
        )
    )
    for reason in found.reasons:
        mark = "ok " if reason["passed"] else ("no " if reason["kind"] == "hard" else "-  ")
        points = f" (+{reason['points']})" if reason["points"] else ""
        say(f"  {mark}{reason['code']}: {reason['text']}{points}")
