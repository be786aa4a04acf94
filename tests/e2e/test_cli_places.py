"""End-to-end: employer contacts, places and the places report as the installed ``kivo``
command, on SQLite and PostgreSQL.

The seed: caseworker 1; workplace 1 (Visby bageri) with supervisors 1 (trained) and 2,
workplace 2 with supervisor 3; case 1 (Amina Haddad, 19980412-3389) in short practice
at workplace 1; place 1 at workplace 1, at the contact stage since 2026-01-19. Today is
2026-03-02.
"""

from __future__ import annotations

import csv
import io
import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, run_kivo, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "workplace add 'Hamnens kök'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "supervisor add 'Eva Holm' --workplace 1",
    "supervisor add 'Per Holm' --workplace 2 --trained-on 2025-10-06",
    "participant add 'Amina Haddad' --personnummer 19980412-3389 --caseworker 1 --consent "
    "--on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --programme praktik --until 2026-04-30 "
    "--on 2026-01-19",
    "place add 1 --title 'Bakery helper' --positions 2 --steps 2,7 --on 2026-01-19",
)
PERSONNUMMER = "19980412-3389"

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str) -> Ran:
    return kivo(*shlex.split(line))


def ok(kivo: Kivo, line: str) -> Ran:
    ran = run(kivo, line)
    assert ran.code == 0, (line, ran.err)
    assert "Traceback" not in ran.err
    return ran


COMMANDS = {
    "employer": "Employers at workplaces",
    "employer contact": "Log a contact with the employer",
    "employer show": "contacts, the next step due",
    "place": "Places (platser)",
    "place add": "Record a place a workplace offers",
    "place agree": "contact → agreed",
    "place open": "agreed → open",
    "place cancel": "Cancel a place",
    "place show": "its positions and its history",
    "place list": "List places",
    "report places": "lead time from the first employer contact",
}


@pytest.mark.parametrize(("path", "words"), COMMANDS.items())
def test_each_command_explains_itself_with_help(path: str, words: str) -> None:
    ran = run_kivo("sqlite:///unused.db", None, *path.split(), "--help")
    assert ran.code == 0, ran.err
    assert words in " ".join(ran.out.split())


def test_a_coordinator_goes_from_the_first_call_to_an_open_place_in_json(kivo_cli: Kivo) -> None:
    contact = ok(
        kivo_cli,
        "employer contact 2 --on 2026-01-12 --kind call --by 1 --next 2026-01-26 --json "
        "--note 'The chef can take someone in the dish room'",
    ).json()
    assert (contact["id"], contact["kind"], contact["by"]) == (1, "call", "Anna Lindqvist")
    added = ok(
        kivo_cli,
        "place add 2 --title 'Kitchen assistant' --positions 1 --steps short-practice "
        "--programme praktik --requires swedish:a2 --requires driving-licence:b --hours 25 "
        "--municipality Gotland --supervisor 3 --from 2026-03-16 --task 'Run the dishwasher' "
        "--requires-note 'likes early mornings' --on 2026-01-26 --by 1 --json",
    ).json()
    assert (added["place_id"], added["to_status"]) == (2, "contact")
    agreed = ok(kivo_cli, "place agree 2 --on 2026-02-02 --json").json()
    assert (agreed["from_status"], agreed["to_status"], agreed["on"]) == (
        "contact",
        "agreed",
        "2026-02-02",
    )
    assert ok(kivo_cli, "place open 2 --on 2026-02-09").out.strip() == (
        "place 2: agreed → open on 2026-02-09"
    )
    shown = ok(kivo_cli, "place show 2 --json").json()
    assert shown["requirements"] == ["driving-licence:B", "swedish:A2"]
    assert shown["requirements_note"] == "likes early mornings"
    assert (shown["supervisor"], shown["municipality"], shown["hours"]) == (
        "Per Holm",
        "Gotland",
        25,
    )
    assert [e["kind"] for e in shown["history"]] == ["created", "agreed", "opened"]
    listed = ok(kivo_cli, "place list --status open --step 2 --json").json()
    assert [(p["id"], p["free"]) for p in listed] == [(2, 1)]
    assert ok(kivo_cli, "place list --step 9 --json").json() == []
    employer = ok(kivo_cli, "employer show 2 --json").json()
    assert employer["next_step"] == {
        "on": "2026-01-26",
        "contact_id": 1,
        "due": True,
        "overdue_days": 35,
    }
    assert [p["id"] for p in employer["places"]] == [2]
    assert [s["name"] for s in employer["supervisors"]] == ["Per Holm"]
    report = ok(kivo_cli, "report places --json").json()
    statuses = {s["status"]: s["places"] for s in report["by_status"]}
    assert statuses == {"contact": 1, "agreed": 0, "open": 1, "filled": 0, "cancelled": 0}
    assert report["lead_times"][0] == {
        "stage": "open",
        "places": 1,
        "median_days": 28,
        "p90_days": 28,
    }
    rows = list(csv.reader(io.StringIO(ok(kivo_cli, "report places --csv").out)))
    assert rows[0][:3] == ["section", "what", "places"]
    assert ["lead-time", "first contact → open", "1", "", "", "28", "28"] in rows


