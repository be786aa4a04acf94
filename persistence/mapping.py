"""Copying between domain records and rows; their field names are the same."""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from typing import Any, TypeVar

from sqlmodel import SQLModel

R = TypeVar("R")
T = TypeVar("T", bound=SQLModel)


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
