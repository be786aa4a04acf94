"""End-to-end: the happy path of every command in the README's Commands table.

One scripted caseload (the ``journey``) is built once per database kind (SQLite and
PostgreSQL) by running the installed ``kivo`` command line by line, exactly as a
caseworker would; each test then checks one promise the README makes about what those
commands printed and wrote. Commands that need a database of their own (``init``,
``demo``) or none at all (``diagram``, ``rules``) run in their own tests; ``init`` and
``demo`` are about a SQLite file the command creates at a path, so they run on SQLite only.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from tests.e2e.conftest import Databases, Kivo, Ran, database_dump, run_kivo, table_rows

pytestmark = pytest.mark.both_databases

NOW = "2026-03-02T09:00"
AMINA = "19980412-3389"
JOHAN = "19850709-1232"
STATES = (
    "enrolled",
    "information",
    "short-practice",
    "study-practice",
    "study-prep",
    "vocational-training",
    "workplace-learning",
    "fixed-term",
    "vocational-intro",
    "permanent",
    "paused",
    "exited",
)
RULE_CODES = (
    "consent-missing",
    "workplace-missing",
    "supervisor-missing",
    "supervisor-untrained",
    "supervisor-full",
    "supervisor-inactive",
    "workplace-inactive",
    "apl-outside-training",
    "end-date-missing",
    "end-before-start",
    "ya-not-eligible",
    "meeting-not-held",
    "programme-unknown",
    "programme-not-in-step",
    "programme-closed",
    "programme-too-long",
    "programme-total-too-long",
    "preferential-right",
    "las-permanent",
    "las-vikariat",
)
SHOW_KEYS = {"id", "name", "state", "step", "status", "outcome", "caseworker", "version"}
HISTORY_KEYS = {"kind", "from_step", "to_step", "on", "by", "reason"}
NEXT_KEYS = {"step", "slug", "needs", "warnings"}
MOVE_KEYS = {"case_id", "kind", "from_state", "to_state", "step", "on", "version", "dry_run"}
OVERRIDE_REASON = "the contract's end date is not set yet"

Command = tuple[str, str]  # (label, the command line after "kivo")
Chain = tuple[Command, ...]  # commands run one after the other

# The journey. SETUP runs in order; then the three cases move side by side (each case's
# moves in order): case 1 with the plain forms, case 2 with the --json forms and a
# coordinator's override, case 3 is closed at once. Last, READING runs all at once:
# the lists, shows, histories and a dry run, none of which may write anything.
SETUP: Chain = (
    ("caseworker add", "caseworker add 'Anna Lindqvist' --email anna@example.se"),
    ("caseworker add --json", "caseworker add 'Karin Ek' --role coordinator --json"),
    ("workplace add", "workplace add 'Visby bageri' --employer 'Bageriet AB'"),
    ("workplace add --json", "workplace add 'Hamnens verkstad' --json"),
    ("supervisor add", "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15"),
    ("supervisor add --json", "supervisor add 'Eva Holm' --workplace 2 --capacity 3 --json"),
    (
        "participant add",
        f"participant add 'Amina Haddad' --personnummer {AMINA} --gender woman"
        " --group newly-arrived --caseworker 1 --on 2026-01-12",
    ),
    (
        "participant add --json",
        f"participant add 'Johan Berg' --personnummer {JOHAN} --gender man"
        " --group long-term-unemployed --caseworker 2 --consent --on 2026-01-15 --json",
    ),
    (
        "participant add without personnummer",
        "participant add 'Leila Nilsson' --gender non-binary --birth-year 2001"
        " --caseworker 1 --on 2026-01-20",
    ),
)
MOVES: tuple[Chain, ...] = (
    (
        ("advance --json", "advance 1 information --on 2026-01-14 --by 1 --json"),
        ("consent", "consent 1 --on 2026-01-20 --by 1"),
        (
            "advance",
            "advance 1 short-practice --supervisor 1 --programme PRAKTIK --until 2026-04-30"
            " --on 2026-02-02 --by 1",
        ),
        (
            "fall-back",
            "fall-back 1 information --reason 'the practice ended early' --on 2026-02-16 --by 1",
        ),
        ("pause", "pause 1 --reason 'parental leave' --on 2026-02-17"),
        ("resume", "resume 1 --on 2026-02-23"),
        ("exit", "exit 1 --outcome employed --on 2026-02-24"),
    ),
    (
        (
            "advance --override",
            "advance 2 fixed-term --workplace 2 --on 2026-02-01 --by 2"
            f' --override "{OVERRIDE_REASON}" --json',
        ),
        (
            "fall-back --json",
            "fall-back 2 short-practice --reason 'the employer withdrew the job'"
            " --on 2026-02-10 --by 2 --json",
        ),
        ("pause --json", "pause 2 --reason illness --on 2026-02-12 --json"),
        ("resume --json", "resume 2 --on 2026-02-20 --json"),
    ),
    (
        ("consent --json", "consent 3 --on 2026-01-21 --json"),
        ("exit --json", "exit 3 --outcome declined --on 2026-02-01 --json"),
    ),
)
READING: Chain = (
    ("caseworker list", "caseworker list"),
    ("caseworker list --json", "caseworker list --json"),
    ("workplace list", "workplace list"),
    ("workplace list --json", "workplace list --json"),
    ("supervisor list", "supervisor list"),
    ("supervisor list --json", "supervisor list --json"),
    ("participant list", "participant list"),
    ("participant list --json", "participant list --json"),
    ("participant list --step 2", "participant list --step 2 --json"),
    ("participant list --step short-practice", "participant list --step short-practice"),
    ("participant list --status exited", "participant list --status exited --json"),
    ("participant list --caseworker 2", "participant list --caseworker 2 --json"),
    ("participant show", "participant show 1"),
    ("participant show --json", "participant show 1 --json"),
    ("participant show --show-personal", "participant show 1 --show-personal"),
    ("participant show 2 --show-personal --json", "participant show 2 --show-personal --json"),
    ("history", "history 2"),
    ("history --json", "history 1 --json"),
    (
        "advance --dry-run",
        "advance 2 fixed-term --workplace 2 --until 2026-11-30 --dry-run --json",
    ),
)


@dataclass(frozen=True)
class Journey:
    ran: dict[str, Ran]
    before_reading: str  # the whole database (database_dump) before READING, and after
    after_reading: str

    def doc(self, label: str) -> Any:
        """The one JSON document a successful ``--json`` command printed."""
        return document(self.ran[label])


def run_chain(url: str, cwd: Path, chain: Chain) -> dict[str, Ran]:
    return {label: run_kivo(url, cwd, *shlex.split(line)) for label, line in chain}


def run_side_by_side(url: str, cwd: Path, chains: Sequence[Chain]) -> dict[str, Ran]:
    """Run the chains at the same time (each in order), as colleagues at their desks would."""
    with ThreadPoolExecutor(max_workers=4) as pool:
        done = list(pool.map(lambda chain: run_chain(url, cwd, chain), chains))
    return {label: ran for results in done for label, ran in results.items()}


def document(ran: Ran) -> Any:
    """Assert the command succeeded and printed exactly one JSON document; return it."""
    assert ran.code == 0, ran
    assert "Traceback" not in ran.out + ran.err
    try:
        return json.loads(ran.out)
    except json.JSONDecodeError as error:
        pytest.fail(f"not exactly one JSON document ({error}):\n{ran.out}")


def written_forms(personnummer: str) -> list[str]:
    """The ways a full personnummer can be written, 12 and 10 digits, with or without '-'."""
    digits = personnummer.replace("-", "")
    return [digits, f"{digits[:8]}-{digits[8:]}", digits[2:], f"{digits[2:8]}-{digits[8:]}"]


def leaks(text: str, *numbers: str) -> list[str]:
    return [form for number in numbers for form in written_forms(number) if form in text]


@pytest.fixture(scope="module")
def journey(
    e2e_databases: Databases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Journey]:
    """The journey, run once per database kind."""
    cwd = tmp_path_factory.mktemp("journey")
    with e2e_databases.fresh() as url:
        ran = run_chain(url, cwd, SETUP)
        ran |= run_side_by_side(url, cwd, MOVES)
        before = database_dump(url)
        ran |= run_side_by_side(url, cwd, [(command,) for command in READING])
        yield Journey(ran, before, database_dump(url))


@pytest.fixture
def sqlite_kivo(sqlite_url: str, tmp_path: Path) -> Kivo:
    """``kivo ARGS`` for a test about a SQLite file (its own ``KIVO_DATABASE_URL`` in
    ``env``); it does not ask for the module's database kind, so it runs on SQLite only."""

    def run(*args: str, env: dict[str, str] | None = None) -> Ran:
        return run_kivo(sqlite_url, tmp_path, *args, env=env)

    return run


