"""End-to-end: one command, several cases, each judged and written on its own.

Seed: caseworker 1 Anna and 2 Nils, coordinator 3 Karin (who hands over); cases 1, 2
and 3 of Anna and case 4 of Nils, all enrolled on 2026-01-12 with consent (version 1);
case 3 paused on 2026-02-02 (version 2). Today is 2026-03-02.
"""

from __future__ import annotations

import shlex
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Nils Holm'",
    "caseworker add 'Karin Ek' --role coordinator",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Cia Berg' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Dan Ali' --caseworker 2 --consent --on 2026-01-12",
    "pause 3 --reason 'parental leave' --on 2026-02-02",
)

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str) -> Ran:
    return kivo(*shlex.split(line))


def states(kivo: Kivo) -> dict[int, str]:
    return {case["id"]: case["state"] for case in run(kivo, "participant list --json").json()}


def owners(kivo: Kivo) -> dict[int, int]:
    listed = run(kivo, "participant list --json").json()
    return {case["id"]: case["caseworker_id"] for case in listed}


def by_case(document: dict[str, Any]) -> dict[int, dict[str, Any]]:
    return {entry["case_id"]: entry for entry in document["cases"]}


def test_advancing_several_cases_moves_each_and_lists_each_result(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "advance 1 2 4 information --on 2026-02-01 --by 3")  # Anna's, Nils's

    assert ran.code == 0, ran.err
    assert ran.out.splitlines() == [
        "case 1: moved enrolled → information on 2026-02-01",
        "case 2: moved enrolled → information on 2026-02-01",
        "case 4: moved enrolled → information on 2026-02-01",
        "3 cases: 3 moved",
    ]
    assert states(kivo_cli) == {1: "information", 2: "information", 3: "paused", 4: "information"}
    for case_id in (1, 2, 4):
        last = run(kivo_cli, f"history {case_id} --json").json()[-1]
        assert (last["kind"], last["to_state"], last["by_id"]) == ("advanced", "information", 3)


def test_a_refused_case_among_several_leaves_the_others_moved_and_exits_3(
    kivo_cli: Kivo,
) -> None:
    ran = run(kivo_cli, "advance 1 3 2 information")

    assert ran.code == 3, ran.err
    lines = ran.out.splitlines()
    assert lines[0] == "case 1: moved enrolled → information on 2026-03-02"
    assert lines[1] == "case 3: refused: advance refused"
    assert "[case-paused] (blocking)" in lines[2]
    assert lines[3] == "case 2: moved enrolled → information on 2026-03-02"
    assert lines[-1] == "3 cases: 2 moved, 1 refused"
    assert "1 of 3 cases did not move" in ran.err
    assert states(kivo_cli) == {1: "information", 2: "information", 3: "paused", 4: "enrolled"}
    assert [e["kind"] for e in run(kivo_cli, "history 3 --json").json()][-1] == "paused"


def test_json_prints_one_document_with_a_result_or_an_error_per_case(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "advance 2 3 99 study-prep --json")

    assert ran.code == 3, "the first case that did not move (3, refused) sets the exit code"
    document = ran.json()
    assert set(document) == {"all_moved", "counts", "cases"}
    assert document["all_moved"] is False
    assert document["counts"] == {"moved": 1, "refused": 1, "not-found": 1}
    assert [entry["case_id"] for entry in document["cases"]] == [2, 3, 99]
    cases = by_case(document)
    assert all(set(entry) == {"case_id", "status", "result", "error"} for entry in cases.values())
    moved = cases[2]
    assert moved["status"] == "moved"
    assert moved["error"] is None
    assert moved["result"]["from_state"] == "enrolled"
    assert moved["result"]["to_state"] == "study-prep"
    assert moved["result"]["version"] == 2
    refused = cases[3]
    assert (refused["status"], refused["result"]) == ("refused", None)
    assert refused["error"]["code"] == "refused"
    assert [v["code"] for v in refused["error"]["violations"]] == ["case-paused"]
    assert cases[99]["status"] == "not-found"
    assert cases[99]["error"]["message"] == "no case with id 99"
    assert states(kivo_cli)[2] == "study-prep"


def test_an_unknown_case_among_several_is_named_and_the_others_still_move(
    kivo_cli: Kivo,
) -> None:
    ran = run(kivo_cli, "advance 99 1 information")

    assert ran.code == 4, ran.err
    assert "case 99: not-found: no case with id 99" in ran.out
    assert "case 1: moved enrolled → information" in ran.out
    assert states(kivo_cli)[1] == "information"


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("advance 1 2 1 information", 2, "named more than once: 1"),
        (
            "caseload transfer --from 1 --to 2 --case 1 --case 1 --by 3",
            2,
            "named more than once: 1",
        ),
        ("advance information", 2, "Missing argument 'CASE'"),
        ("pause --reason x", 2, "Missing argument 'CASE'"),
        ("advance 1 2 information --expect-version 1", 2, "write each as CASE@VERSION"),
        ("pause 1 2 --reason x --expect-version 1", 2, "write each as CASE@VERSION"),
        (
            "caseload transfer --from 1 --to 2 --case 1 --case 2 --expect-version 1 --by 3",
            2,
            "write each as CASE@VERSION",
        ),
        ("advance 1@1 information --expect-version 1", 2, "give the version once"),
        ("advance 1 x2 information", 2, "'x2' is not an id"),
        ("advance 1 2@ information", 2, "'2@' is not an id"),
        ("advance 1 199804123389 information", 2, "value not shown"),
        ("fall-back 1 2 information --reason ' '", 2, "a reason is required"),
    ],
)
def test_bad_input_about_the_cases_exits_2_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, line: str, code: int, message: str
) -> None:
    before = database_dump(e2e_database)

    ran = run(kivo_cli, line)

    assert ran.code == code, (ran.out, ran.err)
    assert message in ran.out + ran.err
    assert "Traceback" not in ran.out + ran.err
    assert "199804123389" not in ran.out + ran.err
    assert database_dump(e2e_database) == before


