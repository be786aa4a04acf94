"""End-to-end: caseload handover and caseworker deactivation as the installed command.

Seed: caseworker 1 Anna, caseworker 2 Karin (coordinator), caseworker 3 Nils; workplace 1
with trained supervisor 1; cases 1 and 2 of Anna in short practice (follow-ups, meetings
and reminders planned), meeting booked on case 1; case 3 of Nils. Today is 2026-03-02.
"""

from __future__ import annotations

import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "caseworker add 'Nils Holm'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-01-19",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "advance 2 short-practice --supervisor 1 --until 2026-04-30 --on 2026-01-19",
    "meeting schedule 1 --at 2026-03-12T10:00",
    "participant add 'Cia Berg' --caseworker 3 --on 2026-01-12",
)


seed, e2e_database = seeded_copies(SEED)


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    """``kivo`` on this test's own copy of the seed."""
    return kivo_cli


def run(kivo: Kivo, line: str) -> Ran:
    """``kivo LINE`` as the coordinator Karin (KIVO_ACTOR=2): only a coordinator hands
    caseloads over and deactivates colleagues."""
    return kivo(*shlex.split(line), env={"KIVO_ACTOR": "2"})


def test_a_dry_run_prints_what_would_move_and_the_transfer_moves_exactly_that(
    seeded: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)
    preview = run(seeded, "caseload transfer --from 1 --to 3 --dry-run --json")
    assert preview.code == 0, preview.err
    assert database_dump(e2e_database) == before
    counts = preview.json()
    assert set(counts) == {"cases", "followups", "meetings"}
    assert counts["cases"] == 2
    assert counts["meetings"] == 1
    assert counts["followups"] > 0

    done = run(seeded, "caseload transfer --from 1 --to 3 --note 'Anna slutar' --by 2 --json")

    assert done.code == 0, done.err
    assert done.json() == counts
    assert [c["caseworker_id"] for c in run(seeded, "participant list --json").json()] == [3, 3, 3]
    history = run(seeded, "history 1 --json").json()
    assert history[-1]["kind"] == "transferred"
    assert history[-1]["reason"] == "Anna slutar"
    assert history[-1]["data"] == {"from": 1, "to": 3, "note": "Anna slutar"}
    owners = run(seeded, "participant show 1 --json").json()["owners"]
    assert owners == [
        {"caseworker_id": 1, "from": "2026-01-12", "to": "2026-03-02"},
        {"caseworker_id": 3, "from": "2026-03-02", "to": None},
    ]


def test_a_transfer_of_named_cases_moves_only_those_and_says_so(seeded: Kivo) -> None:
    done = run(seeded, "caseload transfer --from 1 --to 3 --case 2 --on 2026-03-01")

    assert done.code == 0, done.err
    assert "moved 1 case(s)" in done.out
    owners = {c["id"]: c["caseworker_id"] for c in run(seeded, "participant list --json").json()}
    assert owners == {1: 1, 2: 3, 3: 3}


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("caseload transfer --from 1 --to 1", 3, "cannot be handed over to the caseworker"),
        ("caseload transfer --from 1 --to 9", 4, "no caseworker with id 9"),
        ("caseload transfer --from 9 --to 1", 4, "no caseworker with id 9"),
        ("caseload transfer --from 1 --to 3 --case 99", 4, "no case with id 99"),
        ("caseload transfer --from 1 --to 3 --case 3", 3, "not-in-caseload"),
        ("caseload transfer --from 1 --to 3 --on 2026-13-01", 2, "not a real date"),
        ("caseload transfer --from 1 --to 3 --on 2027-01-01", 2, "after today"),
        ("caseload transfer --from 1 --to 3 --on 2025-01-01", 3, "date-before-last-transfer"),
        ("caseload transfer --from 1 --to 3 --note ' '", 2, "note cannot be blank"),
        ("caseload transfer --from one --to 3", 2, "is not an id"),
        ("caseload transfer --to 3", 2, "Missing option '--from'"),
        ("caseworker deactivate 1", 3, "still owns 2 case(s)"),
        ("caseworker deactivate 1 --handover-to 1", 3, "cannot be handed over"),
        ("caseworker deactivate 9 --handover-to 3", 4, "no caseworker with id 9"),
        ("caseworker deactivate 1 --handover-to 9", 4, "no caseworker with id 9"),
    ],
)
def test_bad_input_and_refusals_exit_non_zero_with_a_clear_message_and_write_nothing(
    seeded: Kivo, e2e_database: str, line: str, code: int, message: str
) -> None:
    before = database_dump(e2e_database)

    ran = run(seeded, line)

    assert ran.code == code, ran.err
    assert message in ran.err
    assert database_dump(e2e_database) == before


