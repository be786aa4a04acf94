"""The SQL unit of work builds its repositories on first use: a read-only ``participant
show`` imports only the persistence modules it reads with, and every member is still
there, on the unit of work's own session; the session itself is built only when a
repository needs it (a move, through the pipeline on the connection, never does), and
whatever writes, it is one transaction."""

from __future__ import annotations

import dataclasses
import json
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlmodel

from pathway import moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.enrolment import enrol
from pathway.ports import UnitOfWork
from persistence.engine import make_engine
from persistence.unit_of_work import MEMBERS, SqlUnitOfWork
from states.records import CaseEvent
from states.steps import Step
from tests.integration.support import TODAY, Staff, enrol_case, events_of, stored_case

ROOT = Path(__file__).resolve().parents[2]
NOT_READ_BY_SHOW = (
    "persistence.bulk",
    "persistence.digest_queries",
    "persistence.export_queries",
    "persistence.handover",
    "persistence.health",
    "persistence.outbox",
    "persistence.queries",
    "persistence.report_queries",
    "persistence.targets",
)


def test_the_sql_unit_of_work_has_every_member_the_port_declares() -> None:
    declared = {
        name
        for name, value in vars(UnitOfWork).items()
        if isinstance(value, property) and not name.startswith("_")
    }
    assert set(MEMBERS) == declared


def test_every_member_is_built_once_on_the_session_of_its_own_unit_of_work(
    database_url: str,
) -> None:
    engine = make_engine(database_url, create=False)
    uow = SqlUnitOfWork(engine, read_only=True)
    on_session = [name for name in MEMBERS if name != "pipeline"]
    try:
        with uow:
            first = {name: getattr(uow, name) for name in MEMBERS}
            assert all(getattr(uow, name) is first[name] for name in MEMBERS)
            assert all(vars(first[name])["session"] is uow.session for name in on_session)
            assert first["pipeline"].connection is uow.connection
            assert uow.session.connection() is uow.connection
            session = uow.session
        with uow:
            assert uow.session is not session
            assert all(getattr(uow, name) is not first[name] for name in MEMBERS)
            assert all(vars(getattr(uow, name))["session"] is uow.session for name in on_session)
    finally:
        engine.dispose()


def test_a_move_builds_no_orm_session(
    kivo: Kivo, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    case_id = enrol_case(kivo, staff)
    built: list[object] = []
    real = sqlmodel.Session.__init__

    def counted(self: sqlmodel.Session, *args: Any, **kwargs: Any) -> None:
        built.append(self)
        real(self, *args, **kwargs)

    monkeypatch.setattr(sqlmodel.Session, "__init__", counted)
    moves.advance(kivo, case_id, Step.INFORMATION, on=TODAY, by=staff.caseworker)
    moves.pause(kivo, case_id, reason="ill", on=TODAY)
    assert built == []
    assert stored_case(kivo, case_id).state == "paused"


def test_the_session_and_the_pipeline_write_in_one_transaction_that_rolls_back_unless_committed(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    before = len(events_of(kivo, case_id))
    note = CaseEvent(case_id=case_id, kind="note", on=TODAY, recorded_at=kivo.now())
    with kivo.uow() as uow:
        uow.pipeline.append_events([note])  # on the connection
        uow.events.append(dataclasses.replace(note))  # through the session
    assert len(events_of(kivo, case_id)) == before
    with kivo.uow() as uow:
        uow.events.append(dataclasses.replace(note))
        uow.pipeline.append_events([dataclasses.replace(note)])
        uow.commit()
        uow.pipeline.append_events([dataclasses.replace(note)])  # after the commit: a new one
    assert len(events_of(kivo, case_id)) == before + 2


def test_a_read_only_participant_show_imports_neither_sqlalchemy_nor_a_report_or_outbox_module(
    sqlite_url: str,
) -> None:
    kivo = bootstrap(sqlite_url, now="2026-03-02T09:00")
    try:
        case = enrol(kivo, "Lo Berg", consent=True).case_id
    finally:
        kivo.close()
    script = (
        "import json, sys\n"
        "from cli.app import main\n"
        "sys.argv = ['kivo', '--database', sys.argv[1], 'participant', 'show', sys.argv[2]]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit as done:\n"
        "    assert done.code == 0, done.code\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, sqlite_url, str(case)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Lo Berg" in done.stdout
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    assert "persistence.pipeline_store" in modules
    assert not modules & set(NOT_READ_BY_SHOW)
    unwanted = ("alembic", "apscheduler", "sqlmodel", "sqlalchemy")
    assert not {m for m in modules if m.split(".")[0] in unwanted}
    assert not modules & {"persistence.tables", "persistence.repositories"}


def test_a_read_on_the_sqlite_driver_and_a_repository_after_it_share_one_read_transaction(
    sqlite_url: str,
) -> None:
    writer = bootstrap(sqlite_url, now="2026-03-02T09:00")
    case_id = enrol(writer, "Lo Berg", consent=True).case_id
    reader = bootstrap(sqlite_url, now="2026-03-02T09:00")  # a new process: no engine yet
    try:
        with reader.uow(read_only=True) as uow:
            (case, _, _, _) = uow.pipeline.load([case_id])[case_id]
            assert type(vars(uow.pipeline)["dbapi"]) is sqlite3.Connection  # the bare driver
            moves.advance(writer, case_id, Step.INFORMATION, on=TODAY)  # committed meanwhile
            assert uow.cases.get(case_id).state == case.state == "enrolled"  # the same snapshot
            assert [e.kind for e in uow.events.for_case(case_id)] == ["enrolled", "consent"]
        with reader.uow(read_only=True) as uow:
            assert uow.pipeline.load([case_id])[case_id][0].state == "information"
        with writer.uow(read_only=True) as uow:  # its engine exists: the pool serves reads
            assert type(vars(uow.pipeline)["dbapi"]) is not sqlite3.Connection
    finally:
        writer.close()
        reader.close()