def test_each_case_can_carry_the_version_looked_at_and_a_stale_one_is_a_conflict(
    kivo_cli: Kivo,
) -> None:
    ran = run(kivo_cli, "advance 1@1 2@7 information --json")

    assert ran.code == 5, ran.err
    cases = by_case(ran.json())
    assert cases[1]["status"] == "moved"
    assert cases[2]["status"] == "conflict"
    assert cases[2]["error"]["message"].startswith("case 2 is at version 1, not 7")
    assert states(kivo_cli) == {1: "information", 2: "enrolled", 3: "paused", 4: "enrolled"}


def test_one_case_at_a_version_behaves_as_with_expect_version(kivo_cli: Kivo) -> None:
    stale = run(kivo_cli, "advance 1@5 information")
    assert stale.code == 5
    assert "case 1 is at version 1, not 5" in stale.err

    ran = run(kivo_cli, "advance 1@1 information")

    assert ran.code == 0, ran.err
    assert ran.out.strip() == "case 1: moved enrolled → information on 2026-03-02"


def test_a_dry_run_judges_each_case_and_writes_nothing(kivo_cli: Kivo, e2e_database: str) -> None:
    before = database_dump(e2e_database)

    ran = run(kivo_cli, "advance 1 3 4 study-prep --dry-run --json")

    assert ran.code == 3
    assert database_dump(e2e_database) == before
    document = ran.json()
    assert [entry["status"] for entry in document["cases"]] == [
        "would-move",
        "refused",
        "would-move",
    ]
    assert by_case(document)[1]["result"]["dry_run"] is True
    text = run(kivo_cli, "advance 1 4 study-prep --dry-run")
    assert text.code == 0, text.err
    assert "case 1: would move enrolled → study-prep" in text.out
    assert "2 cases: 2 would-move" in text.out
    assert database_dump(e2e_database) == before


def test_pause_resume_fall_back_and_exit_take_several_cases(kivo_cli: Kivo) -> None:
    assert run(kivo_cli, "advance 1 2 study-prep --on 2026-02-01").code == 0

    fell = run(kivo_cli, "fall-back 1 2 information --reason 'needs more time' --json")
    assert fell.code == 0, fell.err
    assert {e["result"]["to_state"] for e in fell.json()["cases"]} == {"information"}

    paused = run(kivo_cli, "pause 1 2 --reason 'sick leave'")
    assert paused.code == 0, paused.err
    assert states(kivo_cli) == {1: "paused", 2: "paused", 3: "paused", 4: "enrolled"}

    resumed = run(kivo_cli, "resume 1 3 4")
    assert resumed.code == 3, "case 4 is not paused"
    assert "case 4: refused: resume refused" in resumed.out
    assert "[not-paused]" in resumed.out
    assert states(kivo_cli) == {1: "information", 2: "paused", 3: "enrolled", 4: "enrolled"}

    left = run(kivo_cli, "exit 1 3 --outcome studies --json")
    assert left.code == 0, left.err
    assert left.json()["counts"] == {"moved": 2}
    assert states(kivo_cli) == {1: "exited", 2: "paused", 3: "exited", 4: "enrolled"}


def test_a_transfer_of_several_cases_hands_over_each_on_its_own(kivo_cli: Kivo) -> None:
    ran = run(
        kivo_cli, "caseload transfer --from 1 --to 2 --case 1 --case 4 --case 2 --json --by 3"
    )

    assert ran.code == 3, "case 4 is Nils's already"
    document = ran.json()
    assert document["counts"] == {"moved": 2, "refused": 1}
    cases = by_case(document)
    assert cases[1]["result"]["cases"] == 1
    assert [v["code"] for v in cases[4]["error"]["violations"]] == ["not-in-caseload"]
    assert owners(kivo_cli) == {1: 2, 2: 2, 3: 1, 4: 2}
    for case_id in (1, 2):
        last = run(kivo_cli, f"history {case_id} --json").json()[-1]
        assert (last["kind"], last["data"]["to"]) == ("transferred", 2)


def test_a_transfer_of_several_cases_in_text_and_as_a_dry_run(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)

    preview = run(kivo_cli, "caseload transfer --from 1 --to 2 --case 1 --case 3 --dry-run --by 3")

    assert preview.code == 0, preview.err
    assert preview.out.splitlines() == [
        "case 1: would move caseworker 1 → 2 with 0 pending follow-up(s) and 0 scheduled "
        "meeting(s)",
        "case 3: would move caseworker 1 → 2 with 0 pending follow-up(s) and 0 scheduled "
        "meeting(s)",
        "2 cases: 2 would-move",
    ]
    assert database_dump(e2e_database) == before
    stale = run(kivo_cli, "caseload transfer --from 1 --to 2 --case 1@1 --case 3@1 --by 3")
    assert stale.code == 5
    assert "case 3: conflict: case 3 is at version 2, not 1" in stale.out
    assert owners(kivo_cli) == {1: 2, 2: 1, 3: 1, 4: 2}
