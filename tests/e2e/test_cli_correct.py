"""End-to-end: ``kivo correct`` as the installed command, on SQLite and PostgreSQL.

Every test runs on its own copy of one seeded caseload, built by the real command:

- caseworker 1 Anna, caseworker 2 Karin (coordinator), workplace 1 with trained
  supervisor 1;
- case 1 Amina (consent): 3 advanced to information on 2026-01-14, 4 advanced to short
  practice with supervisor 1 on 2026-02-02 (placement 1 and its follow-ups).

Today is 2026-03-02 09:00.
"""

from __future__ import annotations

import json
import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, read_rows, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist' --email anna@example.se",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 information --on 2026-01-14 --by 1",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-02-02 --by 1",
)

seed, e2e_database = seeded_copies(SEED)


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran
    assert "Traceback" not in ran.err, ran
    return ran


def test_correct_explains_itself(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("correct", "--help"))
    assert "Usage: kivo correct [OPTIONS] {CASE}" in ran.out
    for option in ("--event", "--reason", "--by", "--json"):
        assert option in ran.out


def test_a_coordinator_corrects_an_advance_and_the_case_is_back_in_information(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    ran = ok(
        kivo_cli(
            "correct", "1", "--event", "4", "--reason", "wrong participant", "--by", "2", "--json"
        )
    )

    done = ran.json()
    assert (done["case_id"], done["event"], done["kind"], done["seq"]) == (1, 4, "advanced", 5)
    assert (done["from_state"], done["to_state"], done["placement_removed"]) == (
        "short-practice",
        "information",
        1,
    )
    assert done["followups_cancelled"]
    assert read_rows(e2e_database, "SELECT state, step FROM kivo_case WHERE id = 1") == [
        ("information", 1)
    ]
    assert read_rows(e2e_database, "SELECT COUNT(*) FROM placement") == [(0,)]
    assert read_rows(
        e2e_database,
        "SELECT COUNT(*) FROM reminder WHERE case_id = 1 AND status = 'pending'",
    ) == [(0,)]
    history = ok(kivo_cli("history", "1", "--json")).json()
    assert [(h["seq"], h["kind"], h["reason"]) for h in history[-2:]] == [
        (4, "advanced", None),
        (5, "correction", "wrong participant"),
    ]
    assert ok(kivo_cli("doctor")).code == 0  # every case replays to its stored state
    said = ok(kivo_cli("correct", "1", "--event", "3", "--reason", "not yet", "--by", "2"))
    assert said.out.strip() == (
        "case 1: event 3 (advanced) corrected by event 6; information -> enrolled"
    )


BAD = [
    ("correct 9 --event 1 --reason x --by 2", 4, "no case with id 9"),
    ("correct 1 --event 12 --reason x --by 2 --json", 4, "case 1 has no event 12"),
    ("correct 1 --event 2 --reason x --by 2", 2, "is a consent event, not a move or an exit"),
    ("correct 1 --event 4 --reason x --by 1 --json", 3, "caseworker 1 is not a coordinator"),
    ("correct 1 --event 4 --reason x", 2, "give --by with a coordinator's id"),
    ("correct 1 --event 4 --reason '  ' --by 2", 2, "the reason is empty"),
    ("correct 1 --event 4 --by 2", 2, "Missing option '--reason'"),
    ("correct 1 --event x --reason x --by 2", 2, "--event"),
    ("correct 1 --event 3 --reason x --by 2 --json", 3, "event 4 (advanced on 2026-02-02)"),
]
ERROR_CODES = {2: "invalid-input", 3: "refused", 4: "not-found"}


def test_bad_input_exits_with_its_code_names_the_problem_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)

    for line, code, says in BAD:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == code, (line, ran)
        assert says in ran.err, (line, ran.err)
        assert "Traceback" not in ran.out + ran.err
        if "--json" in line:
            error = json.loads(ran.out)["error"]  # exactly one document, or this raises
            assert error["code"] == ERROR_CODES[code], line

    assert database_dump(e2e_database) == before, "a failing command writes nothing"
