"""Edits of people and places kept as a log: which record, which field, from, to, who,
when. The log only grows; a record's current values are its row, the log says how they
came to be."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime

PERSON, CASEWORKER, SUPERVISOR, WORKPLACE = "person", "caseworker", "supervisor", "workplace"
RECORDS = (PERSON, CASEWORKER, SUPERVISOR, WORKPLACE)
PERSONNUMMER = "personnummer"


@dataclass(slots=True)
class RecordChange:
    """One changed field; values as text (dates ISO, flags ``true``/``false``)."""

    record: str
    record_id: int
    field_name: str
    old_value: str | None
    new_value: str | None
    recorded_at: datetime
    actor_id: int | None = None
    reason: str | None = None
    id: int | None = None


def as_text(value: object) -> str | None:
    """A field's value as the log keeps it."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def changed(
    record: str,
    record_id: int,
    before: Mapping[str, object],
    after: Mapping[str, object],
    *,
    at: datetime,
    actor_id: int | None,
    reason: str | None = None,
) -> list[RecordChange]:
    """The log lines for the fields whose value differs between ``before`` and ``after``
    (the fields of ``after``, in its order); none when nothing changed."""
    return [
        RecordChange(
            record,
            record_id,
            name,
            as_text(before.get(name)),
            as_text(value),
            at,
            actor_id,
            reason,
        )
        for name, value in after.items()
        if as_text(before.get(name)) != as_text(value)
    ]
