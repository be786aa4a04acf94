"""Placements and the programmes catalogue: start, extend, change supervisor, end early,
list."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of, settings_of
from cli.errors import reports_errors
from cli.listing import AfterOption, LimitOption, OffsetOption, page_of, say_more
from cli.options import (
    ByOption,
    CaseArg,
    ExpectVersion,
    JsonOption,
    OnOption,
    id_option,
    parse_date,
)
from cli.output import print_json, say, table, warn
from states.messages import N_

placement_app = typer.Typer(
    help="Placements: start, extend, change supervisor, end early, list.", no_args_is_help=True
)
programme_app = typer.Typer(help="The programmes catalogue.", no_args_is_help=True)

DateOption = Annotated[str | None, typer.Option(metavar="DATE")]


def register(app: typer.Typer) -> None:
    """Add the ``placement`` and ``programme`` groups to the app."""
    app.add_typer(placement_app, name="placement")
    app.add_typer(programme_app, name="programme")


@programme_app.command("list")
@reports_errors
def list_programmes(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """The programmes a placement may run under: lengths, validity and sources (the
    shipped catalogue, or KIVO_PROGRAMMES / --programmes)."""
    from pathway.bootstrap import load_catalogue

    catalogue = load_catalogue(settings_of(ctx).programmes)
    warn(catalogue.warnings)
    found = [p.to_dict() for p in catalogue]
    if json_output:
        print_json(found)
        return
    table(
        speech.words(N_("Programmes")),
        speech.columns(
            N_("code"),
            N_("name"),
            N_("steps"),
            N_("default"),
            N_("max days"),
            N_("per decision"),
            N_("valid"),
        ),
        [
            (
                p["code"],
                f"{p['name_sv']} ({p['name_en']})",
                ", ".join(str(n) for n in p["steps"]),
                p["default_length"],
                p["max_total_days"],
                p["max_decision_days"],
                _validity(p["valid_from"], p["valid_until"]),
            )
            for p in found
        ],
    )
    for p in found:
        say(f"{p['code']}: {p['source']}")


@programme_app.command("check")
@reports_errors
def check_programmes(
    file: Annotated[Path, typer.Argument(help="The programmes file (TOML) to validate.")],
    json_output: JsonOption = False,
) -> None:
    """Validate an organisation's programmes file; exit 2 naming every problem."""
    from states.programmes import load_programmes_file

    catalogue = load_programmes_file(file)
    warn(catalogue.warnings)
    if json_output:
        print_json({"valid": True, "source": str(file), "programmes": len(catalogue.codes)})
        return
    say(
        speech.words(
            N_("{file}: valid ({count} programmes)"), file=file, count=len(catalogue.codes)
        )
    )


