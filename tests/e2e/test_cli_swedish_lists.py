"""End-to-end: lists and confirmations of meetings, placements, the directory, several
cases and an import preview, in Swedish with ``KIVO_LANG=sv`` and as they always were
in English.

Seed: caseworker 1 Anna, coordinator 2 Karin, workplace 1 with trained supervisor 1;
case 1 Amina in short practice from 2026-01-19 to 2026-04-30 (placement 1); case 2 Bo
enrolled with consent, case 3 Leila without; meetings 1 and 2 booked for case 1, meeting
2 called off. Today is 2026-03-02.
"""

from __future__ import annotations

import shlex
from pathlib import Path

import pytest

from states.import_rows import REQUIRED_COLUMNS
from states.personnummer import luhn_check_digit
from tests.e2e.conftest import Kivo, Ran, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-01-19",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Leila Nilsson' --caseworker 1 --on 2026-01-12",
    "meeting schedule 1 --at 2026-03-10T10:00",
    "meeting schedule 1 --at 2026-03-12T10:00",
    "meeting record 2 --cancelled",
)
SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}

seed, e2e_database = seeded_copies(SEED)


def run(kivo: Kivo, line: str, swedish: bool = True) -> Ran:
    ran = kivo(*shlex.split(line), env=SWEDISH if swedish else None)
    assert "Traceback" not in ran.err, ran
    return ran


def test_meeting_list_in_swedish_names_columns_and_statuses_in_swedish(kivo_cli: Kivo) -> None:
    listed = run(kivo_cli, "meeting list")

    assert listed.code == 0, listed
    assert listed.out.startswith("Möten (2)")
    for word in ("tid", "ärende", "deltagare", "handledare", "arbetsplats", "bokat", "inställt"):
        assert word in listed.out, word
    assert "2 möten" in listed.out
    for english in ("Meetings", "participant", "scheduled", "cancelled"):
        assert english not in listed.out, english


def test_meeting_list_in_english_is_as_it_always_was(kivo_cli: Kivo) -> None:
    listed = run(kivo_cli, "meeting list", swedish=False)

    assert listed.out.startswith("Meetings (2)")
    assert "participant" in listed.out
    assert "scheduled" in listed.out
    assert "cancelled" in listed.out
    assert listed.out.endswith("2 meetings\n")


def test_booking_moving_and_recording_a_meeting_confirm_in_swedish(kivo_cli: Kivo) -> None:
    booked = run(kivo_cli, "meeting schedule 1 --at 2026-03-20T10:00")
    assert booked.code == 0, booked
    assert booked.out == "3\n"  # the id, which scripts read, in every language

    moved = run(kivo_cli, "meeting move 3 --at 2026-03-24T13:00")
    assert moved.out == "möte 3: flyttat från 2026-03-20 10:00 till 2026-03-24 13:00\n", moved
    recorded = run(kivo_cli, "meeting record 3 --cancelled")
    assert recorded.out == "möte 3: inställt\n", recorded


def test_placement_list_and_extend_speak_swedish_while_json_stays_english(
    kivo_cli: Kivo,
) -> None:
    listed = run(kivo_cli, "placement list")
    assert listed.out.startswith("Placeringar"), listed
    for word in ("arbetsplats", "handledare", "planerat slut", "avslutat", "1 placeringar"):
        assert word in listed.out, word

    extended = run(kivo_cli, "placement extend 1 --until 2026-05-31 --reason more")
    assert extended.code == 0, extended
    assert extended.out.startswith(
        "ärende 1: placering 1 förlängd från 2026-04-30 till 2026-05-31 (beslutad 2026-03-02); "
    ), extended
    assert "uppföljning(ar) flyttade" in extended.out

    as_json = run(kivo_cli, "placement list --json")
    assert as_json.out == run(kivo_cli, "placement list --json", swedish=False).out


