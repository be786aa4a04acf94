"""Printing: one JSON document with ``--json``, otherwise rich tables for people."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def print_json(data: Any) -> None:
    from pathway.results import plain

    print(json.dumps(plain(data), ensure_ascii=False, indent=2))


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
    from rich.table import Table

    grid = Table(title=title, title_justify="left")
    for column in columns:
        grid.add_column(column)
    for row in rows:
        grid.add_row(*("—" if cell is None else str(cell) for cell in row))
    console().print(grid)


def say(text: str) -> None:
    console().print(text)


def warn(messages: Iterable[str]) -> None:
    """Warnings (an older file format read after migrating it) go to standard error, so
    ``--json`` output stays one document."""
    for message in messages:
        print(f"warning: {message}", file=sys.stderr)
