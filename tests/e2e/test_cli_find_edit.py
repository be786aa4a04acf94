"""End-to-end: finding participants and editing people and places with the installed
``kivo`` command, on SQLite and PostgreSQL.

Caseworker 1 (Anna) owns case 1 (Åsa Öberg, 19980412-3389) and case 3 (Lasse Åberg);
caseworker 2 (Karin) is a coordinator and owns case 2 (Åsa Berg). Supervisor 1 is
trained, supervisor 2 is not; workplace 1 has both. Today is 2026-03-02.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

pytestmark = pytest.mark.both_databases

ASA = "19980412-3389"
SEED = (
    "caseworker add 'Anna Lindqvist' --email anna@example.se",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "supervisor add 'Eva Holm' --workplace 1",
    f"participant add 'Åsa Öberg' --personnummer {ASA} --caseworker 1 --on 2026-01-12",
    "participant add 'Åsa Berg' --caseworker 2 --on 2026-01-12",
    "participant add 'Lasse Åberg' --caseworker 1 --on 2026-01-12",
)
seed, e2e_database = seeded_copies(SEED)

NEW_COMMANDS = [
    "participant find",
    "participant edit",
    "caseworker edit",
    "caseworker reactivate",
    "supervisor edit",
    "supervisor train",
    "supervisor reactivate",
    "workplace edit",
    "workplace reactivate",
    "changes",
]


def document(ran: Ran) -> Any:
    assert ran.code == 0, ran.err
    assert "Traceback" not in ran.err
    return json.loads(ran.out)


@pytest.mark.parametrize("command", NEW_COMMANDS)
def test_each_new_command_explains_itself(kivo_cli: Kivo, command: str) -> None:
    ran = kivo_cli(*command.split(), "--help")
    assert ran.code == 0, ran.err
    assert f"Usage: kivo {command}" in ran.out


def test_find_by_part_of_a_name_ignores_accents_and_case(kivo_cli: Kivo) -> None:
    found = document(kivo_cli("participant", "find", "asa", "--json"))
    assert found["by"] == "name"
    assert [c["name"] for c in found["cases"]] == ["Åsa Berg", "Åsa Öberg"]
    assert [
        c["name"] for c in document(kivo_cli("participant", "find", "OBERG", "--json"))["cases"]
    ] == ["Åsa Öberg"]
    table = kivo_cli("participant", "find", "åberg")
    assert table.code == 0, table.err
    assert "Lasse Åberg" in table.out
    assert "Öberg" not in table.out


def test_find_lists_my_own_cases_first(kivo_cli: Kivo) -> None:
    mine = document(kivo_cli("participant", "find", "asa", "--by", "1", "--json"))["cases"]
    assert [(c["case_id"], c["mine"]) for c in mine] == [(1, True), (2, False)]
    theirs = document(kivo_cli("participant", "find", "asa", "--json", env={"KIVO_ACTOR": "2"}))[
        "cases"
    ]
    assert [c["case_id"] for c in theirs] == [2, 1]


@pytest.mark.parametrize("typed", [ASA, "980412-3389", "9804123389", "199804123389"])
def test_find_by_personnummer_in_any_form_prints_it_masked(kivo_cli: Kivo, typed: str) -> None:
    found = document(kivo_cli("participant", "find", typed, "--json"))
    assert [(c["case_id"], c["personnummer"]) for c in found["cases"]] == [(1, "19980412-****")]
    table = kivo_cli("participant", "find", typed)
    assert "3389" not in table.out


def test_find_with_a_limit_says_more_matched(kivo_cli: Kivo) -> None:
    found = document(kivo_cli("participant", "find", "a", "--limit", "1", "--json"))
    assert (len(found["cases"]), found["more"]) == (1, True)
    assert "more match" in kivo_cli("participant", "find", "a", "--limit", "1").out


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("participant", "find", "  "), 2),
        (("participant", "find", "19980412-3388"), 2),
        (("participant", "find", "asa", "--limit", "0"), 2),
        (("participant", "find", "asa", "--by", "9"), 4),
        (("participant", "edit", "1", "--by", "1"), 2),
        (("participant", "edit", "1", "--email", "nope", "--by", "1"), 2),
        (("participant", "edit", "1", "--phone", "ring me", "--by", "1"), 2),
        (("participant", "edit", "1", "--name", "Åsa\x1b[2J", "--by", "1"), 2),
        (("participant", "edit", "1", "--name", "Åsa Ö"), 2),
        (("participant", "edit", "1", "--personnummer", "19850709-1232", "--by", "2"), 2),
        (
            (
                "participant",
                "edit",
                "1",
                "--personnummer",
                "19850709-1232",
                "--reason",
                "x",
                "--by",
                "1",
            ),
            3,
        ),
        (("participant", "edit", "9", "--name", "X", "--by", "1"), 4),
        (("caseworker", "edit", "1", "--email", "nope", "--by", "2"), 2),
        (("caseworker", "edit", "1", "--role", "boss", "--by", "2"), 2),
        (("caseworker", "reactivate", "1", "--by", "2"), 2),
        (("supervisor", "edit", "1", "--capacity", "0", "--by", "1"), 2),
        (("supervisor", "train", "2", "--on", "2026-04-01", "--by", "1"), 2),
        (("supervisor", "train", "2", "--on", "2026-02-30", "--by", "1"), 2),
        (("supervisor", "reactivate", "1", "--by", "1"), 2),
        (("workplace", "edit", "1", "--by", "1"), 2),
        (("workplace", "reactivate", "1", "--by", "1"), 2),
        (("workplace", "reactivate", "7", "--by", "1"), 4),
        (("changes", "building", "1"), 2),
    ],
)
def test_bad_input_is_refused_with_a_message_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, args: tuple[str, ...], code: int
) -> None:
    before = database_dump(e2e_database)
    ran = kivo_cli(*args)
    assert ran.code == code, ran
    assert ran.err.startswith("error:"), ran.err
    assert "Traceback" not in ran.err
    assert "1232" not in ran.err
    assert database_dump(e2e_database) == before


@pytest.mark.parametrize(
    "args",
    [
        ("participant", "find", "19980412-3388"),
        ("participant", "edit", "1", "--name", "", "--by", "1"),
        ("supervisor", "train", "2", "--on", "2026-04-01", "--by", "1"),
        ("workplace", "reactivate", "1", "--by", "1"),
    ],
)
def test_bad_input_with_json_prints_one_error_document(
    kivo_cli: Kivo, args: tuple[str, ...]
) -> None:
    ran = kivo_cli(*args, "--json")
    assert ran.code == 2, ran
    assert json.loads(ran.out)["error"]["code"] in ("invalid-input", "invalid-personnummer")


def test_participant_edit_logs_each_change_and_changes_lists_them(kivo_cli: Kivo) -> None:
    done = document(
        kivo_cli(
            "participant",
            "edit",
            "1",
            "--name",
            "Åsa Öberg-Lund",
            "--email",
            "asa@example.se",
            "--by",
            "1",
            "--json",
        )
    )
    assert [(c["field"], c["old"], c["new"], c["by"]) for c in done["changes"]] == [
        ("name", "Åsa Öberg", "Åsa Öberg-Lund", "Anna Lindqvist"),
        ("email", None, "asa@example.se", "Anna Lindqvist"),
    ]
    assert [
        c["case_id"] for c in document(kivo_cli("participant", "find", "lund", "--json"))["cases"]
    ] == [1]
    same = kivo_cli("participant", "edit", "1", "--email", "asa@example.se", "--by", "1")
    assert same.code == 0, same.err
    assert "nothing changed" in same.out
    listed = document(kivo_cli("changes", "participant", "1", "--json"))
    assert [c["field"] for c in listed["changes"]] == ["name", "email"]
    assert "Åsa Öberg-Lund" in kivo_cli("changes", "participant", "1").out
    by_person = document(kivo_cli("changes", "participant", "1", "--person", "--json"))
    assert by_person == listed


def test_a_coordinator_corrects_a_personnummer_and_it_stays_masked(kivo_cli: Kivo) -> None:
    ran = kivo_cli(
        "participant",
        "edit",
        "1",
        "--personnummer",
        "850709-1232",
        "--reason",
        "typo at intake",
        "--by",
        "2",
    )
    assert ran.code == 0, ran.err
    assert "19850709-****" in ran.out
    assert "1232" not in ran.out
    shown = kivo_cli("changes", "participant", "1")
    assert "typo at intake" in shown.out
    assert "3389" not in shown.out
    assert "1232" not in shown.out
    found = document(kivo_cli("participant", "find", "19850709-1232", "--json"))
    assert [c["case_id"] for c in found["cases"]] == [1]


def test_caseworker_edit_and_reactivate(kivo_cli: Kivo) -> None:
    refused = kivo_cli("caseworker", "edit", "1", "--role", "coordinator", "--by", "1")
    assert refused.code == 3
    assert "[coordinator-only]" in refused.err
    done = document(
        kivo_cli("caseworker", "edit", "1", "--name", "Anna Lindgren", "--by", "2", "--json")
    )
    assert [(c["field"], c["new"]) for c in done["changes"]] == [("name", "Anna Lindgren")]
    assert document(kivo_cli("caseworker", "add", "Per Persson", "--json"))["id"] == 3
    assert kivo_cli("caseworker", "deactivate", "3", "--by", "2").code == 0
    back = kivo_cli("caseworker", "reactivate", "3", "--by", "2")
    assert back.code == 0, back.err
    assert "active" in back.out
    workers = document(kivo_cli("caseworker", "list", "--json"))
    assert [w["active"] for w in workers] == [True, True, True]


def test_supervisor_edit_train_and_reactivate(kivo_cli: Kivo) -> None:
    trained = document(
        kivo_cli("supervisor", "train", "2", "--on", "2026-02-02", "--by", "1", "--json")
    )
    assert [(c["field"], c["old"], c["new"]) for c in trained["changes"]] == [
        ("trained_on", None, "2026-02-02")
    ]
    assert document(kivo_cli("supervisor", "list", "--untrained", "--json")) == []
    edited = kivo_cli("supervisor", "edit", "1", "--capacity", "4", "--by", "1")
    assert edited.code == 0, edited.err
    assert "capacity '2' → '4'" in edited.out
    assert kivo_cli("supervisor", "deactivate", "1").code == 0
    back = document(kivo_cli("supervisor", "reactivate", "1", "--by", "1", "--json"))
    assert [c["field"] for c in back["changes"]] == ["active"]
    listed = document(kivo_cli("changes", "supervisor", "1", "--json"))
    assert [c["field"] for c in listed["changes"]] == ["capacity", "active"]


def test_workplace_edit_and_reactivate(kivo_cli: Kivo) -> None:
    done = document(
        kivo_cli(
            "workplace", "edit", "1", "--employer", "Bageriet i Visby AB", "--by", "1", "--json"
        )
    )
    assert [(c["field"], c["old"], c["new"]) for c in done["changes"]] == [
        ("employer", "Bageriet AB", "Bageriet i Visby AB")
    ]
    assert kivo_cli("workplace", "deactivate", "1").code == 0
    back = kivo_cli("workplace", "reactivate", "1", "--by", "1")
    assert back.code == 0, back.err
    assert document(kivo_cli("workplace", "list", "--json"))[0]["active"] is True
    assert "Bageriet i Visby AB" in kivo_cli("changes", "workplace", "1").out
