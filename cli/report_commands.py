"""``kivo report``: the numbers steering groups and funders ask for.

Each report prints a table by default, one JSON document with ``--json`` or CSV with
``--csv``; funnel, outcomes and targets draw a chart with ``--plot FILE.png`` (needs the
optional ``plot`` extra, matplotlib, imported only then).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption, parse_date
from cli.output import table
from cli.report_charts import plot_funnel, plot_outcomes, plot_targets
from cli.report_format import (
    CaseworkerOption,
    CsvOption,
    FromOption,
    Period,
    PlotOption,
    ToOption,
    YearOption,
    output_format,
    percent,
    period_of,
    show,
    span,
)
from pathway.report_documents import report_document, target_share
from states.messages import N_
from states.reports import NO_GROUP, UNASSIGNED, YES

if TYPE_CHECKING:
    from states.reports import EsfIndicator, EsfRow, TargetResult

report_app = typer.Typer(
    help="Reports for steering groups and funders, computed in the database.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``report`` group to the app."""
    app.add_typer(report_app, name="report")


# -- funnel ------------------------------------------------------------------------


@report_app.command("funnel")
@reports_errors
def funnel(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option(
            "--on",
            help="Count cases per state at the end of this day (default: the period's end).",
            metavar="DATE",
        ),
    ] = None,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    caseworker: CaseworkerOption = None,
    plot: PlotOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Cases per state on a day, and the moves between states in the period."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    found = reports.funnel(
        kivo_of(ctx),
        on=parse_date(on, "on"),
        start=period.start,
        end=period.end,
        year=period.year,
        caseworker_id=caseworker,
    )
    if plot:
        plot_funnel(found, plot)
    document = report_document(found)
    rows: list[Sequence[Any]] = [("state", s, None, None, n) for s, n in found.states.items()]
    rows += [("flow", f.source, f.target, f.kind, f.count) for f in found.flows]
    if fmt != "table":
        show(fmt, document, "", ["section", "state", "to", "kind", "count"], rows)
        return
    table(
        speech.words(N_("Cases per state on {day}"), day=found.on.isoformat()),
        speech.columns(N_("state"), N_("cases")),
        [(_named(label), count) for label, count in found.states.items()],
    )
    table(
        speech.words(N_("Moves {period}"), period=span(found.start, found.end)),
        speech.columns(N_("from"), N_("to"), N_("move"), N_("count")),
        [
            (_named(f.source), _named(f.target), speech.event_name(f.kind), f.count)
            for f in found.flows
        ],
    )


def _named(label: str) -> str:
    """A state as a report names it for people: a step by its number and slug in English
    (``2 short-practice``, as the CLI takes it), by its number and name in Swedish."""
    from states.steps import Step

    if label.isdigit():
        return speech.step_in_sentence(Step(int(label)))
    return speech.state_name(label) or label


def _step_cell(number: int, fmt: str = "table") -> int | str:
    """A step in a table for people: its number in English (as the CLI has always shown
    it), with its name in another language; the number itself in CSV and JSON."""
    from states.steps import Step

    if fmt != "table" or speech.current() == "en":
        return number
    return speech.step_in_sentence(Step(number))


def _breakdown(by: str, value: str, fmt: str = "table") -> str:
    """A gender, group or caseworker a report breaks down by, as a table says it; CSV
    keeps the stored value (an interface)."""
    if fmt != "table":
        return value
    if value in (NO_GROUP, UNASSIGNED):
        return speech.text(value)
    return speech.gender_name(value) if by == "gender" else value


# -- outcomes ----------------------------------------------------------------------


@report_app.command("outcomes")
@reports_errors
def outcomes(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    by: Annotated[
        str, typer.Option("--by", help="Break down by gender (default), group or caseworker.")
    ] = "gender",
    caseworker: CaseworkerOption = None,
    plot: PlotOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Exits in the period by outcome, broken down by gender, group or caseworker."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    found = reports.outcomes(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        by=by,
        caseworker_id=caseworker,
    )
    if plot:
        plot_outcomes(found, plot)
    document = report_document(found)
    if fmt != "table":
        ids = found.by == "caseworker"
        rows = [
            ((r.caseworker_id,) if ids else ()) + (r.breakdown, r.outcome, r.count, r.share)
            for r in found.rows
        ]
        columns = [found.by, "outcome", "count", "share"]
        show(fmt, document, "", ["caseworker_id", *columns] if ids else columns, rows)
        return
    by = speech.text(found.by)
    table(
        speech.words(
            N_("Exits {period} by {by} ({total} in all)"),
            period=span(found.start, found.end),
            by=by,
            total=found.total,
        ),
        [by, *speech.columns(N_("outcome"), N_("exits"), N_("share"))],
        [
            (
                _breakdown(found.by, r.breakdown),
                speech.outcome_name(r.outcome),
                r.count,
                percent(r.share),
            )
            for r in found.rows
        ],
    )