@placement_app.command("start")
@reports_errors
def start(
    ctx: typer.Context,
    case: CaseArg,
    supervisor: Annotated[
        int | None,
        id_option("--supervisor", "The supervisor; the placement is at their workplace."),
    ] = None,
    workplace: Annotated[
        int | None,
        id_option("--workplace", "The workplace, for employment without a named supervisor."),
    ] = None,
    programme: Annotated[str | None, typer.Option(help="Programme code, e.g. PRAKTIK.")] = None,
    until: Annotated[
        str | None,
        typer.Option(
            help="Planned end (YYYY-MM-DD); a programme's default length without it.",
            metavar="DATE",
        ),
    ] = None,
    on: OnOption = None,
    by: ByOption = None,
    override: Annotated[
        str | None,
        typer.Option(
            metavar="REASON",
            help="A coordinator's written reason to override blocking rules (needs --by "
            "with a coordinator's id); recorded in the history.",
        ),
    ] = None,
    employment_kind: Annotated[
        str | None,
        typer.Option(
            metavar="KIND",
            help="Fixed-term employment (step 7): SÄVA (the default), vikariat or säsong.",
        ),
    ] = None,
    training_share: Annotated[
        int | None,
        typer.Option(
            metavar="PERCENT",
            help="Planned share of the time in training or supervision (0–100), as for an advance.",
        ),
    ] = None,
    extent: Annotated[
        int | None,
        typer.Option(metavar="PERCENT", help="The employment's percent of full time (1–100)."),
    ] = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Record the placement of a case already in a workplace step that has none (imported
    there, fallen back into it, or after a placement ended early): judged by the rules
    of an advance into the step, with its follow-ups, meetings and reminders."""
    from pathway.moves import start_placement

    result = start_placement(
        kivo_of(ctx),
        case,
        supervisor_id=supervisor,
        workplace_id=workplace,
        programme=programme,
        until=parse_date(until, "until"),
        on=parse_date(on, "on"),
        by=by,
        override=override,
        expected_version=expect_version,
        training_share=training_share,
        extent=extent,
        employment_kind=employment_kind,
    )
    if json_output:
        print_json(result)
        return
    say(
        speech.words(
            N_("case {case}: placement {placement} started in step {step} on {on}"),
            case=result.case_id,
            placement=result.placement_id,
            step=speech.state_name(result.to_state),
            on=result.on,
        )
    )
    said = [speech.violation_text(w) for w in result.warned_by]
    if len(said) != len(result.warnings):  # a result built without its objects
        said = [_warning_text(w) for w in result.warnings]
    for warning, text in zip(result.warnings, said, strict=True):
        say(f"  {speech.words(N_('warning'))} [{warning['code']}]: {text}")
    if result.overridden:
        say(speech.words(N_("  overridden: {codes}"), codes=", ".join(result.overridden)))


@placement_app.command("extend")
@reports_errors
def extend(
    ctx: typer.Context,
    case: CaseArg,
    until: Annotated[str, typer.Option(help="The new planned end (YYYY-MM-DD).", metavar="DATE")],
    reason: Annotated[str | None, typer.Option(help="Why; recorded in the history.")] = None,
    by: ByOption = None,
    on: Annotated[
        str | None,
        typer.Option(help="The decision date (YYYY-MM-DD); defaults to today.", metavar="DATE"),
    ] = None,
    override: Annotated[
        str | None,
        typer.Option(
            metavar="REASON",
            help="A coordinator's written reason to lift the blocking limits (the "
            "programme's, a decision after the planned end; needs --by with a "
            "coordinator's id); recorded in the history.",
        ),
    ] = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Extend the case's open placement; recorded as its own event in the history."""
    from pathway.placements import extend as extend_placement

    new_end = parse_date(until, "until")
    assert new_end is not None
    result = extend_placement(
        kivo_of(ctx),
        case,
        until=new_end,
        reason=reason,
        by=by,
        on=parse_date(on, "on"),
        override=override,
        expected_version=expect_version,
    )
    if json_output:
        print_json(result)
        return
    old = result.old_end.isoformat() if result.old_end else speech.words(N_("no planned end"))
    say(
        speech.words(
            N_(
                "case {case}: placement {placement} extended from {old} to {new} (decided "
                "{decided}); {moved} follow-up(s) moved, {added} added"
            ),
            case=result.case_id,
            placement=result.placement_id,
            old=old,
            new=result.new_end,
            decided=result.decided_on,
            moved=result.followups_moved,
            added=result.followups_added,
        )
    )
    _say_overrides_and_warnings(result.overridden, result.warnings)


@placement_app.command("supervisor")
@reports_errors
def supervisor(
    ctx: typer.Context,
    case: CaseArg,
    supervisor_id: Annotated[
        int, id_option("--supervisor", "The new supervisor (at the placement's workplace).")
    ],
    on: Annotated[
        str | None,
        typer.Option(
            help="The day the new supervisor takes over; defaults to today.", metavar="DATE"
        ),
    ] = None,
    reason: Annotated[str | None, typer.Option(help="Why; recorded in the history.")] = None,
    by: ByOption = None,
    override: Annotated[
        str | None,
        typer.Option(
            metavar="REASON",
            help="A coordinator's written reason to lift the blocking supervisor rules "
            "(training, capacity; needs --by with a coordinator's id); recorded in the history.",
        ),
    ] = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Give the case's open placement another supervisor; its scheduled meetings from that
    day invite the new one. Recorded as its own event in the history."""
    from pathway.supervisor_change import change_supervisor

    result = change_supervisor(
        kivo_of(ctx),
        case,
        supervisor_id,
        on=parse_date(on, "on"),
        reason=reason,
        by=by,
        override=override,
        expected_version=expect_version,
    )
    if json_output:
        print_json(result)
        return
    old = (
        speech.words(N_("supervisor {supervisor}"), supervisor=result.old_supervisor_id)
        if result.old_supervisor_id
        else speech.words(N_("no supervisor"))
    )
    say(
        speech.words(
            N_(
                "case {case}: placement {placement} moved from {old} to supervisor {new} on "
                "{on}; {meetings} scheduled meeting(s) now invite the new supervisor"
            ),
            case=result.case_id,
            placement=result.placement_id,
            old=old,
            new=result.new_supervisor_id,
            on=result.changed_on,
            meetings=result.meetings_moved,
        )
    )
    _say_overrides_and_warnings(result.overridden, result.warnings)


@placement_app.command("end")
@reports_errors
def end(
    ctx: typer.Context,
    case: CaseArg,
    on: Annotated[str, typer.Option(help="The day it ended (YYYY-MM-DD).", metavar="DATE")],
    reason: Annotated[str, typer.Option(help="Why it ended early; recorded in the history.")],
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """End the case's open placement early; what was planned after the end is cancelled."""
    from pathway.placements import end as end_placement

    day = parse_date(on, "on")
    assert day is not None
    result = end_placement(
        kivo_of(ctx), case, on=day, reason=reason, by=by, expected_version=expect_version
    )
    if json_output:
        print_json(result)
        return
    say(
        speech.words(
            N_(
                "case {case}: placement {placement} ended on {on}; {count} planned item(s) "
                "cancelled"
            ),
            case=result.case_id,
            placement=result.placement_id,
            on=result.ended_on,
            count=result.followups_cancelled,
        )
    )


@placement_app.command("list")
@reports_errors
def list_placements(
    ctx: typer.Context,
    workplace: Annotated[int | None, id_option("--workplace", "Only at this workplace.")] = None,
    programme: Annotated[str | None, typer.Option(help="Only under this programme.")] = None,
    active_on: Annotated[
        str | None, typer.Option(help="Only those running on this day.", metavar="DATE")
    ] = None,
    ending_before: Annotated[
        str | None,
        typer.Option(help="Only open ones planned to end before this day.", metavar="DATE"),
    ] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """Placements, filtered by workplace, programme and dates, 50 at a time (--limit 0 for
    all)."""
    from pathway.placements import listing

    everything = listing(
        kivo_of(ctx),
        workplace_id=workplace,
        programme=programme,
        active_on=parse_date(active_on, "active-on"),
        ending_before=parse_date(ending_before, "ending-before"),
    )
    found, more = page_of(everything, limit, offset, after, lambda p: p.id, "placement")
    last = found[-1].id if found else None
    if json_output:
        print_json(found)
        say_more("json", "placements", len(found), more, last, offset)
        return
    table(
        speech.words(N_("Placements")),
        speech.columns(
            N_("id"),
            N_("case"),
            N_("step"),
            N_("workplace"),
            N_("supervisor"),
            N_("programme"),
            N_("start"),
            N_("planned end"),
            N_("ended"),
        ),
        [
            (
                p.id,
                p.case_id,
                p.step,
                p.workplace_id,
                p.supervisor_id,
                p.programme,
                p.start,
                p.planned_end,
                p.ended_on,
            )
            for p in found
        ],
    )
    say_more("table", "placements", len(found), more, last, offset)


def _say_overrides_and_warnings(overridden: list[str], warnings: list[dict[str, object]]) -> None:
    if overridden:
        say(speech.words(N_("overridden by a coordinator: {codes}"), codes=", ".join(overridden)))
    for warning in warnings:
        say(f"{speech.words(N_('warning'))} [{warning['code']}]: {_warning_text(warning)}")


def _warning_text(warning: dict[str, object]) -> str:
    """A warning kept only as its dictionary: the catalogue's sentence when the English
    one is a catalogue text without parameters, else the English as it was written."""
    return speech.text(str(warning["message"]))


def _validity(valid_from: str | None, valid_until: str | None) -> str:
    if valid_from is None and valid_until is None:
        return speech.words(N_("open"))
    return speech.words(
        N_("{start} – {end} (exclusive)"), start=valid_from or "…", end=valid_until or "…"
    )
