"""``kivo match``: rank participants for a place, or places for a participant; every
candidate with its reasons."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption, id_option, parse_id
from cli.output import print_json, say, table

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
        (m.case_id, m.participant, m.state, m.step, m.days_waiting, m.score, _earned(m.reasons))
        for m in found.candidates
    ]
    table(
        f"Candidates for place {found.place_id}: {found.title} ({found.status})",
        ["case", "participant", "now", "into", "waiting", "score", "reasons"],
        rows,
    )
    if not rows:
        say("no case passes the hard constraints")
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
    table(
        f"Places for case {found.case_id}: {found.participant} ({found.state})",
        ["place", "title", "workplace", "into", "open", "score", "reasons"],
        rows,
    )
    if not rows:
        say("no open place passes the hard constraints")


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
        say(f"case {found.case_id} is excluded by {found.constraint}: {found.because}")
    else:
        say(f"case {found.case_id} passes every hard constraint (score {found.score}):")
    for reason in found.reasons:
        mark = "ok " if reason["passed"] else ("no " if reason["kind"] == "hard" else "-  ")
        points = f" (+{reason['points']})" if reason["points"] else ""
        say(f"  {mark}{reason['code']}: {reason['text']}{points}")