# -- fallbacks ---------------------------------------------------------------------


@report_app.command("fallbacks")
@reports_errors
def fallbacks(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    window_days: Annotated[
        int,
        typer.Option(
            "--window-days", help="Count a fall back this many days after leaving a step."
        ),
    ] = 90,
    caseworker: CaseworkerOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Moves back to an earlier step, and per step the share that fell back soon after."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    found = reports.fallbacks(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        window_days=window_days,
        caseworker_id=caseworker,
    )
    document = report_document(found)
    columns = [
        N_("step"),
        N_("fall-backs from it"),
        N_("cases that left it"),
        N_("fell back within"),
        N_("share"),
    ]
    rows = [(s.step, s.fell_back, s.left, s.fell_back_within, s.share) for s in found.steps]
    if fmt != "table":
        # CSV: the moves and the steps in one table, told apart by ``section`` (as funnel).
        both: list[Sequence[Any]] = [
            ("move", f.source, f.target, f.count, None, None, None, None) for f in found.moves
        ]
        both += [("step", None, None, None, *row) for row in rows]
        show(fmt, document, "", ["section", "from", "to", "count", *columns], both)
        return
    table(
        speech.words(N_("Fall backs {period}"), period=span(found.start, found.end)),
        speech.columns(N_("from"), N_("to"), N_("count")),
        [(_state_cell(f.source), _state_cell(f.target), f.count) for f in found.moves],
    )
    table(
        speech.words(
            N_("Cases that fell back within {days} days of leaving a step"),
            days=found.window_days,
        ),
        speech.columns(*columns),
        [(_step_cell(row[0]), *row[1:4], percent(row[4])) for row in rows],
    )


def _state_cell(label: str) -> str:
    """A state a move left or entered, as the fall-backs table says it (``3``)."""
    return str(_step_cell(int(label))) if label.isdigit() else label


# -- time in step ------------------------------------------------------------------


@report_app.command("time-in-step")
@reports_errors
def time_in_step(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    caseworker: CaseworkerOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Median and 90th percentile days per step; closed and still-open stays apart."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    found = reports.time_in_step(
        kivo_of(ctx), start=period.start, end=period.end, year=period.year, caseworker_id=caseworker
    )
    columns = [
        N_("step"),
        N_("closed stays"),
        N_("closed median"),
        N_("closed p90"),
        N_("open stays"),
        N_("open median"),
        N_("open p90"),
    ]
    rows = [
        (
            _step_cell(s.step, fmt),
            s.closed,
            s.closed_median,
            s.closed_p90,
            s.open,
            s.open_median,
            s.open_p90,
        )
        for s in found.steps
    ]
    title = speech.words(N_("Days in step {period}"), period=span(found.start, found.end))
    show(fmt, found, title, columns, rows)


# -- lead time ---------------------------------------------------------------------


