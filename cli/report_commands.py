"""``kivo report``: the numbers steering groups and funders ask for.

Each report prints a table by default, one JSON document with ``--json`` or CSV with
``--csv``; funnel, outcomes and targets draw a chart with ``--plot FILE.png`` (needs the
optional ``plot`` extra, matplotlib, imported only then).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Annotated, Any

import typer

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

if TYPE_CHECKING:
    from states.reports import TargetResult

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
        f"Cases per state on {found.on.isoformat()}",
        ["state", "cases"],
        [(_named(label), count) for label, count in found.states.items()],
    )
    table(
        f"Moves {span(found.start, found.end)}",
        ["from", "to", "move", "count"],
        [(_named(f.source), _named(f.target), f.kind, f.count) for f in found.flows],
    )


def _named(label: str) -> str:
    """A step's number with its slug, for people: ``2 short-practice``."""
    from states.steps import Step

    return f"{label} {Step(int(label)).slug}" if label.isdigit() else label


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
    table(
        f"Exits {span(found.start, found.end)} by {found.by} ({found.total} in all)",
        [found.by, "outcome", "exits", "share"],
        [(r.breakdown, r.outcome, r.count, percent(r.share)) for r in found.rows],
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
    columns = ["step", "fall-backs from it", "cases that left it", "fell back within", "share"]
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
        f"Fall backs {span(found.start, found.end)}",
        ["from", "to", "count"],
        [(f.source, f.target, f.count) for f in found.moves],
    )
    table(
        f"Cases that fell back within {found.window_days} days of leaving a step",
        columns,
        [(*row[:4], percent(row[4])) for row in rows],
    )


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
        "step",
        "closed stays",
        "closed median",
        "closed p90",
        "open stays",
        "open median",
        "open p90",
    ]
    rows = [
        (s.step, s.closed, s.closed_median, s.closed_p90, s.open, s.open_median, s.open_p90)
        for s in found.steps
    ]
    show(fmt, found, f"Days in step {span(found.start, found.end)}", columns, rows)


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
        "first placements",
        "median days",
        "p90 days",
        "over 6 months",
        "over 12 months",
        "still waiting",
        "waiting over 6 months",
        "waiting over 12 months",
        "imported, placement unknown",
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
    title = f"Enrolment to first placement, first placements {span(found.start, found.end)}"
    if found.by is None:
        show(fmt, found, title, columns, rows)
        return
    # By a breakdown: the total first (``(all)``), then a row per value; the JSON keeps
    # the totals at the top and the rows under ``rows``.
    ids = found.by == "caseworker"
    named = [("(all)", None), *((r.breakdown, r.caseworker_id) for r in found.rows)]
    shown = [
        ((ident,) if ids and fmt == "csv" else ()) + (label,) + row
        for (label, ident), row in zip(named, rows, strict=True)
    ]
    head = ["caseworker_id"] if ids and fmt == "csv" else []
    show(fmt, found, f"{title}, by {found.by}", [*head, found.by, *columns], shown)


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
    columns = ["programme", "year", "target", "started", "extended"]
    rows = [(r.programme, r.year, r.target, r.started, r.extended) for r in found]
    if fmt != "table":
        with_share = [(*row, target_share(r)) for row, r in zip(rows, found, strict=True)]
        show(fmt, report_document(found), "", [*columns, "share"], with_share)
        return
    wanted = found[0].year if found else year
    table(
        f"Targets and results {wanted or ''}".rstrip(),
        [*columns, "result"],
        [(*row, _result(r)) for row, r in zip(rows, found, strict=True)],
    )


def _result(row: TargetResult) -> str | None:
    share = target_share(row)
    return None if share is None else f"{row.started / (row.target or 1) * 100:.0f} % of target"


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
        "caseworker_id",
        "caseworker",
        "follow-ups",
        "meetings",
        "decisions",
        "unrecorded meetings",
        "oldest due",
    ]
    rows = [
        (
            line.caseworker_id,
            line.caseworker or ("(unassigned)" if line.caseworker_id is None else None),
            line.followups,
            line.meetings,
            line.decisions,
            line.unrecorded_meetings,
            line.oldest_due,
        )
        for line in found.caseworkers
    ]
    show(fmt, found, f"Past due before {found.on.isoformat()}", columns, rows)


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
        "case",
        "person",
        "personnummer",
        "gender",
        "age band",
        "status at entry",
        "education",
        *CHARACTERISTIC_COLUMNS.values(),
        "entry",
        "exit",
        "outcome",
        "upon leaving",
        "qualification",
        "after 4 weeks",
        "6 months after leaving",
    ]
    rows = [
        (
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
            "yes" if r.qualification else None,
            r.after_4_weeks,
            r.after_6_months,
        )
        for r in found.rows
    ]
    title = f"ESF+ participants {span(found.start, found.end)} ({len(rows)})"
    show(fmt, found, title, columns, rows)


CHARACTERISTIC_COLUMNS = {
    "disability": "disability",
    "third-country-national": "third-country national",
    "foreign-background": "foreign background",
    "minority": "minority",
    "homeless": "homeless",
    "rural": "rural area",
}


def _esf_summary(ctx: typer.Context, fmt: str, period: Period, caseworker: int | None) -> None:
    from pathway import reports

    found = reports.esf_indicators(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        caseworker_id=caseworker,
    )
    columns = ["indicator", "woman", "man", "non-binary", "total"]
    rows = [(i.indicator, i.woman, i.man, i.non_binary, i.total) for i in found.indicators]
    title = f"ESF+ common indicators {span(found.start, found.end)}"
    show(fmt, found, title, columns, rows)


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
