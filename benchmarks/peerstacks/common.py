"""What every peer shares: the arguments, the clock of the moves, the report line."""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from datetime import datetime

FROM_STATE = "enrolled"
TO_STATE = "information"
MOVED_AT = datetime(2026, 3, 2, 9, 0, 0)  # the benchmark's "now", naive (stored as is)
BUSY_TIMEOUT_MS = 5000
SQLITE_PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
)


class Refused(Exception):
    """The guard said no: the case is not where the move starts."""


def arguments() -> tuple[str, int, int]:
    """``URL FIRST COUNT`` from the command line."""
    url, first, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    return url, first, count


def sqlite_path(url: str) -> str | None:
    """The file of a ``sqlite:///…`` URL, or ``None`` for PostgreSQL."""
    return url.split("///", 1)[1] if url.startswith("sqlite") else None


def libpq(url: str) -> str:
    """A ``postgresql+psycopg://…`` URL as libpq takes it."""
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


def run(stack: str, move: Callable[[int], None], first: int, count: int) -> None:
    """Time ``move(case_id)`` for each case in turn and print the report line."""
    started = time.perf_counter()
    for case_id in range(first, first + count):
        move(case_id)
    seconds = time.perf_counter() - started
    print(json.dumps({"stack": stack, "moves": count, "seconds": seconds}), flush=True)
