"""Participants and their cases: enrol, list, show, consent, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption, OnOption, id_option, parse_date
from cli.output import print_json, say, table

if TYPE_CHECKING:
    from pathway.results import CaseView, HistoryLine

participant_app = typer.Typer(help="Participants and their cases.", no_args_is_help=True)
ShowPersonal = Annotated[
    bool, typer.Option("--show-personal", help="Show the full personnummer (default: masked).")
]


def register(app: typer.Typer) -> None:
    app.add_typer(participant_app, name="participant")
    app.command("consent")(consent)
    app.command("history")(history)


@participant_app.command("add")
@reports_errors
def participant_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The participant's name.")],
    personnummer: Annotated[
        str | None,
        typer.Option(help="Personnummer or samordningsnummer (YYMMDD-NNNC or YYYYMMDDNNNC)."),
    ] = None,
    gender: Annotated[
        str, typer.Option(help="As stated by the person: woman, man, non-binary, unknown.")
    ] = "unknown",
    birth_year: Annotated[int | None, typer.Option(help="Year of birth.")] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            help="A group the person belongs to, e.g. long-term-unemployed, "
            "newly-arrived (repeatable)."
        ),
    ] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Responsible caseworker id.")
    ] = None,
    consent: Annotated[
        bool, typer.Option("--consent", help="Consent to share information was given.")
    ] = False,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Enrol a participant: creates the person and an open case; prints the case id."""
    from pathway.enrolment import enrol

    result = enrol(
        kivo_of(ctx),
        name,
        personnummer=personnummer,
        gender=gender,
        birth_year=birth_year,
        groups=group or [],
        caseworker_id=caseworker,
        consent=consent,
        on=parse_date(on, "on"),
        by=by,
    )
    print_json(result) if json_output else print(result.case_id)


@participant_app.command("list")
@reports_errors
def participant_list(
    ctx: typer.Context,
    step: Annotated[
        str | None, typer.Option(help="Only cases in this step (number or slug).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="active, paused or exited.")] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only this caseworker's cases.")
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """List cases, filtered by step, status or caseworker."""
    from pathway.views import list_cases
    from states.errors import InvalidInput, quoted
    from states.steps import parse_step

    if status is not None and status not in ("active", "paused", "exited"):
        raise InvalidInput(f"unknown status {quoted(status)}: choose active, paused or exited")
    number = parse_step(step).number if step is not None else None
    cases = list_cases(kivo_of(ctx), step=number, status=status, caseworker_id=caseworker)
    if json_output:
        print_json(cases)
        return
    rows = [(c.id, c.name, c.step, c.state, c.status, c.caseworker, c.opened_on) for c in cases]
    table(
        f"Cases ({len(rows)})",
        ["case", "name", "step", "state", "status", "caseworker", "opened"],
        rows,
    )


@participant_app.command("show")
@reports_errors
def participant_show(
    ctx: typer.Context,
    case: CaseArg,
    show_personal: ShowPersonal = False,
    json_output: JsonOption = False,
) -> None:
    """Show a case: the person, where the case stands, its history and next moves."""
    from pathway.views import show_case

    view = show_case(kivo_of(ctx), case, show_personal=show_personal)
    if json_output:
        print_json(view)
        return
    _print_case(view)


@reports_errors
def consent(
    ctx: typer.Context,
    case: CaseArg,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record the participant's consent to share information with employers and agencies."""
    from pathway.enrolment import record_consent

    day = record_consent(kivo_of(ctx), case, on=parse_date(on, "on"), by=by)
    if json_output:
        print_json({"case_id": case, "consent_on": day})
        return
    say(f"case {case}: consent recorded on {day.isoformat()}")


@reports_errors
def history(ctx: typer.Context, case: CaseArg, json_output: JsonOption = False) -> None:
    """Show a case's full history, oldest first."""
    from pathway.views import case_history

    lines = case_history(kivo_of(ctx), case)
    if json_output:
        print_json(lines)
        return
    _print_history(f"History of case {case}", lines)


def _print_case(view: CaseView) -> None:
    step = f"step {view.step}" if view.step else "no step"
    say(f"Case {view.id} · {view.name} · {view.personnummer or 'no personnummer'}")
    say(
        f"State: {view.state} ({view.status}, {step}) · caseworker: {view.caseworker or '—'} · "
        f"version {view.version}"
    )
    say(
        f"Opened {view.opened_on} · consent: {view.consent_on or 'not recorded'}"
        + (f" · closed {view.closed_on} ({view.outcome})" if view.closed_on else "")
    )
    _print_history("History", view.history)
    if view.next:
        rows = [
            (
                n.step,
                n.slug,
                ", ".join(v["code"] for v in n.needs) or "ready",
                ", ".join(v["code"] for v in n.warnings),
            )
            for n in view.next
        ]
        table("Next moves", ["step", "slug", "needs", "warnings"], rows)


def _print_history(title: str, lines: list[HistoryLine]) -> None:
    rows = [
        (
            h.seq,
            h.on,
            h.kind,
            h.from_state,
            h.to_state,
            h.by,
            "; ".join(filter(None, [h.reason, *(f"override {c}" for c in h.overrides)])),
        )
        for h in lines
    ]
    table(title, ["#", "on", "what", "from", "to", "by", "reason"], rows)
