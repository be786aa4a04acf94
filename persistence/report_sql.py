"""What every report's SQL is built from: the tables, the bind-parameter placeholders
and the cache of statements built with them, the base class holding the session, and
the filters and labels several reports share (``persistence.report_queries`` puts the
reports together)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import Date, Integer, bindparam, cast, func, literal_column, select
from sqlalchemy.sql.elements import ColumnElement
from sqlmodel import Session

from persistence.tables import (
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    MeetingRow,
    PersonRow,
    PlacementRow,
    TargetRow,
)
from states.steps import Step

EVENT = CaseEventRow.__table__  # type: ignore[attr-defined]
CASE = CaseRow.__table__  # type: ignore[attr-defined]
PERSON = PersonRow.__table__  # type: ignore[attr-defined]
WORKER = CaseworkerRow.__table__  # type: ignore[attr-defined]
PLACEMENT = PlacementRow.__table__  # type: ignore[attr-defined]
FOLLOWUP = FollowupRow.__table__  # type: ignore[attr-defined]
MEETING = MeetingRow.__table__  # type: ignore[attr-defined]
TARGET = TargetRow.__table__  # type: ignore[attr-defined]

STEP_NUMBER = {step.slug: step.number for step in Step}

# The reports run most often are built once per shape (dialect, a caseworker or not) with
# these placeholders, then only executed: building the SQL expression costs more than
# running it on a small database.
DAY, FIRST, LAST = (bindparam(name, type_=Date) for name in ("day", "first", "last"))
YEAR, CASEWORKER = bindparam("year", type_=Integer), bindparam("caseworker", type_=Integer)
_BUILT: dict[tuple[Any, ...], Any] = {}


def built(key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
    found = _BUILT.get(key)
    if found is None:
        found = _BUILT[key] = build()
    return found


def params_for(caseworker_id: int | None, **values: Any) -> dict[str, Any]:
    return values if caseworker_id is None else {**values, "caseworker": caseworker_id}


def worker_param(caseworker_id: int | None) -> Any:
    """The caseworker placeholder when one is asked for."""
    return None if caseworker_id is None else CASEWORKER


class ReportSql:
    """The session the reports read through, and the SQL that differs by dialect."""

    def __init__(self, session: Session) -> None:
        self.session = session

    @property
    def dialect(self) -> str:
        return self.session.get_bind().dialect.name

    def _rows(self, query: Any, params: dict[str, Any] | None = None) -> list[Any]:
        return list(self.session.connection().execute(query, params).all())

    def _rare(self, condition: ColumnElement[bool]) -> ColumnElement[bool]:
        """A condition few rows meet, such as events after a recent day (none after
        today). SQLite's statistics count events per kind, not per day: told so, it
        reads them through ``ix_case_event_flow`` rather than reading every event."""
        if self.dialect == "sqlite":
            return func.likelihood(condition, literal_column("0.001"))
        return condition

    def _days(self, later: Any, earlier: Any) -> ColumnElement[Any]:
        """Whole days from ``earlier`` to ``later``."""
        if self.dialect == "sqlite":
            return cast(func.julianday(later) - func.julianday(earlier), Integer)
        return cast(later - earlier, Integer)


def in_force(events: Any = EVENT) -> ColumnElement[bool]:
    """Events no correction undid (a correction names the event it undoes by id in
    ``data.corrects_id``): the reports count a corrected move out. One small uncorrelated
    subquery (the corrections are few), read once per statement."""
    fixes = EVENT.alias("fixes")
    undone = fixes.c.data["corrects_id"].as_integer()
    kept: ColumnElement[bool] = events.c.id.not_in(
        select(undone).where(fixes.c.kind == "correction", undone.is_not(None))
    )
    return kept


def events_of(query: Any, caseworker_id: int | None, case_id: Any = EVENT.c.case_id) -> Any:
    """Only the rows (events, or those whose ``case_id`` is given) of the cases the
    caseworker holds now; all of them (no join: every row's case exists) when no
    caseworker is asked for."""
    if caseworker_id is None:
        return query
    return query.join(CASE, CASE.c.id == case_id).where(CASE.c.caseworker_id == caseworker_id)


def mine(query: Any, caseworker_id: int | None) -> Any:
    """Only the cases the caseworker holds now (the query joins ``kivo_case``)."""
    return query if caseworker_id is None else query.where(CASE.c.caseworker_id == caseworker_id)


def breakdown(by: str, keys: tuple[Any, ...]) -> str:
    if by == "caseworker":
        worker, name = keys
        return f"{name} ({worker})" if worker is not None else "(unassigned)"
    return str(keys[0])
