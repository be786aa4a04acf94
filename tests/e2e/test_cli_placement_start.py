"""End-to-end: `kivo placement start` as the installed command, on SQLite and PostgreSQL.

Case 1 (Amina, consent) went from study-prep back to short practice on 2026-02-02 and
has no placement; workplace 1 has trained supervisor 1. Today is 2026-03-02. The bad
input of the command (both or neither of --supervisor and --workplace, unknown ids, a
step at no workplace) is in the table of ``test_cli_bad_input``.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Kivo, run_kivo, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 study-prep --on 2026-01-19",
    "fall-back 1 short-practice --reason 'the course paused' --on 2026-02-02",
)
seed, e2e_database = seeded_copies(SEED)


def test_the_help_says_what_the_command_records_and_how() -> None:
    ran = run_kivo("sqlite:///unused.db", None, "placement", "start", "--help")
    assert ran.code == 0, ran
    for option in ("--supervisor", "--workplace", "--programme", "--until", "--on", "--json"):
        assert option in ran.out
    assert "already in a workplace step" in ran.out


def test_a_case_fallen_back_into_practice_gets_its_placement_and_its_follow_ups(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli(
        "placement",
        "start",
        "1",
        "--supervisor",
        "1",
        "--programme",
        "praktik",
        "--until",
        "2026-04-30",
        "--on",
        "2026-02-09",
    )

    assert ran.code == 0, ran
    assert ran.out.splitlines()[0] == (
        "case 1: placement 1 started in step short-practice on 2026-02-09"
    )
    (placement,) = kivo_cli("placement", "list", "--json").json()
    assert placement["case_id"] == 1
    assert (placement["workplace_id"], placement["supervisor_id"]) == (1, 1)
    assert (placement["programme"], placement["planned_end"]) == ("PRAKTIK", "2026-04-30")
    items = kivo_cli("followup", "list", "--case", "1", "--limit", "0", "--json").json()
    pending = {(item["name"], item["due"]) for item in items}
    assert {("tripartite-start", "2026-02-09"), ("tripartite-end", "2026-04-23")} <= pending
    assert ("tripartite-start", "2026-02-02") not in pending  # the fall back's: planned again
    again = kivo_cli("placement", "start", "1", "--supervisor", "1", "--json")
    assert again.code == 3, again
    assert [v["code"] for v in again.json()["error"]["violations"]] == ["placement-open"]


def test_json_gives_the_recorded_placement_start(kivo_cli: Kivo) -> None:
    ran = kivo_cli("placement", "start", "1", "--supervisor", "1", "--json")

    assert ran.code == 0, ran
    result = ran.json()
    assert (result["kind"], result["from_state"], result["to_state"]) == (
        "placement_started",
        "short-practice",
        "short-practice",
    )
    assert (result["case_id"], result["step"], result["on"]) == (1, 2, "2026-03-02")
    assert (result["placement_id"], result["warnings"], result["dry_run"]) == (1, [], False)
