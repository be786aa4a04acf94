"""End-to-end: the meeting and follow-up commands as the installed ``kivo`` command.

Every test runs on its own copy of one seeded caseload, built by the real command:

- caseworker 1 Anna (caseworker), caseworker 2 Karin (coordinator), workplace 1 with
  trained supervisor 1;
- case 1 Amina (personnummer AMINA, consent) in short practice from 2026-01-19 to
  2026-04-30, so follow-ups 1–11 are planned: 1 the first-day meeting (01-19), 2–4
  contacts (02-02, 02-16, 03-02), 5 the midpoint meeting (03-10), 6–7 contacts (03-16,
  03-30), 8 the extension decision (04-02), 9 a contact (04-13), 10 the last-week meeting
  (04-23), 11 a contact (04-27); follow-up 2 is done;
- case 2 Leila has exited;
- meeting 1 on 2026-02-27 10:00 (stands for follow-up 5), meeting 2 on 2026-03-12 10:00
  (stands for follow-up 10), meeting 3 on 2026-02-20 10:00 recorded as a no-show.

Today is 2026-03-02 09:00.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import stat
from pathlib import Path
from typing import Any

import pytest
from icalendar import Calendar, Event

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

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
    "followup done 2 --on 2026-02-02",
    "meeting schedule 1 --at 2026-02-27T10:00",
    "meeting schedule 1 --at 2026-03-12T10:00",
    "meeting schedule 1 --at 2026-02-20T10:00",
    "meeting record 3 --no-show",
)
FULL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}(?![0-9])")
FOLLOWUP_KEYS = {"id", "case_id", "kind", "due", "status", "name", "title"}
MEETING_KEYS = {"id", "case_id", "at", "uid", "status", "followup_id", "supervisor_id"}


seed, e2e_database = seeded_copies(SEED)


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran
    assert ran.err == "" or "Traceback" not in ran.err, ran
    return ran


def document(ran: Ran) -> Any:
    return ok(ran).json()


def events_of(data: str | bytes) -> list[Event]:
    return [e for e in Calendar.from_ical(data).walk("VEVENT") if isinstance(e, Event)]


# meeting schedule


def test_meeting_schedule_prints_the_new_meetings_id(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("meeting", "schedule", "1", "--at", "2026-03-20T10:00"))

    assert ran.out == "4\n"
    (meeting,) = [m for m in document(kivo_cli("meeting", "list", "--json")) if m["id"] == 4]
    assert (meeting["at"], meeting["status"], meeting["supervisor_id"]) == (
        "2026-03-20T10:00:00+01:00",
        "scheduled",
        1,
    )


def test_meeting_schedule_with_json_prints_the_meeting(kivo_cli: Kivo) -> None:
    meeting = document(
        kivo_cli("meeting", "schedule", "1", "--at", "2026-04-20T13:30+02:00", "--json")
    )

    assert set(meeting) >= MEETING_KEYS
    assert (meeting["id"], meeting["case_id"], meeting["at"]) == (
        4,
        1,
        "2026-04-20T13:30:00+02:00",
    )
    assert meeting["followup_id"] == 1  # the only planned meeting not booked yet
    assert re.fullmatch(r"kivo-meeting-[a-p]{32}@kivo", meeting["uid"])


# meeting record


def test_meeting_record_held_satisfies_the_planned_meeting(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("meeting", "record", "1", "--held", "--notes", "tasks agreed"))

    assert ran.out.strip() == "meeting 1: held; planned meeting 5 done"
    done = document(kivo_cli("followup", "list", "--status", "done", "--json"))
    assert [(i["id"], i["done_on"]) for i in done] == [(2, "2026-02-02"), (5, "2026-02-27")]
    (meeting,) = [m for m in document(kivo_cli("meeting", "list", "--json")) if m["id"] == 1]
    assert (meeting["status"], meeting["notes"]) == ("held", "tasks agreed")


@pytest.mark.parametrize(
    ("flag", "status"), [("--no-show", "no-show"), ("--cancelled", "cancelled")]
)
def test_meeting_record_with_json_prints_the_meeting_and_what_it_satisfied(
    kivo_cli: Kivo, flag: str, status: str
) -> None:
    recorded = document(kivo_cli("meeting", "record", "1", flag, "--json"))

    assert recorded["meeting"]["status"] == status
    assert recorded["followup_done"] is None
    pending = document(kivo_cli("followup", "list", "--case", "1", "--json"))
    assert 5 in {item["id"] for item in pending}


# meeting list


def test_meeting_list_shows_every_meeting_in_time_order(kivo_cli: Kivo) -> None:
    meetings = document(kivo_cli("meeting", "list", "--json"))

    assert [(m["id"], m["status"]) for m in meetings] == [
        (3, "no-show"),
        (1, "scheduled"),
        (2, "scheduled"),
    ]
    assert all(set(m) >= MEETING_KEYS for m in meetings)
    table = ok(kivo_cli("meeting", "list"))
    assert "Meetings (3)" in table.out
    assert "2026-03-12 10:00" in table.out
    assert "Amina Haddad" in table.out
    assert not FULL_NUMBER.search(table.out)


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (("--case", "1"), [3, 1, 2]),
        (("--case", "2"), []),
        (("--caseworker", "1"), [3, 1, 2]),
        (("--caseworker", "2"), []),
        (("--from", "2026-02-27"), [1, 2]),
        (("--to", "2026-02-27"), [3, 1]),
        (("--from", "2026-02-21", "--to", "2026-03-11"), [1]),
    ],
)
def test_meeting_list_filters_by_case_caseworker_and_days(
    kivo_cli: Kivo, filters: tuple[str, ...], ids: list[int]
) -> None:
    meetings = document(kivo_cli("meeting", "list", *filters, "--json"))
    assert [m["id"] for m in meetings] == ids


# meeting ics


def test_meeting_ics_prints_a_calendar_of_the_upcoming_meetings(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("meeting", "ics"))

    (event,) = events_of(ran.out)
    (listed,) = [m for m in document(kivo_cli("meeting", "list", "--json")) if m["id"] == 2]
    assert str(event["UID"]) == listed["uid"]
    assert event["DTSTART"].params["TZID"] == "Europe/Stockholm"
    assert event.decoded("DTSTART").isoformat() == "2026-03-12T10:00:00+01:00"
    assert event.decoded("DTEND").isoformat() == "2026-03-12T11:00:00+01:00"
    assert event.decoded("DTSTAMP").isoformat() == "2026-03-02T08:00:00+00:00"
    assert str(event["SUMMARY"]) == "Tripartite meeting, case 1"
    assert "Amina" not in ran.out
    assert not FULL_NUMBER.search(ran.out.replace("\r\n ", ""))
    assert ran.out.startswith("BEGIN:VCALENDAR\n")  # CRLF, read back as text


def test_meeting_ics_keeps_every_uid_across_exports(kivo_cli: Kivo) -> None:
    first = [str(e["UID"]) for e in events_of(ok(kivo_cli("meeting", "ics")).out)]
    ok(kivo_cli("meeting", "schedule", "1", "--at", "2026-03-25T09:00"))
    second = [str(e["UID"]) for e in events_of(ok(kivo_cli("meeting", "ics")).out)]
    later = [
        str(e["UID"]) for e in events_of(ok(kivo_cli("meeting", "ics", now="2026-03-05T09:00")).out)
    ]

    assert len(first) == 1
    assert len(second) == 2
    assert first[0] in second
    assert later == second


def test_meeting_ics_writes_the_calendar_to_a_file_readable_by_its_owner_only(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    previous = os.umask(0o022)  # kivo inherits it: on its own, a file would be 0644
    try:
        ran = ok(kivo_cli("meeting", "ics", "--caseworker", "1", "--out", "anna.ics"))
    finally:
        os.umask(previous)

    assert ran.out.strip() == "wrote 1 meeting to anna.ics"
    assert stat.S_IMODE((tmp_path / "anna.ics").stat().st_mode) == 0o600
    data = (tmp_path / "anna.ics").read_bytes()
    assert data.startswith(b"BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")  # RFC 5545 lines end in CRLF
    printed = ok(kivo_cli("meeting", "ics", "--caseworker", "1")).out
    assert data.decode().replace("\r\n", "\n") == printed
    assert len(events_of(data)) == 1
    ok(kivo_cli("meeting", "ics", "--caseworker", "2", "--out", "karin.ics"))
    assert events_of((tmp_path / "karin.ics").read_bytes()) == []


def test_an_exit_cancels_the_booked_meetings_in_the_calendar_and_the_list(kivo_cli: Kivo) -> None:
    assert len(events_of(ok(kivo_cli("meeting", "ics")).out)) == 1

    ok(kivo_cli("exit", "1", "--outcome", "job-seeking"))

    assert events_of(ok(kivo_cli("meeting", "ics")).out) == []
    statuses = {m["id"]: m["status"] for m in document(kivo_cli("meeting", "list", "--json"))}
    assert statuses == {1: "cancelled", 2: "cancelled", 3: "no-show"}


# followup list


def test_followup_list_shows_the_pending_items_earliest_first(kivo_cli: Kivo) -> None:
    items = document(kivo_cli("followup", "list", "--json"))

    # 12: Leila's follow-up 6 months after leaving (ESF+), planned at her exit
    assert [item["id"] for item in items] == [1, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]
    assert all(set(item) >= FOLLOWUP_KEYS for item in items)
    first = items[0]
    assert (first["case_id"], first["kind"], first["due"], first["status"], first["name"]) == (
        1,
        "meeting",
        "2026-01-19",
        "pending",
        "tripartite-start",
    )
    table = ok(kivo_cli("followup", "list"))
    assert "Follow-ups (11)" in table.out
    assert "Tripartite meeting before or on the first day" in table.out


@pytest.mark.parametrize(
    ("filters", "ids"),
    [
        (("--overdue",), [1, 3]),
        (("--due-by", "2026-03-02"), [1, 3, 4]),
        (("--case", "1", "--due-by", "2026-01-19"), [1]),
        (("--case", "2"), [12]),  # exited: only the follow-up 6 months after leaving
        (("--caseworker", "1", "--overdue"), [1, 3]),
        (("--caseworker", "2"), []),
        (("--status", "done"), [2]),
        (("--status", "cancelled"), []),
    ],
)
def test_followup_list_filters(kivo_cli: Kivo, filters: tuple[str, ...], ids: list[int]) -> None:
    items = document(kivo_cli("followup", "list", *filters, "--json"))
    assert [item["id"] for item in items] == ids


# followup done


def test_followup_done_marks_the_item_done_today(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("followup", "done", "4", "--notes", "called Sven"))

    assert ran.out.strip() == "follow-up 4 (placement-contact, case 1): done on 2026-03-02"
    done = document(kivo_cli("followup", "list", "--status", "done", "--json"))
    assert [(i["id"], i["done_on"], i["notes"]) for i in done] == [
        (2, "2026-02-02", None),
        (4, "2026-03-02", "called Sven"),
    ]


def test_followup_done_on_a_day_with_json_prints_the_item(kivo_cli: Kivo) -> None:
    item = document(kivo_cli("followup", "done", "3", "--on", "2026-02-17", "--json"))

    assert (item["id"], item["status"], item["done_on"], item["due"]) == (
        3,
        "done",
        "2026-02-17",
        "2026-02-16",
    )
    overdue = document(kivo_cli("followup", "list", "--overdue", "--json"))
    assert [i["id"] for i in overdue] == [1]


def test_followup_done_with_a_finding_records_it_and_the_list_shows_it(kivo_cli: Kivo) -> None:
    ran = ok(kivo_cli("followup", "done", "4", "--finding", "job-searching"))

    assert ran.out.strip() == (
        "follow-up 4 (placement-contact, case 1): done on 2026-03-02, found job-searching"
    )
    done = document(kivo_cli("followup", "list", "--status", "done", "--json"))
    assert [(i["id"], i["finding"]) for i in done] == [(2, None), (4, "job-searching")]
    item = document(kivo_cli("followup", "done", "3", "--finding", "employed", "--json"))
    assert (item["id"], item["status"], item["finding"]) == (3, "done", "employed")


# The rule on the command line


def test_leaving_the_placement_warns_until_a_meeting_is_held(kivo_cli: Kivo) -> None:
    line = ("advance", "1", "fixed-term", "--workplace", "1", "--until", "2026-12-01")
    dry = document(kivo_cli(*line, "--dry-run", "--json"))
    assert [w["code"] for w in dry["warnings"]] == ["meeting-not-held"]

    ok(kivo_cli("meeting", "record", "1", "--held"))
    moved = document(kivo_cli(*line, "--json"))

    assert moved["warnings"] == []
    assert moved["to_state"] == "fixed-term"


def test_the_meeting_and_followup_commands_have_help(kivo_cli: Kivo) -> None:
    meeting = ok(kivo_cli("meeting", "--help")).out
    for command in ("schedule", "record", "list", "ics"):
        assert command in meeting
    followup = ok(kivo_cli("followup", "--help")).out
    for command in ("list", "done"):
        assert command in followup
    assert "--held" in ok(kivo_cli("meeting", "record", "--help")).out


# Bad input: the exit code, the problem named, nothing written


BAD = [
    # 2: bad usage or invalid input
    ("meeting schedule 1 --at tomorrow", 2, "'tomorrow' is not a date and time in ISO form"),
    ("meeting schedule 1 --at 2026-03-10", 2, "has no time of day"),
    ("meeting schedule 1 --at 2026-02-30T10:00 --json", 2, "is not a date and time"),
    (f"meeting schedule 1 --at {AMINA}", 2, "is not a date and time"),
    ("meeting schedule 1", 2, "Missing option '--at'"),
    ("meeting schedule abc --at 2026-03-10T10:00", 2, "Invalid value for 'CASE'"),
    ("meeting record 1", 2, "give exactly one of --held, --no-show or --cancelled"),
    ("meeting record 1 --held --cancelled --json", 2, "give exactly one of --held"),
    ("meeting record 199804123389 --held", 2, "is not an id"),
    (
        "meeting schedule 1 --at 2026-01-15T10:00",
        2,
        "before the case's placement started (2026-01-19)",
    ),
    ("meeting schedule 1 --at 2026-01-02T10:00 --json", 2, "before case 1 was opened"),
    ("meeting list --from 2026-03-12 --to 2026-03-10 --json", 2, "is after --to 2026-03-10"),
    ("meeting list --from someday", 2, "'someday' is not a real date"),
    ("meeting ics --out missing/cal.ics", 2, "--out missing/cal.ics: there is no folder missing"),
    ("followup list --status late", 2, "unknown status 'late'"),
    ("followup list --overdue --status done --json", 2, "--overdue lists pending items only"),
    ("followup list --due-by 2026-02-30", 2, "is not a real date in the form YYYY-MM-DD"),
    ("followup done 4 --on soon", 2, "'soon' is not a real date"),
    ("followup done x", 2, "is not an id"),
    (
        "followup done 4 --finding hired",
        2,
        "unknown finding 'hired': choose one of employed, self-employed, in-education, "
        "job-searching, inactive, unknown",
    ),
    ("followup done 4 --finding '' --json", 2, "unknown finding ''"),
    ("followup done 2 --finding EMPLOYED", 2, "unknown finding 'EMPLOYED'"),
    # 3: refused
    ("meeting schedule 2 --at 2026-03-10T10:00 --json", 3, "[case-exited]"),
    ("meeting record 3 --held", 3, "[meeting-already-recorded]"),
    ("meeting record 2 --held --json", 3, "[meeting-in-future]"),
    ("meeting record 2 --no-show", 3, "[meeting-in-future]"),
    ("followup done 2 --json", 3, "[followup-not-pending]"),
    ("followup done 4 --on 2026-03-03", 3, "[date-in-future]"),
    # 4: not found
    ("meeting schedule 99 --at 2026-03-10T10:00", 4, "no case with id 99"),
    ("meeting schedule 1 --at 2026-03-10T10:00 --supervisor 99 --json", 4, "no supervisor"),
    ("meeting record 99 --held", 4, "no meeting with id 99"),
    ("meeting list --caseworker 99 --json", 4, "no caseworker with id 99"),
    ("meeting list --case 99", 4, "no case with id 99"),
    ("meeting ics --caseworker 99", 4, "no caseworker with id 99"),
    ("followup list --case 99 --json", 4, "no case with id 99"),
    ("followup list --caseworker 99", 4, "no caseworker with id 99"),
    ("followup done 99", 4, "no follow-up with id 99"),
]
ERROR_CODES = {3: "refused", 4: "not-found"}


@pytest.mark.parametrize(("line", "code", "says"), BAD, ids=[line for line, _, _ in BAD])
def test_a_failing_command_exits_with_its_code_names_the_problem_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path, line: str, code: int, says: str
) -> None:
    before = database_dump(e2e_database)

    ran = kivo_cli(*shlex.split(line))

    assert ran.code == code, ran
    assert says in ran.err, ran.err
    assert "Traceback" not in ran.out + ran.err
    assert database_dump(e2e_database) == before, "a failing command writes nothing"
    assert not FULL_NUMBER.search(ran.out + ran.err), "never a full personnummer"
    assert not (tmp_path / "missing").exists()
    if "--json" in line:
        error = json.loads(ran.out)["error"]  # exactly one document, or this raises
        assert error["code"] == ERROR_CODES.get(code, error["code"])
        if code == 2:
            assert error["code"] not in ERROR_CODES.values()
        named = [error["message"], *(f"[{v['code']}]" for v in error.get("violations", []))]
        assert any(says in text for text in named), error
    else:
        assert ran.out == "", "errors go to stderr"