def test_every_command_of_the_journey_exits_0_without_a_traceback(journey: Journey) -> None:
    for label, ran in journey.ran.items():
        assert ran.code == 0, f"{label}: {ran}"
        assert "Traceback" not in ran.out + ran.err, label


def test_add_commands_print_the_new_id_and_with_json_the_new_record(journey: Journey) -> None:
    assert journey.ran["caseworker add"].out == "1\n"
    assert journey.ran["workplace add"].out == "1\n"
    assert journey.ran["supervisor add"].out == "1\n"
    coordinator = journey.doc("caseworker add --json")
    assert coordinator["id"] == 2
    assert coordinator["name"] == "Karin Ek"
    assert coordinator["role"] == "coordinator"
    workplace = journey.doc("workplace add --json")
    assert (workplace["id"], workplace["name"]) == (2, "Hamnens verkstad")
    supervisor = journey.doc("supervisor add --json")
    assert supervisor["id"] == 2
    assert supervisor["workplace_id"] == 2
    assert supervisor["capacity"] == 3
    assert supervisor["trained_on"] is None


def test_list_commands_show_everyone_added_as_a_table_and_as_json(journey: Journey) -> None:
    for name in ("Anna Lindqvist", "Karin Ek", "coordinator", "anna@example.se"):
        assert name in journey.ran["caseworker list"].out
    for name in ("Visby bageri", "Bageriet AB", "Hamnens verkstad"):
        assert name in journey.ran["workplace list"].out
    for name in ("Sven Berg", "2025-09-15", "Eva Holm", "not trained"):
        assert name in journey.ran["supervisor list"].out
    workers = journey.doc("caseworker list --json")
    assert [(w["id"], w["name"], w["role"]) for w in workers] == [
        (1, "Anna Lindqvist", "caseworker"),
        (2, "Karin Ek", "coordinator"),
    ]
    assert workers[0]["email"] == "anna@example.se"
    workplaces = journey.doc("workplace list --json")
    assert [(w["id"], w["name"], w["employer"]) for w in workplaces] == [
        (1, "Visby bageri", "Bageriet AB"),
        (2, "Hamnens verkstad", None),
    ]
    supervisors = journey.doc("supervisor list --json")
    assert [(s["id"], s["name"], s["workplace_id"], s["trained_on"]) for s in supervisors] == [
        (1, "Sven Berg", 1, "2025-09-15"),
        (2, "Eva Holm", 2, None),
    ]


