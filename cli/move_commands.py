"""Moving cases along the path: advance, fall-back, pause, resume, exit."""

from __future__ import annotations

from collections.abc import Callable
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
from cli.several import CasesArg, one_or_each
from states.messages import N_

if TYPE_CHECKING:
    from pathway.results import MoveResult
    from states.case_refs import CaseRef

StepArg = Annotated[str, typer.Argument(help="Step number (1–9) or slug.", metavar="STEP")]
Reason = Annotated[str, typer.Option("--reason", help="Why; recorded in the history.")]


def register(app: typer.Typer) -> None:
    app.command("advance")(advance)
    app.command("fall-back")(fall_back)
    app.command("pause")(pause)
    app.command("resume")(resume)
    app.command("exit")(exit_case)


@reports_errors
def advance(
    ctx: typer.Context,
    cases: CasesArg,
    step: StepArg,
    workplace: Annotated[int | None, id_option("--workplace", "Workplace id.")] = None,
    supervisor: Annotated[int | None, id_option("--supervisor", "Supervisor id.")] = None,
    programme: Annotated[str | None, typer.Option(help="Programme code, e.g. PRAKTIK.")] = None,
    until: Annotated[
        str | None, typer.Option(help="Planned end date (YYYY-MM-DD).", metavar="DATE")
    ] = None,
    on: OnOption = None,
    by: ByOption = None,
    override: Annotated[
        str | None,
        typer.Option(help="A coordinator's written reason to override blocking rules."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Report what the rules say; write nothing.")
    ] = False,
    expect_version: ExpectVersion = None,
    training_share: Annotated[
        int | None,
        typer.Option(
            metavar="PERCENT",
            help="Planned share of the time in training or supervision (0–100); "
            "recorded, and required high enough by programmes such as YA.",
        ),
    ] = None,
    extent: Annotated[
        int | None,
        typer.Option(
            metavar="PERCENT",
            help="The employment's extent in percent of full time (1–100); recorded, "
            "and required high enough by programmes such as YA (75).",
        ),
    ] = None,
    employment_kind: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="Fixed-term employment (step 7): SÄVA (the default), vikariat or säsong; "
            "LAS counts each kind by its own rule.",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """Move a case forward to a later step (steps may be skipped); several cases: each
    on its own, a refusal never undoing the others."""
    from pathway.moves import advance as advance_case
    from states.steps import parse_step

    to, day, end = parse_step(step), parse_date(on, "on"), parse_date(until, "until")
    kivo = kivo_of(ctx)
    _moves(
        cases,
        expect_version,
        lambda ref: advance_case(
            kivo,
            ref.case_id,
            to,
            on=day,
            workplace_id=workplace,
            supervisor_id=supervisor,
            programme=programme,
            until=end,
            by=by,
            override=override,
            dry_run=dry_run,
            expected_version=ref.version,
            training_share=training_share,
            extent=extent,
            employment_kind=employment_kind,
        ),
        json_output,
        dry_run=dry_run,
    )


@reports_errors
def fall_back(
    ctx: typer.Context,
    cases: CasesArg,
    step: StepArg,
    reason: Reason,
    on: OnOption = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Move a case back to an earlier step, with the reason (counted in reports)."""
    from pathway.moves import fall_back as fall_back_case
    from states.steps import parse_step

    to, day, kivo = parse_step(step), parse_date(on, "on"), kivo_of(ctx)
    _moves(
        cases,
        expect_version,
        lambda ref: fall_back_case(
            kivo, ref.case_id, to, reason=reason, on=day, by=by, expected_version=ref.version
        ),
        json_output,
    )


@reports_errors
def pause(
    ctx: typer.Context,
    cases: CasesArg,
    reason: Reason,
    on: OnOption = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Pause a case; it remembers its step and returns there on resume."""
    from pathway.moves import pause as pause_case

    day, kivo = parse_date(on, "on"), kivo_of(ctx)
    _moves(
        cases,
        expect_version,
        lambda ref: pause_case(
            kivo, ref.case_id, reason=reason, on=day, by=by, expected_version=ref.version
        ),
        json_output,
    )


@reports_errors
def resume(
    ctx: typer.Context,
    cases: CasesArg,
    on: OnOption = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Resume a paused case in the step it was paused from."""
    from pathway.moves import resume as resume_case

    day, kivo = parse_date(on, "on"), kivo_of(ctx)
    _moves(
        cases,
        expect_version,
        lambda ref: resume_case(kivo, ref.case_id, on=day, by=by, expected_version=ref.version),
        json_output,
    )


@reports_errors
def exit_case(
    ctx: typer.Context,
    cases: CasesArg,
    outcome: Annotated[
        str,
        typer.Option(
            help="employed, self-employed, studies, job-seeking, moved, declined or other."
        ),
    ],
    reason: Annotated[str | None, typer.Option(help="A note for the history.")] = None,
    qualification: Annotated[
        bool,
        typer.Option(
            "--qualification", help="The participant gained a qualification on leaving (ESF+)."
        ),
    ] = False,
    on: OnOption = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Close a case with its outcome; an exited case never moves again."""
    from pathway.moves import exit_case as close_case
    from states.case import Outcome, parse_enum

    leaving, day, kivo = parse_enum(Outcome, outcome, "outcome"), parse_date(on, "on"), kivo_of(ctx)
    _moves(
        cases,
        expect_version,
        lambda ref: close_case(
            kivo,
            ref.case_id,
            outcome=leaving,
            on=day,
            by=by,
            reason=reason,
            qualification=qualification,
            expected_version=ref.version,
        ),
        json_output,
    )


def _moves(
    cases: list[CaseRef],
    expect_version: int | None,
    move: Callable[[CaseRef], MoveResult],
    json_output: bool,
    *,
    dry_run: bool = False,
) -> None:
    one_or_each(
        cases,
        expect_version,
        move,
        one=lambda result: _done(result, json_output),
        describe=lambda _case_id, result: _lines(result),
        json_output=json_output,
        dry_run=dry_run,
    )


def _done(result: MoveResult, json_output: bool) -> None:
    if json_output:
        print_json(result)
        return
    for line in _lines(result):
        say(line)


def _lines(result: MoveResult) -> list[str]:
    moved = (
        N_("case {case}: would move {start} → {end} on {on}")
        if result.dry_run
        else N_("case {case}: moved {start} → {end} on {on}")
    )
    lines = [
        speech.words(
            moved,
            case=result.case_id,
            start=speech.state_name(result.from_state),
            end=speech.state_name(result.to_state),
            on=result.on,
        )
    ]
    said = [speech.violation_text(w) for w in result.warned_by]
    if len(said) != len(result.warnings):  # a result built without its objects
        said = [w["message"] for w in result.warnings]
    kind = speech.text(N_("warning"))
    pairs = zip(result.warnings, said, strict=True)
    lines += [f"  {kind} [{w['code']}]: {text}" for w, text in pairs]
    if result.overridden:
        overridden = ", ".join(result.overridden)
        lines.append(speech.words(N_("  overridden: {codes}"), codes=overridden))
    return lines
