"""Printing: one JSON document with ``--json``, otherwise rich tables for people."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rich.console import Console


def print_json(data: Any) -> None:
    from pathway.results import plain

    print(json.dumps(plain(data), ensure_ascii=False, indent=2))


def console() -> Console:
    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, markup=False)  # domain text is never markup


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
