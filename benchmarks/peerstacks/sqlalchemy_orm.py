"""SQLAlchemy 2 ORM, the guard in Python: one ``Session.begin()`` per move, the version
checked by the mapper (``version_id_col``). With ``--transitions``, the move is fired
through one ``transitions.Machine`` for the process instead (the model added and
removed per move)."""

from __future__ import annotations

import sys
from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, create_engine, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, sessionmaker

from benchmarks.peerstacks.common import (
    FROM_STATE,
    MOVED_AT,
    SQLITE_PRAGMAS,
    TO_STATE,
    Refused,
    arguments,
    run,
    sqlite_path,
)


class Base(DeclarativeBase):
    pass


class Case(Base):
    __tablename__ = "peer_case"
    id: Mapped[int] = mapped_column(primary_key=True)
    state: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column()
    __mapper_args__ = {"version_id_col": version}  # noqa: RUF012 (SQLAlchemy reads it)


class History(Base):
    __tablename__ = "peer_history"
    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("peer_case.id"))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime]


def engine_for(url: str) -> Any:
    if sqlite_path(url) is None:
        return create_engine(url)
    engine = create_engine(url)

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy's documented SQLite recipe
        for pragma in SQLITE_PRAGMAS:
            dbapi_connection.execute(pragma)

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


def main() -> None:
    url, first, count = arguments()
    with_machine = "--transitions" in sys.argv[4:]
    sessions = sessionmaker(engine_for(url))
    with sessions() as session:
        session.get(Case, first)

    def guarded(case: Case) -> None:
        if case.state != FROM_STATE:
            raise Refused(f"case {case.id} is {case.state}")
        case.state = TO_STATE

    fire = guarded
    if with_machine:
        from transitions import Machine

        machine = Machine(
            model=[],
            states=[FROM_STATE, TO_STATE],
            transitions=[{"trigger": "advance", "source": FROM_STATE, "dest": TO_STATE}],
            initial=FROM_STATE,
            auto_transitions=False,
        )

        def fired(case: Case) -> None:
            machine.add_model(case, initial=case.state)
            try:
                case.advance()  # type: ignore[attr-defined]  # MachineError unless enrolled
            finally:
                machine.remove_model(case)

        fire = fired

    def move(case_id: int) -> None:
        with sessions.begin() as session:
            case = session.get(Case, case_id)
            if case is None:
                raise Refused(f"no case {case_id}")
            was = case.state
            fire(case)
            session.add(History(case_id=case_id, from_state=was, to_state=TO_STATE, at=MOVED_AT))

    run("sqlalchemy-transitions" if with_machine else "sqlalchemy", move, first, count)


if __name__ == "__main__":
    main()
