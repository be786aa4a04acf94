"""End-to-end: propose, decline, accept and list, and supervisor courses, as the
installed ``kivo`` command, on SQLite and PostgreSQL (each command's ``--help`` is
checked with every other command's in ``test_cli_help``).

The seed: caseworker 1; workplace 1 (Visby bageri) with supervisor 1 (trained); cases
1 (Amina Haddad) and 2 (Bo Ek), both with consent, enrolled; place 1 at workplace 1,
one position, step 2 under PRAKTIK with supervisor 1, open since 2026-02-09. Today is
2026-03-02.
"""

from __future__ import annotations

import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, database_dump, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --personnummer 19980412-3389 --caseworker 1 --consent "
    "--on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "place add 1 --title 'Bakery helper' --positions 1 --steps 2 --programme praktik "
    "--supervisor 1 --on 2026-01-19",
    "place agree 1 --on 2026-02-02",
    "place open 1 --on 2026-02-09",
)

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str) -> Ran:
    return kivo(*shlex.split(line))


def ok(kivo: Kivo, line: str) -> Ran:
    ran = run(kivo, line)
    assert ran.code == 0, (line, ran.err)
    assert "Traceback" not in ran.err
    return ran


def test_a_proposal_is_accepted_into_the_place_and_the_next_is_refused_as_full(
    kivo_cli: Kivo,
) -> None:
    assert ok(kivo_cli, "propose 1 1 --by 1").out.strip() == "1"
    second = ok(kivo_cli, "propose 1 2 --json").json()
    assert (second["id"], second["status"], second["place"]) == (2, "open", "Bakery helper")
    done = ok(kivo_cli, "proposal accept 1 --by 1 --json").json()
    assert (done["step"], done["programme"], done["place_status"]) == (2, "PRAKTIK", "filled")
    assert done["move"]["to_state"] == "short-practice"
    refused = run(kivo_cli, "proposal accept 2 --json")
    assert refused.code == 3, refused
    assert [v["code"] for v in refused.json()["error"]["violations"]] == ["place-full"]
    declined = ok(kivo_cli, "proposal decline 2 --by participant --reason 'prefers mornings'")
    assert declined.out.strip() == "proposal 2: declined by the participant on 2026-03-02"
    listed = ok(kivo_cli, "proposal list --place 1 --json").json()
    assert [(p["id"], p["status"], p["placement_id"]) for p in listed] == [
        (1, "accepted", 1),
        (2, "declined", None),
    ]
    table = ok(kivo_cli, "proposal list --status accepted").out
    assert "Bakery helper (1)" in table
    assert "19980412" not in table
    history = ok(kivo_cli, "history 1 --json").json()
    assert history[-1]["kind"] == "advanced"
    ended = ok(kivo_cli, "proposal end 1 --reason 'moved away' --json").json()
    assert (ended["status"], ended["reason"]) == ("ended", "moved away")
    assert ok(kivo_cli, "place show 1 --json").json()["status"] == "open"


def test_a_supervisor_completes_a_course_shown_with_the_employer(kivo_cli: Kivo) -> None:
    course = ok(kivo_cli, "supervisor course add --title 'Handledarutbildning' --on 2026-02-24")
    assert course.out.strip() == "1"
    ok(kivo_cli, "supervisor train 1 --on 2026-02-24 --course 1 --by 1")
    listed = ok(kivo_cli, "supervisor course list --json").json()
    assert listed == [{"id": 1, "title": "Handledarutbildning", "on": "2026-02-24", "attended": 1}]
    shown = ok(kivo_cli, "employer show 1 --json").json()
    assert [(t["on"], t["course"]) for t in shown["training"]] == [
        ("2025-09-15", None),
        ("2026-02-24", "Handledarutbildning"),
    ]
    assert "Handledarutbildning (1)" in ok(kivo_cli, "employer show 1").out


BAD = [
    ("propose 9 1", 4, "no place with id 9"),
    ("propose 1 1 --on 2026-03-09", 2, "after today"),
    ("proposal decline 1 --by boss --reason x", 2, "neither participant nor employer"),
    ("proposal accept 7", 4, "no proposal with id 7"),
    ("proposal end 7", 2, "needs --reason"),
    ("proposal list --status maybe", 2, "unknown proposal status"),
    ("supervisor course add --title T --on 2026-02-30", 2, "not a real date"),
    ("supervisor train 1 --on 2026-02-24 --course 9 --by 1", 4, "no supervisor course with id 9"),
]


@pytest.mark.parametrize(("line", "code", "words"), BAD)
def test_bad_input_is_named_exits_non_zero_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, line: str, code: int, words: str
) -> None:
    before = database_dump(e2e_database)
    ran = run(kivo_cli, line + " --json")
    assert ran.code == code, ran
    assert words in ran.err
    assert "Traceback" not in ran.out + ran.err
    assert "error" in ran.json()
    assert database_dump(e2e_database) == before
