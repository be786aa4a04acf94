"""What every report command shares: the period and format options, and printing a
report as a table, one JSON document or CSV."""

from __future__ import annotations

import csv
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer

from cli import speech
from cli.options import id_option, parse_date
from cli.output import print_json, table
from states.errors import InvalidInput
from states.messages import N_, Hint, Message

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
        help="Also draw the report as a chart in this PNG file (needs the plot extra: "
        "pip install '.[plot]' in kivo's source folder).",
        metavar="FILE.png",
    ),
]


@dataclass(frozen=True)
class Period:
    start: date | None
    end: date | None
    year: int | None


def period_of(start: str | None, end: str | None, year: int | None) -> Period:
    return Period(parse_date(start, "from"), parse_date(end, "to"), year)


def output_format(json_output: bool, csv_output: bool) -> str:
    if json_output and csv_output:
        said = N_("choose one of {json} and {csv}")
        hints = {"json": Hint("json", "--json"), "csv": Hint("csv", "--csv")}
        raise InvalidInput(Message(said, hints), field="format")
    return "json" if json_output else "csv" if csv_output else "table"


def _csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if cell is None else _cell(cell) for cell in row])


def _cell(value: Any) -> Any:
    """Dates in ISO form; a label a spreadsheet would run as a formula is defused, and
    one a terminal would act on is shown with visible escapes."""
    from states.import_rows import neutralise
    from states.text import shown

    if isinstance(value, date):
        return value.isoformat()
    return shown(neutralise(value)) if isinstance(value, str) else value


def show(
    fmt: str, document: Any, title: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]
) -> None:
    """A report's result as JSON, CSV or a table; ``columns`` are the CSV's keys (an
    interface, in English), which a table names in the CLI's language."""
    if fmt == "json":
        print_json(_periods_as_from_to(document))
    elif fmt == "csv":
        _csv(columns, rows)
    else:
        table(title, speech.columns(*columns), rows)


def _periods_as_from_to(document: Any) -> Any:
    from pathway.report_documents import periods_as_from_to

    return periods_as_from_to(document)


def span(start: date, end: date) -> str:
    return f"{start.isoformat()} – {end.isoformat()}"


def percent(share: float | None) -> str | None:
    return None if share is None else f"{share * 100:.1f} %"