def test_handing_over_to_a_deactivated_caseworker_is_refused(seeded: Kivo) -> None:
    assert run(seeded, "caseworker deactivate 3 --handover-to 2").code == 0

    ran = run(seeded, "caseload transfer --from 1 --to 3 --json")

    assert ran.code == 3
    assert ran.json()["error"]["violations"][0]["code"] == "caseworker-inactive"


def test_deactivating_with_a_handover_moves_the_caseload_then_deactivates(seeded: Kivo) -> None:
    ran = run(seeded, "caseworker deactivate 1 --handover-to 3 --note 'slutar' --json")

    assert ran.code == 0, ran.err
    out = ran.json()
    assert out["cases"] == 2
    assert out["active"] is False
    workers = {w["id"]: w["active"] for w in run(seeded, "caseworker list --json").json()}
    assert workers == {1: False, 2: True, 3: True}
    assert run(seeded, "advance 1 vocational-training --json").code == 0


def test_a_caseworker_without_cases_is_deactivated_without_a_handover(seeded: Kivo) -> None:
    ran = run(seeded, "caseworker deactivate 2")

    assert ran.code == 0, ran.err
    assert "deactivated" in ran.out


def test_participant_show_names_the_owners_and_who_owned_the_case_on_a_day(seeded: Kivo) -> None:
    assert run(seeded, "caseload transfer --from 1 --to 3 --case 1 --on 2026-02-01").code == 0

    shown = run(seeded, "participant show 1")

    assert shown.code == 0, shown.err
    owners = shown.out[shown.out.index("Owners") : shown.out.index("History")]
    assert "Anna Lindqvist (1)" in owners
    assert "Nils Holm (3)" in owners
    assert owners.index("Anna Lindqvist") < owners.index("Nils Holm")
    assert "2026-01-12" in owners
    assert "2026-02-01" in owners
    on = run(seeded, "participant show 1 --owner-on 2026-01-31")
    assert on.code == 0, on.err
    assert "case 1 on 2026-01-31: Anna Lindqvist (1)" in on.out
    assert "until 2026-02-01" in on.out
    assert run(seeded, "participant show 1 --owner-on 2026-02-01 --json").json() == {
        "case_id": 1,
        "on": "2026-02-01",
        "caseworker_id": 3,
        "caseworker": "Nils Holm",
        "from": "2026-02-01",
        "to": None,
    }
    before = run(seeded, "participant show 1 --owner-on 2025-12-31 --json").json()
    assert (before["caseworker_id"], before["from"]) == (None, None)
    assert "nobody" in run(seeded, "participant show 1 --owner-on 2025-12-31").out


def test_history_lists_the_owners_and_says_from_whom_to_whom_a_transfer_went(
    seeded: Kivo,
) -> None:
    assert run(seeded, "caseload transfer --from 1 --to 3 --case 1 --note 'Anna slutar'").code == 0

    owners = run(seeded, "history 1 --owners --json")
    text = run(seeded, "history 1")

    assert owners.code == 0, owners.err
    assert owners.json() == [
        {
            "caseworker_id": 1,
            "caseworker": "Anna Lindqvist",
            "from": "2026-01-12",
            "to": "2026-03-02",
        },
        {"caseworker_id": 3, "caseworker": "Nils Holm", "from": "2026-03-02", "to": None},
    ]
    assert text.code == 0, text.err
    flat = " ".join(text.out.replace("│", " ").split())
    assert "from Anna Lindqvist (1) to Nils Holm (3); Anna slutar" in flat
    table = run(seeded, "history 1 --owners")
    assert table.code == 0, table.err
    assert "Owners of case 1" in table.out
    assert "Nils Holm (3)" in table.out
    assert isinstance(run(seeded, "history 1 --json").json(), list), "the history stays a list"


@pytest.mark.parametrize(
    ("line", "code", "message"),
    [
        ("participant show 1 --owner-on 2026-02-30", 2, "owner-on '2026-02-30' is not a real"),
        ("participant show 99 --owner-on 2026-02-01", 4, "no case with id 99"),
        ("history 99 --owners", 4, "no case with id 99"),
    ],
)
def test_bad_owner_questions_are_named_without_a_traceback(
    seeded: Kivo, line: str, code: int, message: str
) -> None:
    ran = run(seeded, line)

    assert ran.code == code, ran.err
    assert message in ran.err
    assert "Traceback" not in ran.err + ran.out
