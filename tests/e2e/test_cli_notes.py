"""End-to-end: ``kivo meeting move``, ``kivo note``/``kivo notes`` and ``kivo followup
add`` as the installed command, on SQLite and PostgreSQL.

Every test runs on its own copy of one seeded caseload, built by the real command:

- caseworker 1 Anna, caseworker 2 Karin (coordinator), workplace 1 with trained
  supervisor 1;
- case 1 Amina (personnummer AMINA, consent) in short practice from 2026-01-19 to
  2026-04-30 (its midpoint meeting, follow-up 5, is planned on 2026-03-10);
- case 2 Leila has exited;
- meeting 1 on 2026-03-12 10:00 (stands for follow-up 5), meeting 2 on 2026-02-20 10:00
  recorded as a no-show.

Today is 2026-03-02 09:00.
"""

from __future__ import annotations

import json
import re
import shlex
from typing import Any

import pytest
from icalendar import Calendar, Event

from tests.e2e.conftest import Kivo, Ran, database_dump, read_rows, seeded_copies

pytestmark = pytest.mark.both_databases

AMINA = "19980412-3389"
SEED = (
    "caseworker add 'Anna Lindqvist' --email anna@example.se",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    f"participant add 'Amina Haddad' --personnummer {AMINA} --caseworker 1 --consent "
    "--on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-01-19",
    "participant add 'Leila Nilsson' --on 2026-01-12",
    "exit 2 --outcome moved --on 2026-01-20",
    "meeting schedule 1 --at 2026-03-12T10:00",
    "meeting schedule 1 --at 2026-02-20T10:00",
    "meeting record 2 --no-show",
)
FULL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}(?![0-9])")
ESCAPE = "\x1b]0;pwned\x07\x1b[2J"

seed, e2e_database = seeded_copies(SEED)


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran
    assert "Traceback" not in ran.err, ran
    return ran


def document(ran: Ran) -> Any:
    return ok(ran).json()


def events_of(data: str) -> list[Event]:
    return [e for e in Calendar.from_ical(data).walk("VEVENT") if isinstance(e, Event)]


@pytest.mark.parametrize("path", ["meeting move", "note", "notes", "followup add"])
def test_each_new_command_explains_itself(kivo_cli: Kivo, path: str) -> None:
    ran = ok(kivo_cli(*path.split(), "--help"))
    assert f"Usage: kivo {path}" in ran.out
    assert "--json" in ran.out


# meeting move


def test_meeting_move_says_from_when_to_when_and_the_history_shows_it(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("meeting", "move", "1", "--at", "2026-03-19T13:30", "--by", "1"))

    assert ran.out.strip() == "meeting 1: moved from 2026-03-12 10:00 to 2026-03-19 13:30"
    history = document(kivo_cli("history", "1", "--json"))
    assert history[-1]["kind"] == "meeting_moved"
    assert history[-1]["by_id"] == 1
    assert history[-1]["data"]["from"] == "2026-03-12T10:00:00+01:00"
    assert history[-1]["data"]["to"] == "2026-03-19T13:30:00+01:00"
    table = ok(kivo_cli("history", "1")).out
    assert "meeting 1 from 2026-03-12 10:00 to 2026-03-19 13:30" in table