def test_cancelling_needs_a_reason_and_a_cancelled_place_never_opens(kivo_cli: Kivo) -> None:
    done = ok(kivo_cli, "place cancel 1 --reason 'the owner sold the bakery' --json").json()
    assert (done["from_status"], done["to_status"]) == ("contact", "cancelled")
    refused = run(kivo_cli, "place agree 1 --json")
    assert refused.code == 3
    error = refused.json()["error"]
    assert error["violations"][0]["code"] == "place-transition"
    assert error["violations"][0]["params"] == {"from_status": "cancelled", "to_status": "agreed"}
    assert "a cancelled place never changes again" in refused.err


def test_employer_show_lists_open_placements_with_the_participant_masked(kivo_cli: Kivo) -> None:
    ok(kivo_cli, "employer contact 1 --on 2026-01-05 --kind visit --note 'First visit'")
    shown = ok(kivo_cli, "employer show 1 --json")
    assert PERSONNUMMER not in shown.out
    (placement,) = shown.json()["placements"]
    assert (placement["case_id"], placement["personnummer"]) == (1, "19980412-****")
    table = ok(kivo_cli, "employer show 1")
    assert PERSONNUMMER not in table.out
    assert "Amina Haddad 19980412-****" in table.out
    assert "next step: none agreed" in table.out
    assert "First visit" in table.out


BAD = [
    ("place add 1 --title T --positions 2 --steps 4", 2, "workplace steps only"),
    ("place add 1 --title T --positions 2 --steps 2 --programme NOPE", 2, "unknown programme"),
    ("place add 1 --title T --positions 2 --steps 2 --requires swedish:Z1", 2, "CEFR level"),
    ("place add 1 --title T --positions 2 --steps 2 --supervisor 3", 2, "works at workplace 2"),
    ("place add 1 --title T --positions 0 --steps 2", 2, "positions must be from 1 to 100"),
    ("place add 1 --title T --positions two --steps 2", 2, "'--positions'"),
    ("place add 1 --title T --positions 1 --steps 2 --from 2026-02-30", 2, "not a real date"),
    ("place add 9 --title T --positions 1 --steps 2", 4, "no workplace with id 9"),
    ("place open 1", 3, "from contact to open"),
    ("place cancel 1", 2, "needs --reason"),
    ("place agree 1 --on 2026-03-05", 2, "after today"),
    ("place agree 1 --on 2026-01-18", 2, "before the place's last change"),
    ("place show 99", 4, "no place with id 99"),
    ("place list --status done", 2, "unknown place status"),
    ("place list --step 1", 2, "workplace steps only"),
    ("employer contact 1 --on 2026-01-12 --kind fax --note x", 2, "unknown contact kind"),
    ("employer contact 1 --kind call --note x", 2, "--on"),
    ("employer contact 1 --on 2026-01-12 --kind call --note ''", 2, "the note is empty"),
    ("employer contact 1 --on 2026-01-12 --kind call --note x --next 2026-01-01", 2, "before"),
    ("employer show 9", 4, "no workplace with id 9"),
    ("report places --json --csv", 2, "choose one of --json and --csv"),
]


@pytest.mark.parametrize(("line", "code", "words"), BAD)
def test_bad_input_is_named_exits_non_zero_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, line: str, code: int, words: str
) -> None:
    before = database_dump(e2e_database)
    ran = run(kivo_cli, line)
    assert ran.code == code, ran
    assert words in ran.err
    assert "Traceback" not in ran.out + ran.err
    as_json = run(kivo_cli, line + " --json")
    assert as_json.code == code
    assert "error" in as_json.json()
    assert database_dump(e2e_database) == before


def test_a_note_holding_a_personnummer_is_refused_without_echoing_it(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    before = database_dump(e2e_database)
    ran = run(
        kivo_cli,
        f"employer contact 1 --on 2026-01-12 --kind call --note 'about {PERSONNUMMER}' --json",
    )
    assert ran.code == 2
    assert "holds a personnummer" in ran.err
    assert PERSONNUMMER not in ran.out + ran.err
    assert database_dump(e2e_database) == before