@report_app.command("lead-time")
@reports_errors
def lead_time(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    by: Annotated[
        str | None,
        typer.Option("--by", help="Also break down by gender, group or caseworker."),
    ] = None,
    caseworker: CaseworkerOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Days from enrolment to the first placement start; how many waited > 6 and > 12 months."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    found = reports.lead_time(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        by=by,
        caseworker_id=caseworker,
    )
    columns = [
        N_("first placements"),
        N_("median days"),
        N_("p90 days"),
        N_("over 6 months"),
        N_("over 12 months"),
        N_("still waiting"),
        N_("waiting over 6 months"),
        N_("waiting over 12 months"),
        N_("imported, placement unknown"),
    ]
    numbers: list[Any] = [found, *found.rows]
    rows = [
        (
            n.cases,
            n.median,
            n.p90,
            n.over_6_months,
            n.over_12_months,
            n.waiting,
            n.waiting_over_6_months,
            n.waiting_over_12_months,
            n.placement_unknown,
        )
        for n in numbers
    ]
    title = speech.words(
        N_("Enrolment to first placement, first placements {period}"),
        period=span(found.start, found.end),
    )
    if found.by is None:
        show(fmt, found, title, columns, rows)
        return
    # By a breakdown: the total first (``(all)``), then a row per value; the JSON keeps
    # the totals at the top and the rows under ``rows``.
    ids = found.by == "caseworker"
    every = "(all)" if fmt != "table" else speech.words(N_("(all)"))
    named = [
        (every, None),
        *((_breakdown(found.by, r.breakdown, fmt), r.caseworker_id) for r in found.rows),
    ]
    shown = [
        ((ident,) if ids and fmt == "csv" else ()) + (label,) + row
        for (label, ident), row in zip(named, rows, strict=True)
    ]
    head = ["caseworker_id"] if ids and fmt == "csv" else []
    by = speech.words(N_("{title}, by {by}"), title=title, by=speech.text(found.by))
    show(fmt, found, by, [*head, found.by, *columns], shown)


# -- targets -----------------------------------------------------------------------


