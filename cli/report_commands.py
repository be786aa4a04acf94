"""``kivo report`` (the numbers steering groups and funders ask for) and ``kivo target``.

Each report prints a table by default, one JSON document with ``--json`` or CSV with
``--csv``; funnel, outcomes and targets draw a chart with ``--plot FILE.png`` (needs the
optional ``kivo[plot]`` extra, matplotlib, imported only then).
"""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption, id_option, parse_date
from cli.output import print_json, say, table
from states.errors import InvalidInput

if TYPE_CHECKING:
    from states.reports import Flow, Funnel, OutcomeCount, Outcomes, Target, TargetResult

report_app = typer.Typer(
    help="Reports for steering groups and funders, computed in the database.",
    no_args_is_help=True,
)
target_app = typer.Typer(help="Programme targets per year: set and list.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``report`` and ``target`` groups to the app."""
    app.add_typer(report_app, name="report")
    app.add_typer(target_app, name="target")


FromOption = Annotated[
    str | None,
    typer.Option(
        "--from",
        help="First day of the period, included (default: 1 January of its last day's year).",
        metavar="DATE",
    ),
]
ToOption = Annotated[
    str | None,
    typer.Option("--to", help="Last day of the period, included (default: today).", metavar="DATE"),
]
YearOption = Annotated[
    int | None,
    typer.Option("--year", help="The whole calendar year instead of --from/--to.", metavar="Y"),
]
CaseworkerOption = Annotated[
    int | None, id_option("--caseworker", "Only the cases this caseworker holds now.")
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV (one header row) instead.")]
PlotOption = Annotated[
    str | None,
    typer.Option(
        "--plot",
        help="Also draw the report as a chart in this PNG file (needs kivo[plot]).",
        metavar="FILE.png",
    ),
]


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    year: int | None


def _period(start: str | None, end: str | None, year: int | None) -> Period:
    return Period(parse_date(start, "from"), parse_date(end, "to"), year)


def _format(json_output: bool, csv_output: bool) -> str:
    if json_output and csv_output:
        raise InvalidInput("choose one of --json and --csv", field="format")
    return "json" if json_output else "csv" if csv_output else "table"


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if cell is None else _cell(cell) for cell in row])