def test_participant_add_prints_the_case_id_and_with_json_the_enrolment(journey: Journey) -> None:
    assert journey.ran["participant add"].out == "1\n"
    assert journey.ran["participant add without personnummer"].out == "3\n"
    enrolment = journey.doc("participant add --json")
    assert enrolment["case_id"] == 2
    assert enrolment["opened_on"] == "2026-01-15"
    assert enrolment["consent_on"] == "2026-01-15"
    assert enrolment["new_person"] is True


def test_moves_say_what_they_did_in_a_sentence(journey: Journey) -> None:
    expected = {
        "consent": "case 1: consent recorded on 2026-01-20",
        "advance": "case 1: moved information → short-practice on 2026-02-02",
        "fall-back": "case 1: moved short-practice → information on 2026-02-16",
        "pause": "case 1: moved information → paused on 2026-02-17",
        "resume": "case 1: moved paused → information on 2026-02-23",
        "exit": "case 1: moved information → exited on 2026-02-24",
    }
    for label, sentence in expected.items():
        first, *warnings = journey.ran[label].out.strip().splitlines()
        assert first == sentence, label
        assert all(line.startswith("  warning") for line in warnings), label
    # Case 1 left its short practice without a tripartite meeting recorded as held.
    assert "no tripartite meeting was recorded as held" in journey.ran["fall-back"].out