def test_directory_lists_in_swedish_name_roles_and_yes_in_swedish(kivo_cli: Kivo) -> None:
    workers = run(kivo_cli, "caseworker list")
    assert workers.out.startswith("Handläggare"), workers
    for word in ("roll", "e-post", "samordnare", "ja", "2 handläggare"):
        assert word in workers.out, word
    workplaces = run(kivo_cli, "workplace list")
    assert workplaces.out.startswith("Arbetsplatser"), workplaces
    assert "arbetsgivare" in workplaces.out
    assert "kapacitet" in workplaces.out
    supervisors = run(kivo_cli, "supervisor list")
    assert supervisors.out.startswith("Handledare"), supervisors
    assert "utbildad" in supervisors.out
    assert "lediga" in supervisors.out
    for english in ("role", "email", "employer", "trained on", "yes"):
        assert english not in workers.out + workplaces.out + supervisors.out, english


def test_directory_lists_in_english_keep_their_words(kivo_cli: Kivo) -> None:
    workers = run(kivo_cli, "caseworker list", swedish=False)
    assert workers.out.startswith("Caseworkers")
    assert "coordinator" in workers.out
    assert "yes" in workers.out


def test_several_cases_say_each_result_and_the_summary_in_swedish(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "advance 2 9 information --on 2026-02-01")

    assert ran.code == 4, ran
    assert ran.out.splitlines() == [
        "ärende 2: flyttat inskrivet → 1 Tydligare information om yrket den 2026-02-01",
        "ärende 9: finns inte: inget ärende med id 9",
        "2 ärenden: 1 flyttat, 1 finns inte",
    ], ran
    assert "error: 1 av 2 ärenden flyttades inte\n" in ran.err, ran


def test_several_cases_in_english_keep_the_codes_scripts_read(kivo_cli: Kivo) -> None:
    ran = run(kivo_cli, "advance 2 9 information --on 2026-02-01", swedish=False)

    assert ran.out.splitlines()[1:] == [
        "case 9: not-found: no case with id 9",
        "2 cases: 1 moved, 1 not-found",
    ], ran
    assert "error: 1 of 2 cases did not move\n" in ran.err, ran


def pnr(birth: str, serial: str) -> str:
    return f"{birth}-{serial}{luhn_check_digit(birth[2:] + serial)}"


def test_an_import_preview_in_swedish_says_what_would_be_imported(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    dora, erik = pnr("19900101", "321"), pnr("19910101", "123")
    rows = [f"Dora Ek;{dora};woman;;;1;2026-01-15;;", f"Erik Ek;{erik};man;;;1;2026-01-16;;"]
    header = ";".join(REQUIRED_COLUMNS)
    (tmp_path / "caseload.csv").write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")

    preview = run(kivo_cli, "import participants caseload.csv --dry-run")
    assert preview.code == 0, preview
    assert preview.out == "provkörning: 2 av 2 rad(er) i caseload.csv skulle importeras\n"
    english = run(kivo_cli, "import participants caseload.csv --dry-run", swedish=False)
    assert english.out == "dry run: 2 of 2 row(s) in caseload.csv would be imported\n"


def test_notes_targets_and_a_handover_confirm_in_swedish(kivo_cli: Kivo) -> None:
    noted = run(kivo_cli, "note 1 'Ringde Amina' --by 1")
    assert noted.out == "anteckning 1 i ärende 1 kl. 2026-03-02 09:00\n", noted
    assert run(kivo_cli, "notes 1").out.startswith("Anteckningar i ärende 1 (1)")

    target = run(kivo_cli, "target set PRAKTIK 2026 10 --by 2")
    assert target.out == "mål PRAKTIK 2026: 10\n", target
    targets = run(kivo_cli, "target list")
    assert targets.out.startswith("Mål")
    assert "år" in targets.out
    assert run(kivo_cli, "target list --csv").out.startswith("programme,year,target\n")

    moved = run(kivo_cli, "caseload transfer --from 1 --to 2 --dry-run --by 2")
    assert moved.out.startswith("handläggare 1 → 2: skulle flytta 3 ärende(n) med "), moved
    assert moved.out.endswith(" (provkörning: inget skrivet)\n"), moved