@report_app.command("targets")
@reports_errors
def targets(
    ctx: typer.Context,
    year: YearOption = None,
    caseworker: CaseworkerOption = None,
    plot: PlotOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Per programme for a year: target, placements started, extensions, result."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    found = reports.targets(kivo_of(ctx), year=year, caseworker_id=caseworker)
    if plot:
        plot_targets(found, plot)
    columns = [N_("programme"), N_("year"), N_("target"), N_("started"), N_("extended")]
    rows = [(r.programme, r.year, r.target, r.started, r.extended) for r in found]
    if fmt != "table":
        with_share = [(*row, target_share(r)) for row, r in zip(rows, found, strict=True)]
        show(fmt, report_document(found), "", [*columns, "share"], with_share)
        return
    wanted = found[0].year if found else year
    table(
        speech.words(N_("Targets and results {year}"), year=wanted or "").rstrip(),
        speech.columns(*columns, N_("result")),
        [(*row, _result(r)) for row, r in zip(rows, found, strict=True)],
    )


def _result(row: TargetResult) -> str | None:
    share = target_share(row)
    if share is None:
        return None
    reached = f"{row.started / (row.target or 1) * 100:.0f}"
    return speech.words(N_("{percent} % of target"), percent=reached)


# -- overdue -----------------------------------------------------------------------


@report_app.command("overdue")
@reports_errors
def overdue(
    ctx: typer.Context,
    on: Annotated[
        str | None,
        typer.Option("--on", help="Past due before this day (default: today).", metavar="DATE"),
    ] = None,
    caseworker: CaseworkerOption = None,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Open follow-ups, meetings and decisions past due, per caseworker."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    found = reports.overdue(kivo_of(ctx), on=parse_date(on, "on"), caseworker_id=caseworker)
    columns = [
        N_("caseworker_id"),
        N_("caseworker"),
        N_("follow-ups"),
        N_("meetings"),
        N_("decisions"),
        N_("unrecorded meetings"),
        N_("oldest due"),
    ]
    unassigned = _breakdown("caseworker", UNASSIGNED, fmt)
    rows = [
        (
            line.caseworker_id,
            line.caseworker or (unassigned if line.caseworker_id is None else None),
            line.followups,
            line.meetings,
            line.decisions,
            line.unrecorded_meetings,
            line.oldest_due,
        )
        for line in found.caseworkers
    ]
    title = speech.words(N_("Past due before {day}"), day=found.on.isoformat())
    show(fmt, found, title, columns, rows)


# -- ESF ---------------------------------------------------------------------------


@report_app.command("esf")
@reports_errors
def esf(
    ctx: typer.Context,
    start: FromOption = None,
    end: ToOption = None,
    year: YearOption = None,
    caseworker: CaseworkerOption = None,
    show_personal: Annotated[
        bool, typer.Option("--show-personal", help="Show personnummer in full.")
    ] = False,
    summary: Annotated[
        bool,
        typer.Option(
            "--summary", help="The common indicators counted by gender instead of the rows."
        ),
    ] = False,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """ESF+ participant data: one row per participant and case open in the period."""
    from pathway import reports

    fmt = output_format(json_output, csv_output)
    period = period_of(start, end, year)
    if summary:
        _esf_summary(ctx, fmt, period, caseworker)
        return
    found = reports.esf(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        caseworker_id=caseworker,
        show_personal=show_personal,
    )
    columns = [
        N_("case"),
        N_("person"),
        N_("personnummer"),
        N_("gender"),
        N_("age band"),
        N_("status at entry"),
        N_("education"),
        *CHARACTERISTIC_COLUMNS.values(),
        N_("entry"),
        N_("exit"),
        N_("outcome"),
        N_("upon leaving"),
        N_("qualification"),
        N_("after 4 weeks"),
        N_("6 months after leaving"),
    ]
    said = _esf_words if fmt == "table" else _esf_stored
    rows = [said(r) for r in found.rows]
    title = speech.words(
        N_("ESF+ participants {period} ({count})"),
        period=span(found.start, found.end),
        count=len(rows),
    )
    show(fmt, found, title, columns, rows)


CHARACTERISTIC_COLUMNS = {
    "disability": N_("disability"),
    "third-country-national": N_("third-country national"),
    "foreign-background": N_("foreign background"),
    "minority": N_("minority"),
    "homeless": N_("homeless"),
    "rural": N_("rural area"),
}


def _esf_stored(r: EsfRow) -> tuple[Any, ...]:
    """An ESF+ row as CSV gives it to the funder: the stored values, in English."""
    return (
        r.case_id,
        r.person_id,
        r.personnummer,
        r.gender,
        r.age_band,
        r.entry_status,
        r.education,
        *(r.characteristics.get(name) for name in CHARACTERISTIC_COLUMNS),
        r.entry,
        r.exit,
        r.outcome,
        r.upon_leaving,
        YES if r.qualification else None,
        r.after_4_weeks,
        r.after_6_months,
    )


def _esf_words(r: EsfRow) -> tuple[Any, ...]:
    """An ESF+ row as the table says it to a person: its words in the CLI's language."""
    return (
        r.case_id,
        r.person_id,
        r.personnummer,
        _or_none(speech.gender_name, r.gender),
        r.age_band,
        _or_none(speech.text, r.entry_status),
        r.education,
        *(_or_none(speech.text, r.characteristics.get(name)) for name in CHARACTERISTIC_COLUMNS),
        r.entry,
        r.exit,
        _or_none(speech.outcome_name, r.outcome),
        _or_none(speech.finding_name, r.upon_leaving),
        speech.text(YES) if r.qualification else None,
        _or_none(_followed_up, r.after_4_weeks),
        _or_none(_followed_up, r.after_6_months),
    )


def _followed_up(value: str) -> str:
    """What a follow-up found, else its own status (``pending``), as the CLI says it."""
    from states.words import FINDINGS

    if value in FINDINGS:
        return speech.finding_name(value)
    return speech.followup_words("follow-up", value)[1]


def _or_none(say: Callable[[str], str | None], value: str | None) -> str | None:
    return None if value is None else say(value)


def _esf_summary(ctx: typer.Context, fmt: str, period: Period, caseworker: int | None) -> None:
    from pathway import reports

    found = reports.esf_indicators(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        caseworker_id=caseworker,
    )
    columns = [N_("indicator"), N_("woman"), N_("man"), N_("non-binary"), N_("total")]
    rows = [
        (speech.text(i.indicator) if fmt == "table" else i.indicator, *_by_gender(i))
        for i in found.indicators
    ]
    title = speech.words(N_("ESF+ common indicators {period}"), period=span(found.start, found.end))
    show(fmt, found, title, columns, rows)


def _by_gender(indicator: EsfIndicator) -> tuple[int, int, int, int]:
    return indicator.woman, indicator.man, indicator.non_binary, indicator.total


# -- places ------------------------------------------------------------------------


@report_app.command("places")
@reports_errors
def places(
    ctx: typer.Context, json_output: JsonOption = False, csv_output: CsvOption = False
) -> None:
    """Places by status and age, the lead time from the first employer contact to the
    place open, to filled and to a person in place (median, p90), and the fill rate per
    workplace and programme."""
    from cli.place_commands import show_places_report

    show_places_report(kivo_of(ctx), output_format(json_output, csv_output))
