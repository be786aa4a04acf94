"""``kivo retention``: the retention schedule's plan and its application (gallring)."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption, parse_date
from cli.output import print_json, table
from states.messages import N_

if TYPE_CHECKING:
    from pathway.retention import CaseRemoval

retention_app = typer.Typer(
    help="Retention (gallring) under the retention schedule: plan and apply.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``retention`` group to the app."""
    app.add_typer(retention_app, name="retention")


ScheduleOption = Annotated[
    str | None,
    typer.Option(
        "--schedule",
        help="The retention schedule file (TOML; default: KIVO_RETENTION, else the "
        "schedule kivo ships).",
        envvar="KIVO_RETENTION",
        metavar="FILE",
    ),
]


@retention_app.command("plan")
@reports_errors
def retention_plan(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option(
            "--on", help="The day to plan for (YYYY-MM-DD; default today).", metavar="DATE"
        ),
    ] = None,
    schedule: ScheduleOption = None,
    json_output: JsonOption = False,
) -> None:
    """List what the retention schedule makes due for destruction on a day, and why:
    case, kind of record, closed on, keep period, due since, action. Names cases by id
    only; changes nothing."""
    from pathway.retention import load_schedule, plan_retention

    loaded = load_schedule(schedule)
    result = plan_retention(kivo_of(ctx), loaded, on=parse_date(on, "on"))
    if json_output:
        print_json(result.to_dict())
        return
    rows = [
        (i.case_id, _kind(i.kind), i.closed_on, i.keep, i.due_since, _action(i.action.value))
        for i in result.items
    ]
    title = speech.words(
        N_("Due on {on} under {decision}"), on=result.on.isoformat(), decision=result.decision
    )
    columns = (N_("case"), N_("kind"), N_("closed on"), N_("keep"), N_("due since"), N_("action"))
    table(title, speech.columns(*columns), rows)


@retention_app.command("apply")
@reports_errors
def retention_apply(
    ctx: typer.Context,
    on: Annotated[
        str,
        typer.Option(
            "--on", help="The day to apply the schedule for (not after today).", metavar="DATE"
        ),
    ],
    by: ByOption = None,
    schedule: ScheduleOption = None,
    json_output: JsonOption = False,
) -> None:
    """Destroy what the retention schedule makes due on a day (a coordinator: --by), one
    transaction per case, each recorded (kinds, counts, decision; no personal data).
    Running it again for the same day does nothing more."""
    from pathway.retention import apply_retention, load_schedule

    loaded = load_schedule(schedule)
    day = parse_date(on, "on")
    assert day is not None
    result = apply_retention(kivo_of(ctx), loaded, on=day, by=by, progress=_progress)
    if json_output:
        print_json(result.to_dict())
        return
    rows = [
        (case.case_id, ", ".join(f"{_kind(kind)} {n}" for kind, n in case.counts.items()))
        for case in result.cases
    ]
    title = speech.words(N_("Destroyed under {decision}"), decision=result.decision)
    table(title, speech.columns(N_("case"), N_("removed or rewritten")), rows)


def _progress(removal: CaseRemoval) -> None:
    """One line on standard error per case committed: a long run shows where it is."""
    done = speech.words(N_("retention: case {case} done"), case=removal.case_id)
    print(done, file=sys.stderr, flush=True)


"""The schedule's kinds of record as the pages name them (``web.retention``)."""
ACTIONS = {"destroy": N_("destroy"), "archive": N_("archive")}


def _kind(kind: str) -> str:
    """A kind of record: the schedule's key in English (as the schedule file writes it),
    the pages' name for it in another language."""
    from states.retention import RECORD_KINDS

    if speech.current() == "en" or kind not in RECORD_KINDS:
        return kind
    return speech.text(RECORD_KINDS[kind])


def _action(action: str) -> str:
    return (
        action
        if speech.current() == "en" or action not in ACTIONS
        else speech.text(ACTIONS[action])
    )