def test_moves_with_json_print_one_document_with_what_they_did(journey: Journey) -> None:
    expected = {
        "advance --json": ("advanced", 1, "enrolled", "information", 1, "2026-01-14"),
        "advance --override": ("advanced", 2, "enrolled", "fixed-term", 7, "2026-02-01"),
        "fall-back --json": ("fell_back", 2, "fixed-term", "short-practice", 2, "2026-02-10"),
        "pause --json": ("paused", 2, "short-practice", "paused", 2, "2026-02-12"),
        "resume --json": ("resumed", 2, "paused", "short-practice", 2, "2026-02-20"),
        "exit --json": ("exited", 3, "enrolled", "exited", None, "2026-02-01"),
    }
    versions: list[tuple[int, int]] = []
    for label, (kind, case, source, target, step, on) in expected.items():
        result = journey.doc(label)
        assert set(result) >= MOVE_KEYS, label
        assert (
            result["kind"],
            result["case_id"],
            result["from_state"],
            result["to_state"],
            result["step"],
            result["on"],
            result["dry_run"],
        ) == (kind, case, source, target, step, on, False), label
        versions.append((case, result["version"]))
    case_2_versions = [version for case, version in versions if case == 2]
    first = case_2_versions[0]
    assert case_2_versions == list(range(first, first + 4)), "each move bumps the version"
    assert journey.doc("consent --json") == {"case_id": 3, "consent_on": "2026-01-21"}


def test_history_has_every_kind_in_order_after_the_command_that_caused_it(
    journey: Journey,
) -> None:
    lines = journey.doc("history --json")
    assert [(h["kind"], h["from_step"], h["to_step"], h["on"]) for h in lines] == [
        ("enrolled", None, None, "2026-01-12"),
        ("advanced", None, 1, "2026-01-14"),
        ("consent", None, None, "2026-01-20"),
        ("advanced", 1, 2, "2026-02-02"),
        ("fell_back", 2, 1, "2026-02-16"),
        ("paused", 1, None, "2026-02-17"),
        ("resumed", None, 1, "2026-02-23"),
        ("exited", 1, None, "2026-02-24"),
    ]
    assert all(set(h) >= HISTORY_KEYS for h in lines)
    assert [h["by"] for h in lines if h["kind"] in ("advanced", "consent", "fell_back")] == [
        "Anna Lindqvist"
    ] * 4
    assert [h["reason"] for h in lines if h["kind"] in ("fell_back", "paused")] == [
        "the practice ended early",
        "parental leave",
    ]
    assert journey.doc("participant show --json")["history"] == lines
    table = journey.ran["history"].out
    for kind in ("enrolled", "consent", "advanced", "fell_back", "paused", "resumed"):
        assert kind in table, kind


def test_a_dry_run_and_the_reading_commands_write_nothing(journey: Journey) -> None:
    result = journey.doc("advance --dry-run")
    assert result["dry_run"] is True
    assert (result["case_id"], result["from_state"], result["to_state"], result["step"]) == (
        2,
        "short-practice",
        "fixed-term",
        7,
    )
    assert result["on"] == "2026-03-02", "--on defaults to today (KIVO_NOW)"
    assert result["version"] == journey.doc("resume --json")["version"]
    assert journey.after_reading == journey.before_reading
    for reason in ("the practice ended early", "parental leave", "illness"):
        assert reason in journey.after_reading, "the dump sees the history"


def test_a_coordinator_override_lifts_a_blocking_rule_and_is_kept_in_the_history(
    journey: Journey,
) -> None:
    assert journey.doc("advance --override")["overridden"] == ["end-date-missing"]
    case = journey.doc("participant show 2 --show-personal --json")
    [override] = [h for h in case["history"] if h["to_step"] == 7]
    assert override["kind"] == "advanced"
    assert override["by"] == "Karin Ek"
    assert override["reason"] == OVERRIDE_REASON
    assert override["overrides"] == ["end-date-missing"]
    assert "override end-date-missing" in journey.ran["history"].out
    assert OVERRIDE_REASON in journey.ran["history"].out


