"""Retention (gallring) in SQL: which closed cases still hold what of each kind of record,
and the destruction of a case's records of the kinds due, through the one sanctioned door
(``persistence.removal``), recorded in ``data_removal`` without personal data.

Each kind's ``present`` query and its destruction statements cover the same rows, so a
kind destroyed is no longer present: planning again, or applying again, finds nothing."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime
from typing import Any

from sqlalchemy import Connection, text
from sqlmodel import Session

from persistence.removal import sanctioned_removal
from states.retention import ClosedCase

CLOSED = "FROM kivo_case WHERE state = 'exited' AND closed_on IS NOT NULL AND closed_on <= :day"
NOTE_COLUMNS = "notes IS NOT NULL OR cancel_reason IS NOT NULL"
PRESENT: dict[str, str] = {
    "history": "SELECT DISTINCT case_id FROM case_event",
    "notes": (
        "SELECT case_id FROM case_note UNION "
        "SELECT case_id FROM case_event WHERE reason IS NOT NULL UNION "
        "SELECT case_id FROM case_event WHERE {note_held} UNION "
        f"SELECT case_id FROM followup WHERE {NOTE_COLUMNS} UNION "
        "SELECT case_id FROM placement WHERE end_reason IS NOT NULL UNION "
        "SELECT case_id FROM proposal WHERE reason IS NOT NULL"
    ),
    "meetings": "SELECT DISTINCT case_id FROM meeting WHERE notes IS NOT NULL",
    "placements": "SELECT DISTINCT case_id FROM placement",
    "reminders": "SELECT DISTINCT case_id FROM reminder",
    "access_log": "SELECT DISTINCT case_id FROM access_log",
}
"""Per kind, the cases that still hold some of it."""
OF_CASE = "SELECT id FROM placement WHERE case_id = :case"
DESTROY: dict[str, tuple[str, ...]] = {
    "history": ("DELETE FROM case_event WHERE case_id = :case",),
    "notes": (
        "DELETE FROM case_note WHERE case_id = :case",
        "UPDATE case_event SET reason = NULL WHERE case_id = :case AND reason IS NOT NULL",
        "UPDATE case_event SET data = {note_dropped} WHERE case_id = :case AND {note_held}",
        "UPDATE followup SET notes = NULL, cancel_reason = NULL "
        f"WHERE case_id = :case AND ({NOTE_COLUMNS})",
        "UPDATE placement SET end_reason = NULL WHERE case_id = :case AND end_reason IS NOT NULL",
        "UPDATE proposal SET reason = NULL WHERE case_id = :case AND reason IS NOT NULL",
    ),
    "meetings": ("UPDATE meeting SET notes = NULL WHERE case_id = :case AND notes IS NOT NULL",),
    "placements": (
        # what refers to a placement keeps its own row, without the reference
        f"UPDATE followup SET placement_id = NULL WHERE placement_id IN ({OF_CASE})",
        f"UPDATE proposal SET placement_id = NULL WHERE placement_id IN ({OF_CASE})",
        "DELETE FROM placement WHERE case_id = :case",
    ),
    "reminders": ("DELETE FROM reminder WHERE case_id = :case",),
    "access_log": ("DELETE FROM access_log WHERE case_id = :case",),
}
"""Per kind, the statements that destroy a case's records of it; the last statement's
count (the rows removed or rewritten) is summed with the others'."""
COUNTED = {"placements": 2}
NOTE_IN_DATA = {  # a handover's note, kept in its event's data
    "sqlite": {
        "note_held": "json_extract(data, '$.note') IS NOT NULL",
        "note_dropped": "json_remove(data, '$.note')",
    },
    "postgresql": {
        "note_held": "(data->>'note') IS NOT NULL",
        "note_dropped": "(data::jsonb - 'note')::json",
    },
}  # only the DELETE counts: the references cleared are not records


class _Statements:
    """What ``sanctioned_removal`` needs of a cursor, on this connection's transaction."""

    def __init__(self, connection: Connection) -> None:
        self.connection = connection

    def execute(self, sql: str) -> None:
        self.connection.exec_driver_sql(sql)


class RetentionStore:
    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def connection(self) -> Connection:
        """The unit of work's connection, under its session (Core statements only)."""
        return self.session.connection()

    def closed_cases(self, closed_by: date) -> list[ClosedCase]:
        """Every case closed on or before ``closed_by``, with the kinds it still holds."""
        day = {"day": closed_by}
        query = text(f"SELECT id, closed_on {CLOSED} ORDER BY id")
        closed_on: dict[int, Any] = {row[0]: row[1] for row in self.connection.execute(query, day)}
        present: dict[int, set[str]] = {case_id: set() for case_id in closed_on}
        if not present:
            return []
        for kind, holding in PRESENT.items():  # only the closed cases' rows, one query a kind
            held = f"SELECT case_id FROM ({self._dialect(holding)}) held "
            held += f"WHERE case_id IN (SELECT id {CLOSED})"
            for (case_id,) in self.connection.execute(text(held), day):
                present[case_id].add(kind)
        return [
            ClosedCase(case_id, _day(closed_on[case_id]), frozenset(kinds))
            for case_id, kinds in present.items()
        ]

    def lock_case(self, case_id: int) -> None:
        """Hold the case against concurrent writers until the transaction ends."""
        lock = "" if self.connection.dialect.name == "sqlite" else " FOR UPDATE"
        self.connection.execute(
            text(f"SELECT id FROM kivo_case WHERE id = :case{lock}"), {"case": case_id}
        )

    def destroy(self, case_id: int, kinds: Iterable[str]) -> dict[str, int]:
        """Destroy the case's records of ``kinds``; how many of each were removed or
        rewritten. In the caller's transaction, which must commit or roll back."""
        counts = {}
        if self.connection.dialect.name == "sqlite":  # freed pages are zeroed, not left
            self.connection.exec_driver_sql("PRAGMA secure_delete = ON")
        with sanctioned_removal(_Statements(self.connection)):
            for kind in kinds:
                counts[kind] = self._destroy(kind, case_id)
        return counts

    def _destroy(self, kind: str, case_id: int) -> int:
        counted = 0
        for number, statement in enumerate(DESTROY[kind]):
            sql = text(self._dialect(statement))
            result: Any = self.connection.execute(sql, {"case": case_id})
            if number >= COUNTED.get(kind, 0):
                counted += result.rowcount
        return counted

    def _dialect(self, sql: str) -> str:
        return sql.format_map(NOTE_IN_DATA[self.connection.dialect.name])

    def settle(self) -> None:
        """After a run on SQLite, move the WAL's pages into the database file and empty
        the WAL, so what was destroyed is in neither file (secure_delete zeroed it)."""
        if self.connection.dialect.name != "sqlite":
            return
        self.connection.commit()  # nothing of ours is open: the checkpoint runs outside
        driver: Any = self.connection.connection.driver_connection
        driver.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()

    def record(
        self, *, at: datetime, decision: str, case_id: int, by_id: int, counts: Mapping[str, int]
    ) -> None:
        """The destruction record: no personal data, only what, how many and why."""
        from persistence.tables import DataRemovalRow

        table: Any = DataRemovalRow.__table__  # type: ignore[attr-defined]
        self.connection.execute(
            table.insert().values(
                at=at,
                kind="retention",
                decision=decision[:200],
                case_id=case_id,
                by_id=by_id,
                counts=dict(counts),
            )
        )


def _day(value: Any) -> date:
    """A date column as a date (SQLite's text when read with plain SQL)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))
