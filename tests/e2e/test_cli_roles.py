"""End-to-end: roles and the access log through the installed command.

Seed: caseworker 1 Anna, coordinator 2 Karin, caseworker 3 Nils; workplace 1 with
an untrained supervisor 1; case 1 Anna's (consent given), case 2 Nils's. Today is
2026-03-02. The README's section on roles runs these commands on PostgreSQL too (its
walkthrough is a test on both databases).
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from states.ruleset import default_rules_text
from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "caseworker add 'Nils Holm'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1",  # untrained: the default rules block him
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 3 --on 2026-01-12",
)

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str, **kwargs: object) -> Ran:
    return kivo(*shlex.split(line), **kwargs)


def test_the_owners_read_and_move_are_in_the_access_log_a_coordinator_reviews(
    kivo_cli: Kivo,
) -> None:
    shown = run(kivo_cli, "participant show 1 --by 1")
    moved = run(kivo_cli, "advance 1 information --by 1")
    assert (shown.code, moved.code) == (0, 0), (shown, moved)

    review = run(kivo_cli, "audit reads --case 1 --actor 2 --json")

    assert review.code == 0, review
    rows = [(r["caseworker_id"], r["case_id"], r["action"], r["address"]) for r in review.json()]
    assert rows[-2:] == [(1, 1, "read", "cli"), (1, 1, "advanced", "cli")]
    assert all(set(r) >= {"at", "caseworker_id", "case_id", "action"} for r in review.json())


def test_another_caseworkers_case_answers_as_an_unknown_case(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)

    theirs = run(kivo_cli, "participant show 2 --by 1")
    unknown = run(kivo_cli, "participant show 99 --by 1")
    moved = run(kivo_cli, "pause 2 --reason sjuk --by 1 --json")

    assert (theirs.code, unknown.code, moved.code) == (4, 4, 4)
    assert theirs.err.replace("2", "N") == unknown.err.replace("99", "N")
    assert moved.json()["error"] == {
        "code": "not-found",
        "message": "no case with id 2",
        "what": "case",
        "id": 2,
    }
    assert database_dump(e2e_database) == before


@pytest.mark.parametrize(
    "line",
    [
        "target set PIS 2026 3 --by 1",
        "caseload transfer --from 3 --to 1 --by 1",
        "caseworker deactivate 3 --handover-to 1 --by 1",
        "advance 1 short-practice --supervisor 1 --programme PIS --override 'brådskande' --by 1",
        "participant add 'Ny Person' --caseworker 3 --by 1",
    ],
)
def test_a_caseworker_may_not_do_what_is_a_coordinators(
    kivo_cli: Kivo, e2e_database: str, line: str
) -> None:
    before = database_dump(e2e_database)

    refused = run(kivo_cli, line)

    assert refused.code == 3, refused
    assert "only a coordinator" in refused.err
    assert "Traceback" not in refused.err
    assert database_dump(e2e_database) == before


@pytest.mark.parametrize(
    "line",
    [
        "advance 1 short-practice --supervisor 1 --programme PIS --override 'brådskande' --by 1",
        "participant add 'Ny Person' --caseworker 3 --by 1",
    ],
)
def test_a_caseworkers_override_or_enrolment_elsewhere_is_the_apis_not_permitted(
    kivo_cli: Kivo, line: str
) -> None:
    refused = run(kivo_cli, f"{line} --json")

    assert refused.code == 3, refused
    assert refused.json()["error"]["code"] == "not-permitted"  # the API answers it with 403


@pytest.mark.parametrize(
    ("line", "code", "says"),
    [
        ("audit reads --actor 1", 3, "only a coordinator may review the access log"),
        ("audit reads", 3, "no one was named"),
        ("audit reads --actor 2 --from 2026-02-30", 2, "not a real date"),
        ("audit reads --actor 2 --from 2026-03-02 --to 2026-03-01", 2, "is before --from"),
        ("audit reads --actor 2 --case twelve", 2, "is not an id"),
    ],
)
def test_audit_reads_refuses_bad_input_and_non_coordinators(
    kivo_cli: Kivo, line: str, code: int, says: str
) -> None:
    refused = run(kivo_cli, f"{line} --json")

    assert refused.code == code, refused
    assert says in refused.err
    assert "error" in refused.json()  # exactly one document


def test_a_move_under_a_loosened_copy_of_the_rules_is_a_coordinators_and_shows(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    text = default_rules_text()
    section = text.index("[rules.supervisor-untrained]")
    loose = tmp_path / "loose.toml"
    loose.write_text(
        text[:section] + text[section:].replace('"blocking"', '"warning"', 1), encoding="utf-8"
    )
    line = f"--rules {loose} advance 1 short-practice --supervisor 1 --programme PIS --by"

    by_caseworker = run(kivo_cli, f"{line} 1")
    by_coordinator = run(kivo_cli, f"{line} 2")
    history = run(kivo_cli, "history 1")

    assert by_caseworker.code == 3, by_caseworker
    assert "rule set other than the organisation's" in by_caseworker.err
    assert by_coordinator.code == 0, by_coordinator
    assert "not the organisation's" in history.out
