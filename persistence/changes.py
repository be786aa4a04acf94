"""The record change log (``record_change``) and the contact details ``Person`` leaves
out: only appends and reads, as the history of a case."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Table, select, text, update
from sqlmodel import Session, col
from sqlmodel import select as sql_select

from persistence.mapping import record_values, to_record
from persistence.repositories import insert_many
from persistence.tables import PersonRow, RecordChangeRow
from states.changes import RecordChange
from states.errors import NotFound

CHANGE: Table = RecordChangeRow.__table__  # type: ignore[attr-defined]
PERSON: Table = PersonRow.__table__  # type: ignore[attr-defined]
_TABLES = {name: name for name in ("person", "caseworker", "supervisor", "workplace")}


class RecordChanges:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, record: str, record_id: int) -> None:
        """Lock the record's row until the transaction ends (PostgreSQL; a SQLite writer
        holds the write lock already), so two edits of it queue and each logs what it
        really changed; NotFound if there is no such record."""
        table = _TABLES[record]
        suffix = "" if self.session.connection().dialect.name == "sqlite" else " FOR UPDATE"
        found = self.session.connection().execute(
            text(f"SELECT id FROM {table} WHERE id = :id{suffix}"), {"id": record_id}
        )
        if found.first() is None:
            raise NotFound.with_id(record, record_id)

    def append_many(self, changes: Sequence[RecordChange]) -> None:
        values = []
        for change in changes:
            value = record_values(change)
            value.pop("id", None)
            values.append(value)
        for change, ident in zip(changes, insert_many(self.session, CHANGE, values), strict=True):
            change.id = ident

    def for_record(self, record: str, record_id: int) -> list[RecordChange]:
        query = (
            sql_select(RecordChangeRow)
            .where(
                col(RecordChangeRow.record) == record, col(RecordChangeRow.record_id) == record_id
            )
            .order_by(col(RecordChangeRow.id))
        )
        rows = self.session.exec(query).all()
        return [to_record(row, RecordChange) for row in rows]

    def contact(self, person_id: int) -> tuple[str | None, str | None]:
        """The person's e-mail address and phone number."""
        row = (
            self.session.connection()
            .execute(select(PERSON.c.email, PERSON.c.phone).where(PERSON.c.id == person_id))
            .first()
        )
        if row is None:
            raise NotFound.with_id("person", person_id)
        return row[0], row[1]

    def set_contact(self, person_id: int, email: str | None, phone: str | None) -> None:
        self.session.connection().execute(
            update(PERSON).where(PERSON.c.id == person_id).values(email=email, phone=phone)
        )
