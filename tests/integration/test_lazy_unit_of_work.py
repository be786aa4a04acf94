"""The SQL unit of work builds its repositories on first use: a read-only ``participant
show`` imports only the persistence modules it reads with, and every member is still
there, on the unit of work's own session."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from pathway.bootstrap import bootstrap
from pathway.enrolment import enrol
from pathway.ports import UnitOfWork
from persistence.engine import make_engine
from persistence.unit_of_work import MEMBERS, SqlUnitOfWork

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
    try:
        with uow:
            first = {name: getattr(uow, name) for name in MEMBERS}
            assert all(getattr(uow, name) is first[name] for name in MEMBERS)
            assert all(vars(member)["session"] is uow.session for member in first.values())
            session = uow.session
        with uow:
            assert uow.session is not session
            assert all(getattr(uow, name) is not first[name] for name in MEMBERS)
            assert all(vars(getattr(uow, name))["session"] is uow.session for name in MEMBERS)
    finally:
        engine.dispose()


def test_a_read_only_participant_show_imports_no_report_export_or_outbox_module(
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
    assert {"persistence.repositories", "persistence.pipeline_store"} <= modules
    assert not modules & set(NOT_READ_BY_SHOW)
    assert not {m for m in modules if m.split(".")[0] in ("alembic", "apscheduler")}
