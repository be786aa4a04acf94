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
from typing import Annotated, Any, Protocol, TypeVar

import typer

from cli.options import parse_id
from cli.output import cells_of, console, grid_of, print_grid
from states.calendar_bounds import MAX_COUNT
from states.messages import N_, Message
from states.text import json_shown

MAX_ROWS = MAX_COUNT * 1000
T = TypeVar("T")


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
        raise InvalidInput(Message(N_("choose one of --json and --csv")), field="format")
    return "json" if json_output else "csv" if csv_output else "table"


def stream_json(documents: Iterable[dict[str, Any]], out: Writer | None = None) -> None:
    """One JSON array, an object per line, written as the objects come (to ``out``,
    standard output by default)."""
    out = out or sys.stdout
    write = out.write
    encode = json.JSONEncoder(ensure_ascii=False, default=_json_default).encode

    def dumps(document: dict[str, Any]) -> str:
        return json_shown(encode(document))

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
    """Rows as tables of ``TABLE_PAGE`` rows each (the first one titled), printed as
    ``cli.output.table`` prints one; the count."""
    count = 0
    grid = None
    for row in rows:
        if grid is None:
            grid = grid_of(title if count == 0 else None, columns)
        grid.add_row(*cells_of(row))
        count += 1
        if count % TABLE_PAGE == 0:
            print_grid(grid)
            grid = None
    if grid is not None:
        print_grid(grid)
    elif count == 0:
        print_grid(grid_of(title, columns))
    return count


def say_more(
    fmt: str,
    what: str,
    shown: int,
    more: bool,
    last_id: int | None,
    offset: int = 0,
    *,
    next_offset: int | None = None,
) -> None:
    """After a page: how many rows it had and, when more follow, how to get them (by
    ``--after`` the last id, or ``--offset`` for a list without ids)."""
    step = f"--after {last_id}" if next_offset is None else f"--offset {next_offset}"
    if fmt == "table":
        _say_page(what, shown, more, step, offset)
    elif more:
        from cli.speech import words

        follow = N_("more {what} follow: add {option} for the next page, or --limit 0 for all")
        print(words(follow, what=words(what), option=step), file=sys.stderr)


LISTED = (
    N_("cases"),
    N_("items"),
    N_("rows"),
    N_("placements"),
    N_("targets"),
    N_("caseworkers"),
    N_("workplaces"),
    N_("supervisors"),
    N_("meetings"),
)
"""What the lists count, each in the catalogue (``say_more``'s ``what``)."""

PAGED = (
    N_("follow-up"),
    N_("placement"),
    N_("caseworker"),
    N_("workplace"),
    N_("supervisor"),
    N_("meeting"),
)
"""What a list's rows are, one of them (``page_of``'s ``what``), in the catalogue."""


def _say_page(what: str, shown: int, more: bool, step: str, offset: int) -> None:
    """The table's last lines, in the CLI's language (``what`` a catalogue text, such as
    ``cases``, or the caller's own word)."""
    from cli.speech import words

    said = words(
        N_("{count} {what} shown") if more else N_("{count} {what}"), count=shown, what=words(what)
    )
    if shown and offset:
        said += words(N_(" ({first}–{last} of the list)"), first=offset + 1, last=offset + shown)
    console().print(said)
    if more:
        console().print(
            words(
                N_("more follow: add {option} for the next page, or --limit 0 for all"), option=step
            )
        )


def _json_default(value: Any) -> Any:
    if isinstance(value, date | datetime):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def page_of(
    items: Iterable[T],
    limit: int,
    offset: int,
    after: int | None,
    key: Callable[[T], int | None],
    what: str,
) -> tuple[list[T], bool]:
    """A page of a list its use case has read whole (the short directory lists): the
    rows after the one whose id is ``after`` (in the list's own order), less ``offset``,
    at most ``limit`` (0 = all), and whether more follow."""
    from states.errors import InvalidInput

    rows = list(items)
    if after is not None:
        found = next((index for index, item in enumerate(rows) if key(item) == after), None)
        if found is None:
            there_is_none = N_(
                "--after {after}: there is no {what} {after} in this list to continue after"
            )
            said = Message(there_is_none, {"after": after, "what": Message(what)})
            raise InvalidInput(said, field="after")
        rows = rows[found + 1 :]
    rows = rows[offset:]
    if limit and len(rows) > limit:
        return rows[:limit], True
    return rows, False
