"""Copying between domain records and rows; their field names are the same."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import fields
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, TypeVar

if TYPE_CHECKING:  # the driver-level readers (the case page, the pipeline) import no ORM
    from sqlalchemy import Connection
    from sqlmodel import SQLModel

R = TypeVar("R")
T = TypeVar("T", bound="SQLModel")
IN_SLICE = 1000  # ids per IN (…) list: well inside every driver's limit on parameters


def in_slices(ids: Sequence[int]) -> Iterator[list[int]]:
    """Distinct ids in slices for ``IN (…)`` lists."""
    distinct = list(dict.fromkeys(ids))
    for start in range(0, len(distinct), IN_SLICE):
        yield distinct[start : start + IN_SLICE]


def field_names(kind: type[Any]) -> tuple[str, ...]:
    """A record type's field names, worked out once (``dataclasses.fields`` per row was a
    tenth of a batch move's time)."""
    names = _FIELD_NAMES.get(kind)
    if names is None:
        names = _FIELD_NAMES[kind] = tuple(f.name for f in fields(kind))
    return names


_FIELD_NAMES: dict[type[Any], tuple[str, ...]] = {}


def to_record(row: SQLModel, kind: type[R]) -> R:
    values = {name: getattr(row, name) for name in field_names(kind)}
    for key, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is None:
            values[key] = value.replace(tzinfo=UTC)  # SQLite keeps no zone; we store UTC
    return kind(**values)


def record_values(record: Any) -> dict[str, Any]:
    """Field values, with moments in UTC: SQLite keeps no zone, so we always store UTC."""
    values = {name: getattr(record, name) for name in field_names(type(record))}
    for key, value in values.items():
        if isinstance(value, datetime) and value.tzinfo is not None:
            values[key] = value.astimezone(UTC)
    return values


def to_row(record: Any, kind: type[T], **extra: Any) -> T:
    values = record_values(record)
    if values.get("id") is None:
        values.pop("id", None)
    return kind(**values, **extra)


def copy_onto(row: SQLModel, record: Any, skip: tuple[str, ...] = ("id", "version")) -> None:
    for key, value in record_values(record).items():
        if key not in skip:
            setattr(row, key, value)


def driver_days(connection: Connection) -> Callable[[date | None], Any]:
    """Dates as the driver takes them, stored as SQLAlchemy stores them: ISO text on
    SQLite (remembered: a chunk's dates repeat a lot), ``date`` for psycopg."""
    if connection.dialect.name != "sqlite":
        return _same
    known: dict[date | None, Any] = {None: None}

    def day(value: date | None) -> Any:
        found = known.get(value, known)
        if found is known:
            found = known[value] = value.isoformat()  # type: ignore[union-attr]
        return found

    return day


def driver_reads(
    connection: Connection,
) -> tuple[Callable[[Any], date], Callable[[Any], datetime]]:
    """Dates and moments from what the driver returns, as the ORM gives them: SQLite's
    ISO text parsed (each distinct text once), moments without a zone in UTC."""
    return reads_of(sqlite=connection.dialect.name == "sqlite")


def reads_of(*, sqlite: bool) -> tuple[Callable[[Any], date], Callable[[Any], datetime]]:
    """``driver_reads`` for SQLite's driver or PostgreSQL's."""
    if not sqlite:
        return _same, _utc
    days: dict[str, date] = {}
    moments: dict[str, datetime] = {}

    def day(value: Any) -> date:
        found = days.get(value)
        if found is None:
            found = days[value] = date.fromisoformat(value)
        return found

    def moment(value: Any) -> datetime:
        found = moments.get(value)
        if found is None:
            found = moments[value] = _utc(datetime.fromisoformat(value))
        return found

    return day, moment


def json_value(value: Any) -> Any:
    """A JSON column's value: SQLite returns the text (decoded here, the empty list and
    object without the decoder), psycopg the decoded value."""
    if value.__class__ is not str:
        return value
    if value == "[]":
        return []
    if value == "{}":
        return {}
    return json.loads(value)


def _same(value: Any) -> Any:
    return value


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value