def _cell(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


def _show(
    fmt: str, document: Any, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    if fmt == "json":
        print_json(_periods_as_from_to(document))
    elif fmt == "csv":
        _csv(columns, rows)
    else:
        table(title, columns, rows)


def _periods_as_from_to(document: Any) -> Any:
    """Every report's JSON names its period ``from`` and ``to``, like the options."""
    from pathway.results import plain

    data = plain(document)
    if not isinstance(data, dict):
        return data
    names = {"start": "from", "end": "to"}
    return {names.get(key, key): value for key, value in data.items()}


def _span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def _percent(share: float | None) -> str | None:
    return None if share is None else f"{share * 100:.1f} %"


# -- funnel ------------------------------------------------------------------------


def _flow(flow: Flow) -> dict[str, Any]:
    return {"from": flow.source, "to": flow.target, "kind": flow.kind, "count": flow.count}


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

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
    found = reports.funnel(
        kivo_of(ctx),
        on=parse_date(on, "on"),
        start=period.start,
        end=period.end,
        year=period.year,
        caseworker_id=caseworker,
    )
    if plot:
        _plot_funnel(found, plot)
    document = {
        "on": found.on,
        "from": found.start,
        "to": found.end,
        "states": found.states,
        "flows": [_flow(f) for f in found.flows],
    }
    rows: list[Sequence[Any]] = [("state", s, None, None, n) for s, n in found.states.items()]
    rows += [("flow", f.source, f.target, f.kind, f.count) for f in found.flows]
    if fmt != "table":
        _show(fmt, document, "", ["section", "state", "to", "kind", "count"], rows)
        return
    table(
        f"Cases per state on {found.on.isoformat()}",
        ["state", "cases"],
        [(_named(label), count) for label, count in found.states.items()],
    )
    table(
        f"Moves {_span(found.start, found.end)}",
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

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
    found = reports.outcomes(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        by=by,
        caseworker_id=caseworker,
    )
    if plot:
        _plot_outcomes(found, plot)
    document = {
        "from": found.start,
        "to": found.end,
        "by": found.by,
        "total": found.total,
        "rows": [_outcome(found.by, r) for r in found.rows],
    }
    if fmt != "table":
        ids = found.by == "caseworker"
        rows = [
            ((r.caseworker_id,) if ids else ()) + (r.breakdown, r.outcome, r.count, r.share)
            for r in found.rows
        ]
        columns = [found.by, "outcome", "count", "share"]
        _show(fmt, document, "", ["caseworker_id", *columns] if ids else columns, rows)
        return
    table(
        f"Exits {_span(found.start, found.end)} by {found.by} ({found.total} in all)",
        [found.by, "outcome", "exits", "share"],
        [(r.breakdown, r.outcome, r.count, _percent(r.share)) for r in found.rows],
    )


def _outcome(by: str, row: OutcomeCount) -> dict[str, Any]:
    ident = {"caseworker_id": row.caseworker_id} if by == "caseworker" else {}
    return {
        **ident,
        by: row.breakdown,
        "outcome": row.outcome,
        "count": row.count,
        "share": row.share,
    }


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

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
    found = reports.fallbacks(
        kivo_of(ctx),
        start=period.start,
        end=period.end,
        year=period.year,
        window_days=window_days,
        caseworker_id=caseworker,
    )
    document = {
        "from": found.start,
        "to": found.end,
        "window_days": found.window_days,
        "moves": [_flow(f) for f in found.moves],
        "steps": found.steps,
    }
    columns = ["step", "fall-backs from it", "cases that left it", "fell back within", "share"]
    rows = [(s.step, s.fell_back, s.left, s.fell_back_within, s.share) for s in found.steps]
    if fmt != "table":
        # CSV: the moves and the steps in one table, told apart by ``section`` (as funnel).
        both: list[Sequence[Any]] = [
            ("move", f.source, f.target, f.count, None, None, None, None) for f in found.moves
        ]
        both += [("step", None, None, None, *row) for row in rows]
        _show(fmt, document, "", ["section", "from", "to", "count", *columns], both)
        return
    table(
        f"Fall backs {_span(found.start, found.end)}",
        ["from", "to", "count"],
        [(f.source, f.target, f.count) for f in found.moves],
    )
    table(
        f"Cases that fell back within {found.window_days} days of leaving a step",
        columns,
        [(*row[:4], _percent(row[4])) for row in rows],
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

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
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
    _show(fmt, found, f"Days in step {_span(found.start, found.end)}", columns, rows)


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

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
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
    title = f"Enrolment to first placement, first placements {_span(found.start, found.end)}"
    if found.by is None:
        _show(fmt, found, title, columns, rows)
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
    _show(fmt, found, f"{title}, by {found.by}", [*head, found.by, *columns], shown)


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

    fmt = _format(json_output, csv_output)
    found = reports.targets(kivo_of(ctx), year=year, caseworker_id=caseworker)
    if plot:
        _plot_targets(found, plot)
    columns = ["programme", "year", "target", "started", "extended"]
    rows = [(r.programme, r.year, r.target, r.started, r.extended) for r in found]
    if fmt != "table":
        shares = [_share(r) for r in found]
        document = [{**asdict(r), "share": share} for r, share in zip(found, shares, strict=True)]
        with_share = [(*row, share) for row, share in zip(rows, shares, strict=True)]
        _show(fmt, document, "", [*columns, "share"], with_share)
        return
    wanted = found[0].year if found else year
    table(
        f"Targets and results {wanted or ''}".rstrip(),
        [*columns, "result"],
        [(*row, _result(r)) for row, r in zip(rows, found, strict=True)],
    )


def _share(row: TargetResult) -> float | None:
    """Placements started as a share of the target (1.0 is the target met); none without
    a target."""
    return round(row.started / row.target, 4) if row.target else None


def _result(row: TargetResult) -> str | None:
    share = _share(row)
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

    fmt = _format(json_output, csv_output)
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
    _show(fmt, found, f"Past due before {found.on.isoformat()}", columns, rows)


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
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """ESF+ participant data: one row per participant and case open in the period."""
    from pathway import reports

    fmt = _format(json_output, csv_output)
    period = _period(start, end, year)
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
        "entry",
        "exit",
        "outcome",
        "after 4 weeks",
        "after 6 months",
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
            r.entry,
            r.exit,
            r.outcome,
            r.after_4_weeks,
            r.after_6_months,
        )
        for r in found.rows
    ]
    title = f"ESF+ participants {_span(found.start, found.end)} ({len(rows)})"
    _show(fmt, found, title, columns, rows)


# -- targets: set and list ---------------------------------------------------------


@target_app.command("set")
@reports_errors
def target_set(
    ctx: typer.Context,
    programme: Annotated[
        str, typer.Argument(help="Programme code (see kivo programme list).", metavar="PROGRAMME")
    ],
    year: Annotated[int, typer.Argument(help="The year the target is for.", metavar="YEAR")],
    count: Annotated[
        int, typer.Argument(help="How many placements should start that year.", metavar="COUNT")
    ],
    json_output: JsonOption = False,
) -> None:
    """Set (or replace) a programme's target for a year."""
    from pathway.targets import set_target

    target = set_target(kivo_of(ctx), programme, year, count)
    if json_output:
        print_json(_target(target))
        return
    say(f"target {target.programme} {target.year}: {target.count}")


@target_app.command("list")
@reports_errors
def target_list(
    ctx: typer.Context, json_output: JsonOption = False, csv_output: CsvOption = False
) -> None:
    """Every target set, by year and programme."""
    from pathway.targets import list_targets

    fmt = _format(json_output, csv_output)
    found = list_targets(kivo_of(ctx))
    rows = [(t.programme, t.year, t.count) for t in found]
    _show(fmt, [_target(t) for t in found], "Targets", ["programme", "year", "target"], rows)


def _target(target: Target) -> dict[str, Any]:
    """A target as ``report targets`` names its fields (the count is ``target``)."""
    return {"programme": target.programme, "year": target.year, "target": target.count}


# -- charts ------------------------------------------------------------------------


def _pyplot() -> Any:
    """matplotlib's pyplot on a file-only backend; a clear error when it is missing."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as pyplot
    except ImportError:
        raise InvalidInput(
            "drawing charts (--plot) needs matplotlib: pip install 'kivo[plot]'",
            field="plot",
        ) from None
    return pyplot


def _save(figure: Any, path: str, pyplot: Any) -> None:
    figure.tight_layout()
    try:
        figure.savefig(path, format="png")
    except (OSError, ValueError) as error:
        raise InvalidInput(f"cannot write the chart to {path!r}: {error}", field="plot") from None
    finally:
        pyplot.close(figure)
    print(f"chart written to {path}", file=sys.stderr)


def _plot_funnel(found: Funnel, path: str) -> None:
    pyplot = _pyplot()
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar(list(found.states), list(found.states.values()), color="#3b6ea5")
    axes.set_title(f"Cases per state on {found.on.isoformat()}")
    axes.set_ylabel("cases")
    _save(figure, path, pyplot)


def _plot_outcomes(found: Outcomes, path: str) -> None:
    pyplot = _pyplot()
    groups = sorted({r.breakdown for r in found.rows})
    kinds = sorted({r.outcome for r in found.rows})
    counts = {(r.breakdown, r.outcome): r.count for r in found.rows}
    figure, axes = pyplot.subplots(figsize=(8, 4))
    width = 0.8 / max(len(kinds), 1)
    for index, kind in enumerate(kinds):
        axes.bar(
            [g + index * width for g in range(len(groups))],
            [counts.get((group, kind), 0) for group in groups],
            width,
            label=kind,
        )
    axes.set_xticks([g + 0.4 - width / 2 for g in range(len(groups))], groups)
    axes.set_title(f"Exits {_span(found.start, found.end)} by {found.by}")
    axes.set_ylabel("exits")
    if kinds:
        axes.legend()
    _save(figure, path, pyplot)


def _plot_targets(found: list[TargetResult], path: str) -> None:
    pyplot = _pyplot()
    codes = [r.programme for r in found]
    figure, axes = pyplot.subplots(figsize=(8, 4))
    axes.bar(
        [i - 0.2 for i in range(len(codes))], [r.target or 0 for r in found], 0.4, label="target"
    )
    axes.bar([i + 0.2 for i in range(len(codes))], [r.started for r in found], 0.4, label="started")
    axes.set_xticks(list(range(len(codes))), codes)
    axes.set_title(f"Targets and placements started {found[0].year if found else ''}".rstrip())
    axes.legend()
    _save(figure, path, pyplot)
