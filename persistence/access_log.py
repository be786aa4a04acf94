"""The access log: appended set-based, read a page at a time; never changed (the
table's triggers refuse UPDATE and DELETE)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlmodel import Session

from persistence.tables import AccessLogRow, CaseRow
from states.access import AccessEntry

ACCESS: Table = AccessLogRow.__table__  # type: ignore[attr-defined]
CASE: Table = CaseRow.__table__  # type: ignore[attr-defined]
COLUMNS = ("id", "at", "caseworker_id", "case_id", "action", "address")
_OWNERS = select(CASE.c.id, CASE.c.caseworker_id).where(
    CASE.c.id.in_(bindparam("ids", expanding=True))
)
"""Whose the cases are, built once: every case page and list checks its cases with it."""


class AccessLogRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def owners(self, case_ids: Sequence[int]) -> dict[int, int | None]:
        if not case_ids:
            return {}
        found = self.session.connection().execute(_OWNERS, {"ids": sorted(set(case_ids))})
        return {case_id: owner for case_id, owner in found}

    def page(
        self,
        *,
        case_id: int | None,
        caseworker_id: int | None,
        start: datetime | None,
        end: datetime | None,
        after: int | None,
        offset: int,
        size: int,
    ) -> list[AccessEntry]:
        query = select(*(ACCESS.c[name] for name in COLUMNS))
        conditions: list[Any] = []
        if case_id is not None:
            conditions.append(ACCESS.c.case_id == case_id)
        if caseworker_id is not None:
            conditions.append(ACCESS.c.caseworker_id == caseworker_id)
        if start is not None:
            conditions.append(ACCESS.c.at >= start.astimezone(UTC))
        if end is not None:
            conditions.append(ACCESS.c.at < end.astimezone(UTC))
        if after is not None:
            conditions.append(ACCESS.c.id > after)
        query = query.where(*conditions).order_by(ACCESS.c.id).offset(offset).limit(size)
        return [
            AccessEntry(
                id=row.id,
                at=_utc(row.at),
                caseworker_id=row.caseworker_id,
                case_id=row.case_id,
                action=row.action,
                address=row.address,
            )
            for row in self.session.connection().execute(query)
        ]


def _utc(value: datetime) -> datetime:
    """A moment read back: SQLite's (without a zone) was stored in UTC."""
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