def test_participant_show_json_has_the_documented_keys(journey: Journey) -> None:
    closed = journey.doc("participant show --json")
    assert set(closed) >= {*SHOW_KEYS, "history", "next"}
    assert (
        closed["id"],
        closed["name"],
        closed["state"],
        closed["step"],
        closed["status"],
        closed["outcome"],
        closed["caseworker"],
    ) == (1, "Amina Haddad", "exited", None, "exited", "employed", "Anna Lindqvist")
    assert closed["version"] == len(closed["history"]), "every change bumps the version"
    assert closed["next"] == []
    active = journey.doc("participant show 2 --show-personal --json")
    assert (active["state"], active["step"], active["status"], active["caseworker"]) == (
        "short-practice",
        2,
        "active",
        "Karin Ek",
    )
    assert [h["kind"] for h in active["history"]] == [
        "enrolled",
        "consent",
        "advanced",
        "fell_back",
        "paused",
        "resumed",
    ]
    assert [n["step"] for n in active["next"]] == [3, 4, 5, 6, 7, 8, 9]
    for move in active["next"]:
        assert set(move) >= NEXT_KEYS
        assert isinstance(move["needs"], list)
        assert isinstance(move["warnings"], list)
    assert {n["slug"]: [need["code"] for need in n["needs"]] for n in active["next"]}[
        "fixed-term"
    ] == ["workplace-missing", "end-date-missing"]
    table = journey.ran["participant show"].out
    for text in ("Amina Haddad", "exited", "Anna Lindqvist", "History"):
        assert text in table


def test_participant_list_filters_by_step_number_and_slug_status_and_caseworker(
    journey: Journey,
) -> None:
    everyone = journey.doc("participant list --json")
    assert [(c["id"], c["name"], c["status"]) for c in everyone] == [
        (1, "Amina Haddad", "exited"),
        (2, "Johan Berg", "active"),
        (3, "Leila Nilsson", "exited"),
    ]
    for name in ("Amina Haddad", "Johan Berg", "Leila Nilsson"):
        assert name in journey.ran["participant list"].out
    assert [c["id"] for c in journey.doc("participant list --step 2")] == [2]
    by_slug = journey.ran["participant list --step short-practice"].out
    assert "Johan Berg" in by_slug
    assert "Amina Haddad" not in by_slug
    assert "Leila Nilsson" not in by_slug
    assert [c["id"] for c in journey.doc("participant list --status exited")] == [1, 3]
    assert [c["id"] for c in journey.doc("participant list --caseworker 2")] == [2]


def test_the_personnummer_is_masked_everywhere_unless_show_personal_is_given(
    journey: Journey,
) -> None:
    assert "19980412-****" in journey.ran["participant show"].out
    assert journey.doc("participant show --json")["personnummer"] == "19980412-****"
    assert AMINA in journey.ran["participant show --show-personal"].out
    assert journey.doc("participant show 2 --show-personal --json")["personnummer"] == JOHAN
    for label, ran in journey.ran.items():
        if "--show-personal" not in label:
            assert not leaks(ran.out + ran.err, AMINA, JOHAN), label


def test_the_history_records_the_moment_each_change_was_made(journey: Journey) -> None:
    # KIVO_NOW without a zone is Swedish local time (README: "pretend it is this ...").
    expected = datetime.fromisoformat(NOW).replace(tzinfo=ZoneInfo("Europe/Stockholm"))
    for line in journey.doc("history --json"):
        assert datetime.fromisoformat(line["recorded_at"]) == expected, line["recorded_at"]


