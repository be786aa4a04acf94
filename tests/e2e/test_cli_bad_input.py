"""End-to-end: wrong input, refusals, unknown ids and conflicts, as the installed command.

Runs on SQLite and on PostgreSQL. Every case runs on its own copy of one seeded caseload
(the "never initialised" case on a database that holds no kivo schema: an empty SQLite
file, or an empty PostgreSQL database) and must: exit with the README's code (2 bad
input, 3 refused, 4 not found, 5 conflict), name the problem on stderr, print no
traceback, leave the database exactly as it was (its whole dump, ``iterdump`` or
``pg_dump``: schema, rows and sequence values), and never print a full personnummer.
With ``--json`` the error is also exactly one JSON document ``{"error": {...}}``; without
it stdout stays empty.

The seeded caseload: caseworker 1 (Anna, caseworker), caseworker 2 (Karin, coordinator),
workplace 1 with trained supervisor 1; case 1 Amina (personnummer AMINA, no consent) in
step 4 study-prep since 2026-01-20 at version 2; case 2 paused; case 3 exited. Today is
2026-03-02.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from tests.databases import POSTGRES_ENV, PostgresDatabases, postgres_url
from tests.e2e.conftest import Databases, Kivo, database_dump, run_kivo, seeded_copies

pytestmark = pytest.mark.both_databases

NOW = "2026-03-02T09:00"
AMINA = "19980412-3389"
JOHAN = "19850709-1232"
SEED = (
    "caseworker add 'Anna Lindqvist' --email anna@example.se",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    f"participant add 'Amina Haddad' --personnummer {AMINA} --caseworker 1 --on 2026-01-12",
    "participant add 'Johan Berg' --on 2026-01-12",
    "participant add 'Leila Nilsson' --on 2026-01-12",
    "advance 1 study-prep --on 2026-01-20 --by 1",
    "pause 2 --reason 'parental leave' --on 2026-01-25",
    "exit 3 --outcome moved --on 2026-01-20",
)
# The JSON error code of each exit code; exit 2 has several (invalid-input, usage, ...).
ERROR_CODES = {3: "refused", 4: "not-found", 5: "conflict"}
# A full personnummer anywhere: 10 or 12 digits, with or without the separator.
FULL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}(?![0-9])")
BROKEN_RULES = 'version = 2\n[rules.bogus]\nseverity = "loud"\n'


@dataclass(frozen=True)
class Bad:
    """A command that must fail: its arguments, exit code and what stderr must say."""

    args: tuple[str, ...]
    code: int
    says: str
    as_json: bool = False
    env: dict[str, str] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)
    never_initialised: bool = False


def case(
    name: str,
    line: str,
    *,
    code: int,
    says: str,
    as_json: bool = False,
    env: dict[str, str] | None = None,
    files: dict[str, str] | None = None,
    never_initialised: bool = False,
) -> Any:
    """One row of the table; ``as_json=True`` adds ``--json`` and checks the JSON error too."""
    args = (*shlex.split(line), "--json") if as_json else tuple(shlex.split(line))
    bad = Bad(args, code, says, as_json, env or {}, files or {}, never_initialised)
    return pytest.param(bad, id=name)


CASES = [
    # 2: bad usage or invalid input
    case(
        "personnummer typed into a name",
        f"participant add 'Johan {JOHAN}' --caseworker 1",
        code=2,
        says="a participant's name holds a personnummer",
        as_json=True,
    ),
    case(
        "control character in a name",
        "caseworker add 'Anna\x1b[2JLindqvist'",
        code=2,
        says="a caseworker's name contains a control character",
    ),
    case("unknown step number", "advance 1 12", code=2, says="unknown step '12'", as_json=True),
    case("unknown step slug", "advance 1 foo", code=2, says="unknown step 'foo'"),
    case(
        "impossible date",
        "advance 1 vocational-training --on 2026-02-30",
        code=2,
        says="is not a real date in the form YYYY-MM-DD",
        as_json=True,
    ),
    case(
        "word for a date",
        "consent 1 --on someday",
        code=2,
        says="'someday' is not a real date",
    ),
    case(
        "personnummer with a wrong check digit",
        "participant add 'Ny Person' --personnummer 19980412-3388",
        code=2,
        says="check digit should be 9",
        as_json=True,
    ),
    case(
        "personnummer that is no date",
        "participant add 'Ny Person' --personnummer 19980431-3389",
        code=2,
        says="1998-04-31 is not a date",
    ),
    case(
        "personnummer with letters",
        "participant add 'Ny Person' --personnummer 1998O412-3389",
        code=2,
        says="personnummer: expected YYMMDD-NNNC",
    ),
    case(
        "personnummer born in the future",
        "participant add 'Ny Person' --personnummer 20300101-0002",
        code=2,
        says="2030-01-01 is after 2026-03-02",
        as_json=True,
    ),
    case(
        "birth year contradicting the personnummer",
        f"participant add 'Ny Person' --personnummer {JOHAN} --birth-year 1990",
        code=2,
        says="birth year 1990 does not match the personnummer",
    ),
    case(
        "case id that is no number",
        "participant show abc",
        code=2,
        says="Invalid value for 'CASE'",
    ),
    case(
        "unknown gender",
        "participant add 'Ny Person' --gender robot",
        code=2,
        says="unknown gender 'robot'",
        as_json=True,
    ),
    case(
        "unknown group",
        "participant add 'Ny Person' --group hobbits",
        code=2,
        says="unknown group 'hobbits'",
    ),
    case(
        "permit date without the newly-arrived group",
        "participant add 'Ny Person' --permit-date 2025-01-10",
        code=2,
        says="a residence-permit date dates the newly-arrived group",
    ),
    case(
        "permit date not a date",
        "participant add 'Ny Person' --group newly-arrived --permit-date 2025-13-01",
        code=2,
        says="permit-date",
    ),
    case(
        "characteristic without yes or no",
        "participant add 'Ny Person' --characteristic disability",
        code=2,
        says="write NAME=yes or NAME=no",
    ),
    case(
        "unknown role",
        "caseworker add 'Ny Person' --role boss",
        code=2,
        says="unknown role 'boss'",
    ),
    case(
        "unknown outcome",
        "exit 1 --outcome rich",
        code=2,
        says="unknown outcome 'rich'",
        as_json=True,
    ),
    case(
        "unknown status",
        "participant list --status sleeping",
        code=2,
        says="unknown status 'sleeping'",
    ),
    case(
        "unknown diagram format",
        "diagram --format svg",
        code=2,
        says="unknown diagram format 'svg'",
    ),
    case(
        "fall-back without a reason",
        "fall-back 1 information",
        code=2,
        says="Missing option '--reason'",
    ),
    case(
        "fall-back with an empty reason",
        "fall-back 1 information --reason ''",
        code=2,
        says="a reason is required",
        as_json=True,
    ),
    case("pause with a blank reason", "pause 1 --reason '   '", code=2, says="reason is required"),
    case(
        "invalid email",
        "caseworker add 'Ny Person' --email not-an-address",
        code=2,
        says="'not-an-address' is not an email address",
        as_json=True,
    ),
    case(
        "supervisor training in the future",
        "supervisor add 'Ny Person' --workplace 1 --trained-on 2026-04-01",
        code=2,
        says="training date 2026-04-01 is after today",
    ),
    case(
        "broken rules file",
        "rules check broken.toml",
        code=2,
        says="unknown rule 'bogus'",
        as_json=True,
        files={"broken.toml": BROKEN_RULES},
    ),
    case(
        "rules file that is no TOML",
        "rules check broken.toml",
        code=2,
        says="not valid TOML",
        files={"broken.toml": "version = [\n"},
    ),
    case(
        "missing rules file",
        "rules check missing.toml",
        code=2,
        says="cannot read rules file missing.toml",
    ),
    case(
        "broken rules file in use",
        "--rules broken.toml participant list",
        code=2,
        says="unknown rule 'bogus'",
        files={"broken.toml": BROKEN_RULES},
    ),
    case(
        "KIVO_NOW garbage",
        "participant list",
        code=2,
        says="'garbage' is not an ISO date or datetime",
        as_json=True,
        env={"KIVO_NOW": "garbage"},
    ),
    case(
        "database never initialised",
        "participant list",
        code=2,
        says="run `kivo init`",
        as_json=True,
        never_initialised=True,
    ),
    # 3: refused by the rules or by the path itself
    case(
        "consent missing",
        "advance 1 permanent --workplace 1",
        code=3,
        says="[consent-missing]",
        as_json=True,
    ),
    case("advance to the same step", "advance 1 study-prep", code=3, says="[same-step]"),
    case("advance backwards", "advance 1 information", code=3, says="[not-forward]"),
    case(
        "fall-back forwards",
        "fall-back 1 vocational-training --reason 'why not'",
        code=3,
        says="[not-backward]",
        as_json=True,
    ),
    case("moving an exited case", "advance 3 information", code=3, says="[case-exited]"),
    case("consent on an exited case", "consent 3", code=3, says="[case-exited]"),
    case(
        "withdrawing consent never given",
        "consent 1 --withdraw",
        code=3,
        says="[consent-not-recorded]",
        as_json=True,
    ),
    case(
        "advancing a paused case",
        "advance 2 information",
        code=3,
        says="[case-paused]",
        as_json=True,
    ),
    case(
        "override by a caseworker",
        "advance 1 permanent --workplace 1 --by 1 --override urgent",
        code=3,
        says="[override-not-permitted]",
    ),
    case(
        "override of the path's own structure",
        "advance 1 study-prep --by 2 --override urgent",
        code=3,
        says="[same-step]",
        as_json=True,
    ),
    case(
        "date in the future",
        "advance 1 vocational-training --on 2026-04-01",
        code=3,
        says="[date-in-future]",
    ),
    case(
        "date before the last move",
        "advance 1 vocational-training --on 2026-01-19",
        code=3,
        says="[date-before-last-move]",
        as_json=True,
    ),
    case(
        "enrolling the person of an open case again",
        "participant add 'Amina Haddad' --personnummer 980412-3389",
        code=3,
        says="[already-enrolled]",
        as_json=True,
    ),
    case(
        "enrolment in the future",
        "participant add 'Ny Person' --on 2026-04-01",
        code=3,
        says="[date-in-future]",
    ),
    # 4: not found
    case("no such case", "participant show 99", code=4, says="no case with id 99", as_json=True),
    case(
        "no such caseworker",
        "advance 1 vocational-training --by 99",
        code=4,
        says="no caseworker with id 99",
    ),
    case(
        "no such caseworker to own a case",
        "participant add 'Ny Person' --caseworker 99",
        code=4,
        says="no caseworker with id 99",
        as_json=True,
    ),
    case(
        "no such workplace",
        "supervisor add 'Ny Person' --workplace 99",
        code=4,
        says="no workplace with id 99",
    ),
    case(
        "no such supervisor",
        "advance 1 workplace-learning --supervisor 99",
        code=4,
        says="no supervisor with id 99",
        as_json=True,
    ),
    # 5: conflict
    case(
        "stale version",
        "advance 1 vocational-training --expect-version 1",
        code=5,
        says="case 1 is at version 2, not 1",
        as_json=True,
    ),
    case(
        "stale version of a consent",
        "consent 1 --expect-version 1",
        code=5,
        says="case 1 is at version 2, not 1",
    ),
    # a personnummer typed in the wrong place is not echoed; parsing errors honour --json
    case(
        "personnummer typed as the case id",
        "participant show 199804123389",
        code=2,
        says="is not an id",
    ),
    case(
        "personnummer typed as the step",
        f"advance 1 {AMINA}",
        code=2,
        says="unknown step",
    ),
    case(
        "personnummer typed as a date",
        f"consent 1 --on {AMINA}",
        code=2,
        says="is not a real date",
    ),
    case(
        "case id that is no number, with --json",
        "participant show abc",
        code=2,
        says="Invalid value for 'CASE'",
        as_json=True,
    ),
    case(
        "fall-back without a reason, with --json",
        "fall-back 1 information",
        code=2,
        says="Missing option '--reason'",
        as_json=True,
    ),
    # placement supervisor: a new supervisor for the open placement
    case(
        "supervisor change dated after today",
        "placement supervisor 1 --supervisor 1 --on 2026-04-01",
        code=2,
        says="the change date 2026-04-01 is after today (2026-03-02)",
        as_json=True,
    ),
    case(
        "supervisor id that is no number",
        "placement supervisor 1 --supervisor sven",
        code=2,
        says="Invalid value for '--supervisor'",
    ),
    case(
        "supervisor change for a case without a placement",
        "placement supervisor 1 --supervisor 1",
        code=3,
        says="case 1: no open placement",
        as_json=True,
    ),
    case(
        "supervisor change for an unknown case",
        "placement supervisor 99 --supervisor 1",
        code=4,
        says="no case with id 99",
    ),
    # placement start: the placement of a case in a workplace step that has none
    case(
        "placement start naming a supervisor and a workplace",
        "placement start 1 --supervisor 1 --workplace 1",
        code=2,
        says="(employment without a named supervisor), not both",
        as_json=True,
    ),
    case(
        "placement start naming neither supervisor nor workplace",
        "placement start 1",
        code=2,
        says="name where the placement is",
    ),
    case(
        "placement start in a step at no workplace",
        "placement start 1 --supervisor 1",
        code=3,
        says="[no-workplace-step]",
        as_json=True,
    ),
    case(
        "placement start with an unknown supervisor",
        "placement start 1 --supervisor 99",
        code=4,
        says="no supervisor with id 99",
        as_json=True,
    ),
    case(
        "advance into a step at no workplace naming a supervisor",
        "advance 1 vocational-training --supervisor 1",
        code=2,
        says="step 5 vocational-training happens at no workplace: leave out --supervisor",
        as_json=True,
    ),
]


@contextmanager
def never_initialised(databases: Databases, folder: Path) -> Iterator[tuple[str, str]]:
    """A database of this module's kind that ``kivo init`` never ran on: its URL (to dump)
    and the ``KIVO_DATABASE_URL`` that points ``kivo`` at it. On SQLite an empty file,
    named by its bare path as a caseworker would; on PostgreSQL an empty database."""
    if isinstance(databases, PostgresDatabases):
        with databases.empty() as url:
            yield url, url
    else:
        path = folder / "never-initialised.db"
        path.touch()
        yield f"sqlite:///{path}", str(path)


seed, e2e_database = seeded_copies(SEED, now=NOW)


@pytest.mark.parametrize("bad", CASES)
def test_a_failing_command_exits_with_its_code_names_the_problem_and_writes_nothing(
    bad: Bad, kivo_cli: Kivo, e2e_database: str, e2e_databases: Databases, tmp_path: Path
) -> None:
    for name, content in bad.files.items():
        (tmp_path / name).write_text(content, encoding="utf-8")
    with ExitStack() as stack:
        env = dict(bad.env)
        database = e2e_database
        if bad.never_initialised:
            database, env["KIVO_DATABASE_URL"] = stack.enter_context(
                never_initialised(e2e_databases, tmp_path)
            )
        before = database_dump(database)

        ran = kivo_cli(*bad.args, env=env)

        assert ran.code == bad.code, ran
        assert bad.says in ran.err, ran.err
        assert "Traceback" not in ran.out + ran.err
        assert database_dump(database) == before, "a failing command writes nothing"
        assert not FULL_NUMBER.search(ran.out + ran.err), "never a full personnummer"
        if bad.as_json:
            printed = json.loads(ran.out)  # exactly one document, or this raises
            assert list(printed) == ["error"], printed
            error = printed["error"]
            assert isinstance(error["code"], str), error
            assert error["code"], error
            assert isinstance(error["message"], str), error
            if ran.code in ERROR_CODES:
                assert error["code"] == ERROR_CODES[ran.code], error
            else:
                assert error["code"] not in ERROR_CODES.values(), error
            named = [error["message"], *(f"[{v['code']}]" for v in error.get("violations", []))]
            assert any(bad.says in line for line in named), error
        else:
            assert ran.out == "", "errors go to stderr"


def test_a_refusal_names_every_broken_rule_and_what_the_case_can_do_now(kivo_cli: Kivo) -> None:
    ran = kivo_cli("advance", "1", "fixed-term", "--json")
    assert ran.code == 3, ran
    error = json.loads(ran.out)["error"]
    assert [v["code"] for v in error["violations"]] == [
        "consent-missing",
        "workplace-missing",
        "end-date-missing",
    ]
    for violation in error["violations"]:
        assert f"[{violation['code']}]" in ran.err
        assert violation["message"] in ran.err
    assert [move["step"] for move in error["next"]] == [5, 6, 7, 8, 9]
    assert "the case can advance now to:" in ran.err
    assert "5 vocational-training (needs: nothing more)" in ran.err


def test_a_refusal_is_said_in_swedish_when_the_locale_is_swedish(kivo_cli: Kivo) -> None:
    ran = kivo_cli("advance", "1", "fixed-term", env={"KIVO_LANG": "sv", "LANG": "C"})
    assert ran.code == 3, ran
    assert "error: ärende 1: stegförflyttning nekades" in ran.err
    assert (
        "[workplace-missing] (spärrande) steg 7 Visstidsanställning sker på en arbetsplats: "
        "ange den med --workplace" in ran.err
    )
    assert "5 Yrkesutbildning (kräver: inget mer)" in ran.err
    swedish = kivo_cli(
        "advance",
        "1",
        "fixed-term",
        env={"LANG": "sv_SE.UTF-8", "KIVO_LANG": "", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert swedish.err == ran.err


def test_a_language_kivo_does_not_have_is_refused_with_exit_2(kivo_cli: Kivo) -> None:
    ran = kivo_cli("advance", "1", "fixed-term", env={"KIVO_LANG": "xx"})
    assert ran.code == 2, ran
    assert ran.err == "error: KIVO_LANG='xx' is not a language kivo has: give one of sv, en\n"


def wrong_databases() -> list[Any]:
    """Each kind of wrong ``--database``, with what the sentence must say: the server
    with no such database is the test server's, so it runs only with PostgreSQL."""
    server = postgres_url()
    missing = server and make_url(server).set(database="kivo_no_such_database")
    return [
        pytest.param(
            "postgresql://kivo@127.0.0.1:1/kivo", "no PostgreSQL server answers", id="no-server"
        ),
        pytest.param(
            missing and missing.render_as_string(hide_password=False),
            "has no such database",
            id="no-such-database",
            marks=pytest.mark.postgres,
        ),
        pytest.param("{tmp}/notes.db", "not a SQLite database", id="not-a-database"),
        pytest.param("{tmp}", "is a folder", id="folder"),
        pytest.param("mysql://kivo@localhost/kivo", "'mysql' is not supported", id="scheme"),
    ]


