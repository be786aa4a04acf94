"""End-to-end: ``kivo doctor`` as an operator or a monitoring job runs it.

Exit 0 when all is well, 6 on any finding (each with its stable code), 2 for bad
options; never a traceback, also for a database that is missing or not a database.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Kivo

pytestmark = [pytest.mark.e2e, pytest.mark.both_databases]


def test_doctor_on_a_healthy_database_exits_0_and_says_so(kivo_cli: Kivo) -> None:
    kivo_cli("caseworker", "add", "Anna Lindqvist")
    kivo_cli("participant", "add", "Amina Haddad", "--caseworker", "1", "--on", "2026-01-12")

    ran = kivo_cli("doctor")

    assert ran.code == 0, ran
    assert "ok      history   1 case replay" in ran.out
    assert "note [scheduler-never-seen]" in ran.out
    assert ran.out.rstrip().endswith("no problems found")


def test_doctor_json_is_one_document_with_checks_and_findings(kivo_cli: Kivo) -> None:
    kivo_cli("scheduler", "--once")

    ran = kivo_cli("doctor", "--json")

    document = ran.json()
    assert ran.code == 0, ran
    assert set(document) == {"ok", "database", "checks", "findings"}
    assert document["ok"] is True
    assert [c["name"] for c in document["checks"]] == [
        "database",
        "schema",
        "history",
        "integrity",
        "scheduler",
    ]
    assert [(f["code"], f["severity"]) for f in document["findings"]] == [
        ("scheduler-not-running", "info")
    ]


def test_doctor_exits_6_and_names_each_finding_by_its_code(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    kivo_cli("participant", "add", "Amina Haddad", "--on", "2026-01-12")
    engine = create_engine(e2e_database)
    with engine.begin() as connection:
        connection.execute(text("UPDATE kivo_case SET state = 'permanent' WHERE id = 1"))
    engine.dispose()

    ran = kivo_cli("doctor")
    as_json = kivo_cli("doctor", "--json")

    assert ran.code == 6, ran
    assert "problem [case-state-mismatch] 1 cases whose stored state" in ran.out
    assert "(ids 1)" in ran.out
    assert as_json.code == 6
    assert as_json.json()["ok"] is False
    assert [f["code"] for f in as_json.json()["findings"] if f["severity"] == "error"] == [
        "case-state-mismatch"
    ]


@pytest.mark.parametrize("content", [None, b"", b"not a database at all\n" * 100])
def test_doctor_on_a_missing_empty_or_foreign_file_exits_6_with_a_message_not_a_traceback(
    kivo_cli: Kivo, tmp_path: Path, content: bytes | None
) -> None:
    path = tmp_path / "other.db"
    if content is not None:
        path.write_bytes(content)

    ran = kivo_cli("doctor", env={"KIVO_DATABASE_URL": str(path)})

    assert ran.code == 6, ran
    assert "Traceback" not in ran.out + ran.err
    expected = "schema-not-at-head" if content == b"" else "database-unreachable"
    assert f"problem [{expected}]" in ran.out
    assert path.exists() == (content is not None)


@pytest.mark.parametrize("seconds", ["0", "-5", "soon"])
def test_doctor_refuses_a_stale_after_that_is_not_a_positive_number_with_exit_2(
    kivo_cli: Kivo, seconds: str
) -> None:
    ran = kivo_cli("doctor", "--stale-after", seconds)

    assert ran.code == 2, ran
    assert "Traceback" not in ran.err
    assert "stale-after" in ran.err


def test_no_log_line_or_report_of_the_scheduler_and_the_doctor_shows_a_full_personnummer(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    number = "19980412-3389"
    kivo_cli("caseworker", "add", "Anna Lindqvist", "--email", "anna@example.se")
    kivo_cli("workplace", "add", "Visby bageri")
    kivo_cli("supervisor", "add", "Sven Berg", "--workplace", "1", "--trained-on", "2025-09-15")
    kivo_cli(
        "participant", "add", "Amina Haddad", "--personnummer", number,
        "--caseworker", "1", "--consent", "--on", "2026-01-12",
    )  # fmt: skip
    kivo_cli(
        "advance", "1", "short-practice", "--supervisor", "1", "--until", "2026-04-30",
        "--on", "2026-02-02", "--by", "1",
    )  # fmt: skip
    sent = tmp_path / "sent.jsonl"

    runs = [
        kivo_cli("scheduler", "--once", now="2026-03-14T07:00"),
        kivo_cli("scheduler", "--once", "--notify", f"file:{sent}", now="2026-03-20T07:00"),
        kivo_cli("doctor"),
        kivo_cli("doctor", "--json"),
    ]

    assert [ran.code for ran in runs] == [0, 0, 0, 0], runs
    shown = "\n".join(ran.out + ran.err for ran in runs) + sent.read_text()
    assert "kivo scheduler: pass 1: sent" in shown  # the log lines are there ...
    assert "Amina" not in sent.read_text()
    for form in (number, number.replace("-", ""), number[2:], number[2:].replace("-", "")):
        assert form not in shown  # ... and no full personnummer in any of them
