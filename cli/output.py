"""Printing: one JSON document with ``--json``, otherwise rich tables for people.

Text from the database never reaches a terminal raw: every string printed here passes
through ``states.text`` (an escape sequence stored before kivo refused them at input is
shown as ``\\x1b``, and JSON escapes what ``json.dumps`` leaves raw). A command that
prints by other means should use ``shown`` / ``print_json`` too.

Tables never cut a value: a column folds a word too long for it, and when standard
output is not a terminal (a pipe, a file) the table is as wide as its widest row."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table


def print_json(data: Any) -> None:
    from pathway.results import plain
    from states.text import json_shown

    print(json_shown(json.dumps(plain(data), ensure_ascii=False, indent=2)))


def shown(value: object) -> str:
    """``value`` as text safe for a terminal (``states.text.shown``)."""
    from states.text import shown as safe

    return safe(str(value))


_console: list[Console] = []


def console() -> Console:
    """One Console per process (building one costs more than printing a line); it writes
    to whatever ``sys.stdout`` is at the time of printing."""
    if not _console:
        from rich.console import Console

        # Domain text is never markup.
        _console.append(Console(highlight=False, soft_wrap=True, markup=False))
    return _console[0]


def table(title: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    grid = grid_of(title, columns)
    for row in rows:
        grid.add_row(*cells_of(row))
    print_grid(grid)


def grid_of(title: str | None, columns: Sequence[str]) -> Table:
    """An empty table whose columns fold what is too long for them."""
    from rich.table import Table

    grid = Table(title=shown(title) if title else None, title_justify="left")
    for column in columns:
        grid.add_column(shown(column), overflow="fold")
    return grid


def cells_of(row: Sequence[Any]) -> list[str]:
    return ["—" if cell is None else shown(cell) for cell in row]


def print_grid(grid: Table) -> None:
    """On a terminal as wide as it is; elsewhere as wide as the widest row."""
    out = console()
    if out.is_terminal:
        out.print(grid)
        return
    from rich.measure import Measurement

    wide = Measurement.get(out, out.options.update(width=_UNBOUNDED, max_width=_UNBOUNDED), grid)
    before = out.width
    out.width = max(before, wide.maximum)
    try:
        out.print(grid)
    finally:
        out.width = before


_UNBOUNDED = 1_000_000


def say(text: str) -> None:
    console().print(shown(text))


def warn(messages: Iterable[str]) -> None:
    """Warnings (an older file format read after migrating it) go to standard error, so
    ``--json`` output stays one document."""
    for message in messages:
        print(f"warning: {shown(message)}", file=sys.stderr)
