"""Lists read a chunk at a time: one set-based statement per chunk (the case, its
person's name and its caseworker's name joined in SQL), continued by keyset — the sort
key of the last row read — so that a deep page costs what the first one does.

The statements are SQLAlchemy Core, built once per filter and sort combination and
compiled once (SQLAlchemy's statement cache); rows come back as tuples, never as ORM
objects.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import Select, and_, bindparam, exists, literal_column, or_, select

from persistence.protection import shown_name
from persistence.tables import CaseRow, CaseworkerRow, PersonRow, PlacementRow
from states.case import EXITED, PAUSED
from states.listing import ExitFilter, ListedCase

if TYPE_CHECKING:
    from sqlalchemy.engine import Dialect
    from sqlmodel import Session

_case = CaseRow.__table__  # type: ignore[attr-defined]
_person = PersonRow.__table__  # type: ignore[attr-defined]
_worker = CaseworkerRow.__table__  # type: ignore[attr-defined]
_placement = PlacementRow.__table__  # type: ignore[attr-defined]
S = TypeVar("S", bound=Select[Any])


class ListQueries:
    def __init__(self, session: Session) -> None:
        self.session = session

    def case_chunk(
        self,
        *,
        step: int | None,
        status: str | None,
        caseworker_id: int | None,
        sort: str,
        after: tuple[Any, ...] | None,
        offset: int,
        size: int,
        programme: str | None = None,
        exited: ExitFilter | None = None,
    ) -> list[ListedCase]:
        """At most ``size`` cases in ``sort`` order, after the sort key ``after`` (the
        key ``case_key`` gives) and ``offset`` more rows; ``programme``: only cases with an
        open placement under it; ``exited``: only cases that exited so (the cases behind a
        figure of the outcomes report)."""
        statement = _case_statement(
            step is not None,
            status,
            caseworker_id is not None,
            sort,
            after is not None,
            programme is not None,
            _exit_shape(exited),
        )
        params: dict[str, Any] = {"size": size, "skip": offset}
        if programme is not None:
            params["programme"] = programme
        if exited is not None:
            params.update(_exit_params(exited, _dialect(self.session)))
        if step is not None:
            params["step"] = step
        if caseworker_id is not None:
            params["caseworker_id"] = caseworker_id
        if after is not None:
            params["after_id"] = after[-1]
            if sort != "id":
                params["after_key"] = after[0]
                if isinstance(after[0], date) and _dialect(self.session) == "sqlite":
                    params["after_key"] = after[0].isoformat()  # as SQLite stores a date
        rows = _driver_rows(self.session, statement, params)
        if rows and not isinstance(rows[0][6], date):  # SQLite keeps a date as its text
            day = date.fromisoformat
            return [
                ListedCase(a, b, c, d, e, f, day(g), h, i) for a, b, c, d, e, f, g, h, i in rows
            ]
        return list(map(ListedCase._make, rows))

    def case_key(self, case_id: int, sort: str) -> tuple[Any, ...] | None:
        """The sort key of case ``case_id`` (``None`` when there is no such case)."""
        key = {"id": _case.c.id, "name": shown_name(_person), "opened": _case.c.opened_on}[sort]
        found = (
            self.session.connection()
            .execute(
                select(key, _case.c.id)
                .select_from(_case.join(_person, _person.c.id == _case.c.person_id))
                .where(_case.c.id == case_id)
            )
            .first()
        )
        if found is None:
            return None
        return (found[1],) if sort == "id" else (found[0], found[1])


def _driver_rows(session: Session, statement: Select[Any], params: dict[str, Any]) -> list[Any]:
    """The rows of ``statement`` as the database driver returns them (tuples): the SQL is
    compiled once per dialect and statement, then run on the session's own connection
    (its transaction) without building a SQLAlchemy row per tuple."""
    connection = session.connection()
    sql, names = _compiled(connection.dialect, statement)
    cursor = connection.connection.cursor()
    try:
        cursor.execute(sql, params if names is None else tuple(params[n] for n in names))
        return list(cursor.fetchall())
    finally:
        cursor.close()


def _dialect(session: Session) -> str:
    return session.connection().dialect.name


_COMPILED: dict[tuple[str, int], tuple[str, tuple[str, ...] | None]] = {}


def _compiled(dialect: Dialect, statement: Select[Any]) -> tuple[str, tuple[str, ...] | None]:
    """The SQL text of ``statement`` for ``dialect`` and, for a positional paramstyle,
    the order of its parameters."""
    key = (dialect.name, id(statement))
    found = _COMPILED.get(key)
    if found is None:
        compiled = statement.compile(dialect=dialect)
        assert not compiled.literal_execute_params
        assert not compiled.post_compile_params
        names = tuple(compiled.positiontup or ()) if compiled.positional else None
        found = _COMPILED[key] = (compiled.string, names)
    return found


@cache
def _case_statement(
    by_step: bool,
    status: str | None,
    by_worker: bool,
    sort: str,
    after: bool,
    by_programme: bool = False,
    exit_shape: tuple[bool, bool, bool] = (False, False, False),
) -> Select[Any]:
    """One statement per shape, built once; values are bound parameters."""
    sort_key = {"id": None, "name": shown_name(_person), "opened": _case.c.opened_on}[sort]
    statement = select(
        _case.c.id,
        shown_name(_person),
        _case.c.state,
        _case.c.step,
        _case.c.caseworker_id,
        _worker.c.name,
        _case.c.opened_on,
        _case.c.outcome,
        _case.c.version,
    ).select_from(
        _case.join(_person, _person.c.id == _case.c.person_id).outerjoin(
            _worker, _worker.c.id == _case.c.caseworker_id
        )
    )
    if by_step:
        statement = statement.where(_case.c.step == bindparam("step"))
    # The states are constants of the domain, written into the SQL (the statement is
    # compiled once and run with the driver's own parameters: only the bound ones).
    exited: Any = literal_column(f"'{EXITED}'")
    paused: Any = literal_column(f"'{PAUSED}'")
    if status == "exited":
        statement = statement.where(_case.c.state == exited)
    elif status == "paused":
        statement = statement.where(_case.c.state == paused)
    elif status == "active":
        statement = statement.where(_case.c.state.not_in([exited, paused]))
    if by_worker:
        statement = statement.where(_case.c.caseworker_id == bindparam("caseworker_id"))
    if by_programme:
        statement = statement.where(
            exists().where(
                _placement.c.case_id == _case.c.id,
                _placement.c.programme == bindparam("programme"),
                _placement.c.ended_on.is_(None),
            )
        )
    statement = _exit_where(statement, exit_shape)
    if after:
        after_id: Any = bindparam("after_id")
        if sort_key is None:
            statement = statement.where(_case.c.id > after_id)
        else:
            after_key: Any = bindparam("after_key")
            statement = statement.where(
                or_(sort_key > after_key, and_(sort_key == after_key, _case.c.id > after_id))
            )
    order = [_case.c.id] if sort_key is None else [sort_key, _case.c.id]
    return statement.order_by(*order).limit(bindparam("size")).offset(bindparam("skip"))


def _exit_shape(exited: ExitFilter | None) -> tuple[bool, bool, bool]:
    """Which of gender, outcome and closing period an exit filter names."""
    if exited is None:
        return (False, False, False)
    return (exited.gender is not None, exited.outcome is not None, exited.first is not None)


def _exit_params(exited: ExitFilter, dialect: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    if exited.gender is not None:
        params["gender"] = exited.gender
    if exited.outcome is not None:
        params["outcome"] = exited.outcome
    if exited.first is not None and exited.last is not None:
        first, last = exited.first, exited.last
        sqlite = dialect == "sqlite"  # SQLite keeps a date as its ISO text
        params["closed_first"] = first.isoformat() if sqlite else first
        params["closed_last"] = last.isoformat() if sqlite else last
    return params


def _exit_where(statement: S, shape: tuple[bool, bool, bool]) -> S:
    """``statement`` narrowed to the exited cases an exit filter of this shape names."""
    by_gender, by_outcome, by_period = shape
    if not any(shape):
        return statement
    statement = statement.where(_case.c.state == literal_column(f"'{EXITED}'"))
    if by_gender:
        statement = statement.where(_person.c.gender == bindparam("gender"))
    if by_outcome:
        statement = statement.where(_case.c.outcome == bindparam("outcome"))
    if by_period:
        statement = statement.where(
            _case.c.closed_on >= bindparam("closed_first"),
            _case.c.closed_on <= bindparam("closed_last"),
        )
    return statement