def test_meeting_move_json_gives_the_meeting_where_it_was_and_the_reminders_queued(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    moved = document(kivo_cli("meeting", "move", "1", "--at", "2026-03-19T13:30", "--json"))

    assert moved["meeting"]["at"] == "2026-03-19T13:30:00+01:00"
    assert moved["meeting"]["sequence"] == 1
    assert moved["moved_from"] == "2026-03-12T10:00:00+01:00"
    assert (moved["followup_id"], moved["reminders_queued"]) == (5, 3)
    pending = read_rows(
        e2e_database,
        "SELECT kind, send_on FROM reminder WHERE followup_id = 5 AND status = 'pending' "
        "ORDER BY send_on",
    )
    assert [(kind, str(day)) for kind, day in pending] == [
        ("before", "2026-03-17"),
        ("due", "2026-03-19"),
        ("escalation", "2026-03-26"),
    ]


def test_the_calendar_after_a_move_has_the_same_event_with_a_higher_sequence(
    kivo_cli: Kivo,
) -> None:
    (before,) = events_of(ok(kivo_cli("meeting", "ics")).out)
    ok(kivo_cli("meeting", "move", "1", "--at", "2026-03-19T13:30"))

    (after,) = events_of(ok(kivo_cli("meeting", "ics")).out)

    assert str(after["UID"]) == str(before["UID"])
    assert (before.decoded("SEQUENCE"), after.decoded("SEQUENCE")) == (0, 1)
    assert after.decoded("DTSTART").isoformat() == "2026-03-19T13:30:00+01:00"


# note / notes


def test_note_keeps_a_dated_note_and_notes_lists_it_with_its_author(kivo_cli: Kivo) -> None:
    added = ok(kivo_cli("note", "1", "Ringde Amina: börjar måndag", "--by", "1"))
    second = document(kivo_cli("note", "1", "Handledaren ringde", "--json"))

    assert added.out.strip() == "note 1 on case 1 at 2026-03-02 09:00"
    assert second == {
        "id": 2,
        "case_id": 1,
        "recorded_at": "2026-03-02T09:00:00+01:00",
        "author_id": None,
        "author": None,
        "text": "Handledaren ringde",
    }
    table = ok(kivo_cli("notes", "1")).out
    assert "Ringde Amina: börjar måndag" in table
    assert "Anna Lindqvist" in table
    listed = document(kivo_cli("notes", "1", "--json"))
    assert [n["text"] for n in listed] == ["Ringde Amina: börjar måndag", "Handledaren ringde"]


def test_a_personnummer_in_a_note_is_masked_unless_show_personal(kivo_cli: Kivo) -> None:
    ok(kivo_cli("note", "1", f"Brodern {AMINA} ringde"))

    masked = ok(kivo_cli("notes", "1")).out + ok(kivo_cli("notes", "1", "--json")).out
    full = document(kivo_cli("notes", "1", "--json", "--show-personal"))

    assert not FULL_NUMBER.search(masked)
    assert "19980412-****" in masked
    assert full[0]["text"] == f"Brodern {AMINA} ringde"


def test_notes_read_by_a_caseworker_are_their_own_cases_and_logged(kivo_cli: Kivo) -> None:
    ok(kivo_cli("note", "1", "Ringde Amina", "--by", "1"))
    mine = ok(kivo_cli("notes", "1", "--by", "1")).out
    hidden = kivo_cli("notes", "2", "--by", "1")  # Leila's case is no one's: not Anna's

    assert "Ringde Amina" in mine
    assert hidden.code == 4, hidden
    assert "no case with id 2" in hidden.err
    rows = document(kivo_cli("audit", "reads", "--case", "1", "--actor", "2", "--json"))
    assert [(r["caseworker_id"], r["action"]) for r in rows][-1] == (1, "read-notes")


def test_no_export_holds_the_text_of_a_note(kivo_cli: Kivo, tmp_path: Any) -> None:
    ok(kivo_cli("note", "1", "HEMLIG anteckning"))
    for kind in ("cases", "events", "followups", "placements"):
        target = tmp_path / f"{kind}.csv"
        ok(kivo_cli("export", kind, str(target), "--show-personal"))
        assert "HEMLIG" not in target.read_text(encoding="utf-8"), kind


# followup add


def test_followup_add_plans_the_item_and_its_reminders(kivo_cli: Kivo, e2e_database: str) -> None:
    ran = ok(kivo_cli("followup", "add", "1", "--due", "2026-03-20", "--title", "Ring om CV:t"))
    item = document(
        kivo_cli("followup", "add", "1", "--due", "2026-03-23", "--title", "Andra", "--json")
    )

    first_id = int(ran.out.split()[1])
    assert ran.out.strip() == f"follow-up {first_id} on case 1: Ring om CV:t, due 2026-03-20"
    assert {k: item[k] for k in ("case_id", "name", "kind", "title", "due", "status", "step")} == {
        "case_id": 1,
        "name": "ad-hoc",
        "kind": "follow-up",
        "title": "Andra",
        "due": "2026-03-23",
        "status": "pending",
        "step": 2,
    }
    queued = read_rows(
        e2e_database,
        "SELECT kind FROM reminder WHERE followup_id = :id ORDER BY send_on",
        id=first_id,
    )
    assert [kind for (kind,) in queued] == ["before", "due", "escalation"]
    listed = document(kivo_cli("followup", "list", "--case", "1", "--json"))
    assert {i["id"] for i in listed} >= {first_id, item["id"]}


# bad input and refusals: a clear message, the exit code, nothing written

BAD = [
    ("meeting move 1 --at 2026-03-01T10:00", 2, "is not after now"),
    ("meeting move 1 --at 2026-03-01T10:00 --json", 2, "is not after now"),
    ("meeting move 1 --at 2026-03-12", 2, "has no time of day"),
    ("meeting move 1 --at tomorrowish", 2, "not a date and time"),
    ("meeting move 1 --at 2026-03-12T10:00", 2, "is already at"),
    ("meeting move 2 --at 2026-03-19T10:00", 3, "only a booked meeting can be moved"),
    ("meeting move 2 --at 2026-03-19T10:00 --json", 3, "moving refused"),
    ("meeting move 99 --at 2026-03-19T10:00", 4, "no meeting with id 99"),
    ("meeting move 1 --at 2026-03-19T10:00 --by 99", 4, "no caseworker with id 99"),
    ("meeting move 1 --at 2026-03-19T10:00 --expect-version 1", 5, "not 1"),
    ("note 1 ''", 2, "the note is empty"),
    ("note 1 '   ' --json", 2, "the note is empty"),
    ("note 99 'till ingen'", 4, "no case with id 99"),
    ("note 99 'till ingen' --json", 4, "no case with id 99"),
    ("notes 99", 4, "no case with id 99"),
    ("notes 99 --json", 4, "no case with id 99"),
    ("followup add 1 --due 2026-03-01 --title Ring", 2, "before today"),
    ("followup add 1 --due 2026-03-01 --title Ring --json", 2, "before today"),
    ("followup add 1 --due 2026-02-30 --title Ring", 2, "not a real date"),
    ("followup add 1 --due 2026-03-20 --title ''", 2, "title is empty"),
    ("followup add 2 --due 2026-03-20 --title Ring", 3, "the case has exited"),
    ("followup add 2 --due 2026-03-20 --title Ring --json", 3, "adding a follow-up refused"),
    ("followup add 99 --due 2026-03-20 --title Ring", 4, "no case with id 99"),
    ("followup add 1 --title Ring", 2, "Missing option '--due'"),
]
ERROR_CODES = {2: "invalid-input", 3: "refused", 4: "not-found", 5: "conflict"}


@pytest.mark.parametrize(("line", "code", "says"), BAD, ids=[line for line, _, _ in BAD])
def test_bad_input_exits_with_its_code_names_the_problem_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, line: str, code: int, says: str
) -> None:
    before = database_dump(e2e_database)

    ran = kivo_cli(*shlex.split(line))

    assert ran.code == code, ran
    assert says in ran.err, ran.err
    assert "Traceback" not in ran.out + ran.err
    assert database_dump(e2e_database) == before, "a failing command writes nothing"
    if "--json" in line:
        error = json.loads(ran.out)["error"]  # exactly one document, or this raises
        assert error["code"] == ERROR_CODES[code]


@pytest.mark.parametrize(
    "args",
    [
        ["note", "1", f"hej{ESCAPE}"],
        ["note", "1", "rad ett\nrad två"],
        ["followup", "add", "1", "--due", "2026-03-20", "--title", f"Ring{ESCAPE}"],
        ["meeting", "move", "1", "--at", "2026-03-19T10:00", "--reason", f"sjuk{ESCAPE}"],
    ],
    ids=["note-escape", "note-line-break", "title-escape", "reason-escape"],
)
def test_text_with_a_control_character_is_refused_and_never_echoed(
    kivo_cli: Kivo, e2e_database: str, args: list[str]
) -> None:
    before = database_dump(e2e_database)

    ran = kivo_cli(*args, "--json")

    assert ran.code == 2, ran
    # The command's own check ("a control character") or the CLI's, before it runs,
    # which names the character ("an escape (\\x1b)").
    assert "control character" in ran.err or "contains an escape" in ran.err
    assert json.loads(ran.out)["error"]["code"] == "invalid-input"
    assert "\x1b" not in ran.out + ran.err
    assert database_dump(e2e_database) == before