def test_kivo_init_creates_the_schema_and_is_safe_to_run_twice(
    sqlite_kivo: Kivo, tmp_path: Path
) -> None:
    path = tmp_path / "kivo.db"
    env = {"KIVO_DATABASE_URL": str(path)}
    first = document(sqlite_kivo("init", "--json", env=env))
    assert first["before"] is None
    assert first["after"]
    assert first["database"] == f"sqlite:///{path}"
    tables = set(table_rows(f"sqlite:///{path}"))
    assert {"alembic_version", "kivo_case", "case_event", "person", "caseworker"} <= tables
    before = database_dump(f"sqlite:///{path}")
    again = sqlite_kivo("init", env=env)
    assert again.code == 0, again
    assert "already up to date" in again.out
    assert first["after"] in again.out
    assert set(table_rows(f"sqlite:///{path}")) == tables
    assert database_dump(f"sqlite:///{path}") == before, "a second init changes nothing"


def test_kivo_demo_builds_a_caseload_once_and_the_second_run_finds_it_present(
    sqlite_kivo: Kivo, tmp_path: Path
) -> None:
    env = {"KIVO_DATABASE_URL": str(tmp_path / "demo.db")}
    built = sqlite_kivo("demo", "--json", env=env)
    summary = document(built)
    assert summary["already_present"] is False
    assert summary["cases"] >= 20
    assert sum(summary["states"].values()) == summary["cases"]
    assert set(summary["states"]) <= set(STATES)
    assert len(summary["states"]) >= 6, "a realistic caseload spreads over the path"
    before = database_dump(f"sqlite:///{tmp_path / 'demo.db'}")
    again = sqlite_kivo("demo", env=env)
    assert again.code == 0, again
    assert "already present" in again.out
    assert database_dump(f"sqlite:///{tmp_path / 'demo.db'}") == before
    assert not re.search(r"[0-9]{6}-?[0-9]{4}", built.out + again.out), "no personnummer"


def test_diagram_draws_every_state_and_the_path_s_moves_in_mermaid_and_in_dot(
    kivo_cli: Kivo,
) -> None:
    mermaid = kivo_cli("diagram")
    dot = kivo_cli("diagram", "--format", "dot")
    assert mermaid.code == 0, mermaid
    assert dot.code == 0, dot
    assert "stateDiagram" in mermaid.out
    assert dot.out.lstrip().startswith("digraph")
    for state in STATES:
        assert re.search(rf"(?<![\w-]){re.escape(state)}(?![\w-])", mermaid.out), state
        assert re.search(rf"(?<![\w-]){re.escape(state)}(?![\w-])", dot.out), state
    for edge in (
        "short-practice --> fixed-term: advance",
        "fixed-term --> short-practice: fall_back",
        "paused --> fixed-term: resume",
        "permanent --> exited: exit",
    ):
        assert edge in mermaid.out, edge
    for edge in (
        '"short-practice" -> "fixed-term" [label=advance]',
        '"fixed-term" -> "short-practice" [label=fall_back]',
        'paused -> "fixed-term" [label=resume]',
        "permanent -> exited [label=exit]",
    ):
        assert edge in dot.out, edge
    assert "fixed-term --> short-practice: advance" not in mermaid.out, "advance is forward"
    assert "exited -->" not in mermaid.out, "nothing moves an exited case"
    assert "exited ->" not in dot.out, "nothing moves an exited case"


def test_rules_show_prints_the_rule_set_and_its_toml_passes_rules_check(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    table = kivo_cli("rules", "show")
    assert table.code == 0, table
    shown = document(kivo_cli("rules", "show", "--json"))
    assert shown["source"] == "default"
    assert [rule["code"] for rule in shown["rules"]] == list(RULE_CODES)
    for code in RULE_CODES:
        assert code in table.out, code
    toml = kivo_cli("rules", "show", "--toml")
    assert toml.code == 0, toml
    (tmp_path / "our-rules.toml").write_text(toml.out, encoding="utf-8")
    checked = kivo_cli("rules", "check", "our-rules.toml")
    assert checked.code == 0, checked
    assert f"valid ({len(RULE_CODES)} rules)" in checked.out
    verdict = document(kivo_cli("rules", "check", "our-rules.toml", "--json"))
    assert verdict == {"valid": True, "source": "our-rules.toml", "rules": len(RULE_CODES)}
