"""End-to-end: participant profiles and matching as the installed ``kivo`` command, on
SQLite and PostgreSQL.

The seed: caseworker 1; workplace 1 with supervisor 1 (trained); case 1 (Amina Haddad)
and case 2 (Omar Ali) enrolled with consent, case 3 (Utan Samtycke) without; place 1 at
workplace 1 for short practice under PRAKTIK, asking for swedish:A2, open. Today is
2026-03-02.
"""

from __future__ import annotations

import shlex

import pytest

from tests.e2e.conftest import Kivo, Ran, run_kivo, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Omar Ali' --caseworker 1 --consent --on 2025-11-02",
    "participant add 'Utan Samtycke' --caseworker 1 --on 2025-10-01",
    "place add 1 --title 'Bakery helper' --positions 2 --steps 2 --programme praktik "
    "--requires swedish:A2 --hours 20 --municipality Gotland --supervisor 1 --area kitchen "
    "--on 2026-01-19",
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


COMMANDS = {
    "profile set": "each option given replaces that field whole",
    "profile show": "Show the profile of a case's participant",
    "match place": "Rank the participants who could take a place",
    "match case": "Rank the open places a participant could take",
}


@pytest.mark.parametrize(("path", "words"), COMMANDS.items())
def test_each_command_explains_itself_with_help(path: str, words: str) -> None:
    ran = run_kivo("sqlite:///unused.db", None, *path.split(), "--help")
    assert ran.code == 0, ran.err
    assert words in " ".join(ran.out.split())


def test_a_caseworker_profiles_participants_and_matches_them_with_reasons(
    kivo_cli: Kivo,
) -> None:
    changed = ok(
        kivo_cli,
        "profile set 1 --interest kitchen --language swedish:b1 --municipality gotland "
        "--max-hours 30 --by 1 --json",
    ).json()
    assert [(c["field"], c["new"]) for c in changed["changes"]] == [
        ("interests", "kitchen"),
        ("languages", "swedish:B1"),
        ("max_hours", "30"),
        ("municipality", "gotland"),
    ]
    ok(kivo_cli, "profile set 2 --language swedish:C1 --by 1")
    ok(kivo_cli, "profile set 3 --language swedish:C1 --by 1")
    shown = ok(kivo_cli, "profile show 1 --json").json()
    assert (shown["languages"], shown["heaviest_physical"]) == (["swedish:B1"], "heavy")
    ranked = ok(kivo_cli, "match place 1 --why-not 3 --json").json()
    assert [(c["case_id"], c["score"]) for c in ranked["candidates"]] == [(1, 81), (2, 19)]
    assert {"code", "kind", "passed", "points", "text"} <= set(
        ranked["candidates"][0]["reasons"][0]
    )
    assert ranked["why_not"]["constraint"] == "consent-missing"
    table = ok(kivo_cli, "match place 1 --why-not 3").out
    assert "Amina Haddad" in table
    assert "case 3 is excluded by consent-missing" in table
    places = ok(kivo_cli, "match case 1 --json").json()
    assert [(p["place_id"], p["score"]) for p in places["places"]] == [(1, 80)]
    changes = ok(kivo_cli, "changes participant 1 --json").json()
    assert "interests" in [c["field"] for c in changes["changes"]]


def test_another_caseworker_ranks_only_their_own_cases_and_cannot_ask_of_others(
    kivo_cli: Kivo,
) -> None:
    ok(kivo_cli, "profile set 1 --language swedish:b1 --by 1")
    ok(kivo_cli, "caseworker add 'Bo Annan'")

    mine = ok(kivo_cli, "match place 1 --by 1 --json").json()
    theirs = ok(kivo_cli, "match place 1 --by 2 --json").json()
    asked = run(kivo_cli, "match case 1 --by 2")

    assert [c["case_id"] for c in mine["candidates"]] == [1]
    assert theirs["candidates"] == []
    assert (asked.code, "no case with id 1" in asked.err) == (4, True)
    assert "Traceback" not in asked.err
