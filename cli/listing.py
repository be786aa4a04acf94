"""What every list command shares: the paging options, and printing rows as they are
read — a table a page at a time, a JSON array one object per line, or CSV — so a list of
a million rows is never held in memory.

``--json`` prints one JSON array (the shape the lists always had), written item by
item with one object per line; ``--csv`` one header row, then a row per item. When rows
follow the page, a table ends with how to get the next one; ``--json`` and ``--csv``
say it on standard error, so the document itself stays the page.
"""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Protocol

import typer

from cli.options import parse_id
from cli.output import console
from states.calendar_bounds import MAX_COUNT

MAX_ROWS = MAX_COUNT * 1000


class Writer(Protocol):
    def write(self, text: str, /) -> int: ...
    def flush(self) -> None: ...


TABLE_PAGE = 500
"""Rows per printed table: a long list prints as several tables with the same columns."""

LimitOption = Annotated[
    int,
    typer.Option(
        "--limit",
        help="At most this many rows (0 = all of them).",
        min=0,
        max=MAX_ROWS,
        metavar="N",
    ),
]
OffsetOption = Annotated[
    int,
    typer.Option("--offset", help="Skip this many rows first.", min=0, max=MAX_ROWS, metavar="N"),
]
AfterOption = Annotated[
    int | None,
    typer.Option(
        "--after",
        help="Continue after the row with this id (the last id of the previous page), in "
        "the same sort order: deep pages stay fast.",
        parser=parse_id,
        metavar="ID",
    ),
]
CsvOption = Annotated[bool, typer.Option("--csv", help="Print CSV (one header row) instead.")]
JsonListOption = Annotated[
    bool,
    typer.Option(
        "--json",
        help="Print one JSON array (one object per line, written as it is read) instead "
        "of a table.",
    ),
]


def choose_format(json_output: bool, csv_output: bool) -> str:
    from states.errors import InvalidInput

    if json_output and csv_output:
        raise InvalidInput("choose one of --json and --csv", field="format")
    return "json" if json_output else "csv" if csv_output else "table"


def stream_json(documents: Iterable[dict[str, Any]], out: Writer | None = None) -> None:
    """One JSON array, an object per line, written as the objects come (to ``out``,
    standard output by default)."""
    out = out or sys.stdout
    write = out.write
    dumps = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode
    write("[")
    separator = "\n"
    for document in documents:
        write(separator)
        write(dumps(document))
        separator = ",\n"
    write("\n]\n" if separator != "\n" else "]\n")
    out.flush()


def stream_csv(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    from states.import_rows import neutralise

    writer = csv.writer(sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(
            [
                ""
                if cell is None
                else neutralise(cell)
                if isinstance(cell, str)
                else cell.isoformat()
                if isinstance(cell, date)
                else cell
                for cell in row
            ]
        )
    sys.stdout.flush()


def stream_table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
    """Rows as tables of ``TABLE_PAGE`` rows each (the first one titled); the count."""
    from rich.table import Table

    count = 0
    grid: Table | None = None
    for row in rows:
        if grid is None:
            grid = Table(title=title if count == 0 else None, title_justify="left")
            for column in columns:
                grid.add_column(column)
        grid.add_row(*("—" if cell is None else str(cell) for cell in row))
        count += 1
        if count % TABLE_PAGE == 0:
            console().print(grid)
            grid = None
    if grid is not None:
        console().print(grid)
    elif count == 0:
        empty = Table(title=title, title_justify="left")
        for column in columns:
            empty.add_column(column)
        console().print(empty)
    return count


def say_more(
    fmt: str, what: str, shown: int, more: bool, last_id: int | None, offset: int = 0
) -> None:
    """After a page: how many rows it had and, when more follow, how to get them."""
    if fmt == "table":
        first = offset + 1
        span = f" ({first}–{offset + shown} of the list)" if shown and offset else ""
        console().print(f"{shown} {what}{span}" if not more else f"{shown} {what} shown{span}")
        if more:
            console().print(
                f"more follow: add --after {last_id} for the next page, or --limit 0 for all"
            )
    elif more:
        print(
            f"more {what} follow: add --after {last_id} for the next page, or --limit 0 for all",
            file=sys.stderr,
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def sliced(
    items: Iterable[Any], limit: int, offset: int, after: int | None, key: Callable[[Any], int]
) -> tuple[list[Any], bool]:
    """A page of an already-read list (``after``: the id of the last row seen): the rows
    and whether more follow."""
    if after is not None:
        items = _after(items, after, key)
    page: list[Any] = []
    more = False
    for index, item in enumerate(items):
        if index < offset:
            continue
        if limit and len(page) == limit:
            more = True
            break
        page.append(item)
    return page, more


def _after(items: Iterable[Any], after: int, key: Callable[[Any], int]) -> Iterable[Any]:
    seen = False
    for item in items:
        if seen:
            yield item
        elif key(item) == after:
            seen = True