@pytest.mark.parametrize(("database", "says"), wrong_databases())
def test_a_wrong_database_gives_every_command_one_sentence_and_exit_7(
    database: str | None, says: str, tmp_path: Path
) -> None:
    if database is None:
        pytest.skip(f"needs a PostgreSQL server: set {POSTGRES_ENV}")
    (tmp_path / "notes.db").write_text("not a database\n" * 100, encoding="utf-8")
    url = database.replace("{tmp}", str(tmp_path))

    for args in (["init"], ["participant", "list", "--json"], ["caseworker", "add", "Anna"]):
        ran = run_kivo(url, tmp_path, *args)

        assert ran.code == 7, (args, ran)
        assert "Traceback" not in ran.out + ran.err, args
        assert ran.err.startswith("error: cannot open the database"), (args, ran.err)
        assert says in ran.err, (args, ran.err)
        assert ran.err.count("\n") == 1, (args, ran.err)
        if "--json" in args:
            assert json.loads(ran.out)["error"]["code"] == "database-unavailable"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.db"], "nothing created"


def test_the_next_moves_after_a_refusal_take_the_options_given_into_account(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli("advance", "1", "workplace-learning", "--supervisor", "1", "--json")
    assert ran.code == 3, ran
    error = json.loads(ran.out)["error"]
    needs = {move["step"]: {n["code"] for n in move["needs"]} for move in error["next"]}
    assert needs[6] == {"consent-missing", "apl-outside-training"}
    assert needs[9] == {"consent-missing"}
    text = kivo_cli("advance", "1", "workplace-learning", "--supervisor", "1")
    assert "supervisor-missing" not in text.err
    assert "workplace-missing" not in text.err
