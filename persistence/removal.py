"""The one door through the append-only tables: erasure and retention hold the guard row
for the length of their own transaction (migration 0017), and nothing else ever does."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

OPEN_GUARD = "INSERT INTO removal_in_progress (id) VALUES (1)"
CLOSE_GUARD = "DELETE FROM removal_in_progress"


@contextmanager
def sanctioned_removal(cursor: Any) -> Iterator[None]:
    """Let UPDATE and DELETE through the append-only triggers inside the block.

    ``cursor`` is a DBAPI cursor (or anything with ``execute(sql)``) in the removal's open
    transaction. The guard is closed only when the block succeeds: on an error the caller
    rolls back, which removes the guard row with the rest (closing it in an aborted
    PostgreSQL transaction would hide the real error). On PostgreSQL the guard's primary key
    also makes two removals wait for each other instead of interleaving."""
    cursor.execute(OPEN_GUARD)
    yield
    cursor.execute(CLOSE_GUARD)
