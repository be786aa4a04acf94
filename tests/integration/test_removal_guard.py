"""The one door through the append-only tables, on SQLite and PostgreSQL: a sanctioned
removal (erasure, retention) may rewrite or delete history inside its own transaction,
and nothing else can, before, during (from another transaction) or after it."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from typing import Any

import psycopg
import pytest

from pathway import moves, notes
from pathway.context import Kivo
from persistence.removal import sanctioned_removal
from states.steps import Step
from tests.integration.support import Staff, engine_of, enrol_case, events_of, table_contents

REFUSED = (sqlite3.Error, psycopg.Error)  # raised by the driver: the cursor is a DBAPI one
SEEDED = ("case_event", "case_note", "access_log")  # each holds a row of the case below


@pytest.fixture
def kivo(module_kivo: Kivo) -> Kivo:
    return module_kivo


@pytest.fixture
def case_id(module_kivo: Kivo, module_staff: Staff) -> int:
    case_id = enrol_case(module_kivo, module_staff)
    moves.advance(module_kivo, case_id, Step.STUDY_PREP, on=date(2026, 2, 2))
    moves.pause(
        module_kivo, case_id, on=date(2026, 2, 9), reason="Anna sjuk", by=module_staff.caseworker
    )
    notes.add_note(module_kivo, case_id, "Ringde Anna Andersson")
    return case_id


@contextmanager
def cursor_in_transaction(kivo: Kivo) -> Iterator[Any]:
    """A DBAPI cursor inside one transaction, committed when the block succeeds."""
    with engine_of(kivo.database).begin() as connection:
        yield connection.connection.cursor()


def test_a_sanctioned_removal_rewrites_a_reason_and_deletes_a_note(
    kivo: Kivo, case_id: int
) -> None:
    with cursor_in_transaction(kivo) as cursor, sanctioned_removal(cursor):
        cursor.execute(f"UPDATE case_event SET reason = NULL WHERE case_id = {case_id}")
        cursor.execute(f"DELETE FROM case_note WHERE case_id = {case_id}")

    assert all(event.reason is None for event in events_of(kivo, case_id))
    contents = table_contents(kivo.database)
    assert not [row for row in contents["case_note"] if case_id in row]
    assert contents["removal_in_progress"] == []  # the guard never outlives its transaction


@pytest.mark.parametrize("table", SEEDED)
def test_after_a_removal_each_guarded_table_is_append_only_again(
    kivo: Kivo, case_id: int, table: str
) -> None:
    with cursor_in_transaction(kivo) as cursor, sanctioned_removal(cursor):
        cursor.execute(f"UPDATE case_event SET reason = NULL WHERE case_id = {case_id}")
    before = table_contents(kivo.database)

    with (
        pytest.raises(REFUSED, match=f"{table} is append-only"),
        cursor_in_transaction(kivo) as cursor,
    ):
        cursor.execute(f"DELETE FROM {table} WHERE case_id = {case_id}")

    assert table_contents(kivo.database) == before


def test_a_removal_that_fails_midway_leaves_history_untouched_and_guarded(
    kivo: Kivo, case_id: int
) -> None:
    before = table_contents(kivo.database)

    with pytest.raises(RuntimeError, match="killed"):
        _delete_notes_then_die(kivo, case_id)

    assert table_contents(kivo.database) == before
    with (
        pytest.raises(REFUSED, match="case_note is append-only"),
        cursor_in_transaction(kivo) as cursor,
    ):
        cursor.execute(f"DELETE FROM case_note WHERE case_id = {case_id}")


def _delete_notes_then_die(kivo: Kivo, case_id: int) -> None:
    with cursor_in_transaction(kivo) as cursor, sanctioned_removal(cursor):
        cursor.execute(f"DELETE FROM case_note WHERE case_id = {case_id}")
        raise RuntimeError("killed")
