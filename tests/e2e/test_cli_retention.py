"""End-to-end: ``kivo retention plan`` and ``apply`` as the installed command, on
SQLite and PostgreSQL.

Seeded caseload: caseworker 1 Anna, coordinator 2 Karin; case 1 Amina paused with a
reason, a note, exited on 2026-02-20; case 2 Bo still open. Today is 2026-03-02 for the
seed; the runs below happen on 2029-01-01, when the default schedule makes the notes,
reminders and access log of case 1 due (meetings: none recorded).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from states.retention import default_schedule_text
from tests.e2e.conftest import Kivo, Ran, database_dump, read_rows, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Bo Berg' --caseworker 1 --consent --on 2026-01-12",
    "pause 1 --reason 'Amina sjuk' --on 2026-02-02 --by 1",
    "note 1 'Ringde Amina' --by 1",
    "exit 1 --outcome moved --on 2026-02-20 --by 1",
)
LATER = "2029-01-01T09:00:00"

seed, e2e_database = seeded_copies(SEED)


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran
    assert "Traceback" not in ran.err, ran
    return ran


def test_plan_lists_what_is_due_by_case_id_only(kivo_cli: Kivo) -> None:
    plan = ok(kivo_cli("retention", "plan", "--on", "2028-12-31", "--json", now=LATER)).json()

    assert plan["on"] == "2028-12-31"
    assert plan["schedule"] == "default"
    assert [(item["case"], item["kind"]) for item in plan["due"]] == [
        (1, "notes"),
        (1, "reminders"),
        (1, "access_log"),
    ]
    assert plan["due"][0] == {
        "case": 1,
        "kind": "notes",
        "closed_on": "2026-02-20",
        "keep": "2 years",
        "due_since": "2028-02-20",
        "action": "destroy",
    }
    table = ok(kivo_cli("retention", "plan", "--on", "2028-12-31", now=LATER)).out
    assert "access_log" in table
    assert "Amina" not in table


def test_apply_destroys_records_and_a_second_run_does_nothing(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    done = ok(
        kivo_cli("retention", "apply", "--on", "2028-12-31", "--by", "2", "--json", now=LATER)
    )

    result = done.json()
    assert [case["case"] for case in result["cases"]] == [1]
    assert result["cases"][0]["counts"]["access_log"] > 0
    assert "retention: case 1 done" in done.err
    assert read_rows(e2e_database, "SELECT count(*) FROM case_note") == [(0,)]
    assert read_rows(e2e_database, "SELECT case_id, kind, by_id FROM data_removal") == [
        (1, "retention", 2)
    ]
    before = database_dump(e2e_database)
    again = ok(
        kivo_cli("retention", "apply", "--on", "2028-12-31", "--by", "2", "--json", now=LATER)
    )
    assert again.json()["cases"] == []
    assert database_dump(e2e_database) == before


@pytest.mark.parametrize(
    ("args", "code", "sentence"),
    [
        (("--on", "2029-01-02", "--by", "2"), 2, "2029-01-02 is in the future"),
        (("--on", "2028-12-31", "--by", "1"), 3, "only a coordinator may apply retention"),
        (("--on", "2028-12-31"), 3, "only a coordinator may apply retention"),
        (("--on", "someday", "--by", "2"), 2, "is not a real date"),
    ],
)
def test_bad_input_gets_a_clear_sentence_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, args: tuple[str, ...], code: int, sentence: str
) -> None:
    before = database_dump(e2e_database)

    ran = kivo_cli("retention", "apply", *args, now=LATER)

    assert ran.code == code, ran
    assert sentence in ran.err
    assert "Traceback" not in ran.err
    assert database_dump(e2e_database) == before


def test_a_malformed_schedule_is_refused_naming_the_line_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    path = tmp_path / "ours.toml"
    text = default_schedule_text().replace('action = "destroy"', 'action = "shred"', 1)
    path.write_text(text, encoding="utf-8")
    before = database_dump(e2e_database)

    planned = kivo_cli("retention", "plan", "--schedule", str(path), now=LATER)
    applied = kivo_cli(
        "retention",
        "apply",
        "--on",
        "2028-12-31",
        "--by",
        "2",
        now=LATER,
        env={"KIVO_RETENTION": str(path)},
    )

    for ran in (planned, applied):
        assert ran.code == 2, ran
        assert 'line 25: records.notes.action must be "destroy" or "archive"' in ran.err
    assert database_dump(e2e_database) == before
