"""End-to-end: bad input and handover refusals are said in the reader's language
(``KIVO_LANG=sv``), a personnummer still masked; the other tests pin them in English."""

from __future__ import annotations

from pathlib import Path

import pytest

from states.import_rows import REQUIRED_COLUMNS
from states.personnummer import luhn_check_digit
from tests.e2e.conftest import Kivo, seeded_copies

pytestmark = pytest.mark.both_databases

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
)
seed, e2e_database = seeded_copies(SEED)

SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}
AS_COORDINATOR = {**SWEDISH, "KIVO_ACTOR": "2"}
WRONG_CHECK_DIGIT = "19900101-000" + str((luhn_check_digit("900101000") + 1) % 10)


def test_a_personnummer_with_a_wrong_check_digit_is_refused_in_swedish_and_masked(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli("participant", "add", "Bo Ek", "--personnummer", WRONG_CHECK_DIGIT, env=SWEDISH)
    assert ran.code == 2, ran
    expected = luhn_check_digit("900101000")
    assert f"personnummer 19900101-****: kontrollsiffran ska vara {expected}" in ran.err
    assert WRONG_CHECK_DIGIT not in ran.out + ran.err


def test_an_unknown_step_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    ran = kivo_cli("advance", "1", "nowhere", env=SWEDISH)
    assert ran.code == 2, ran
    assert "error: okänt steg 'nowhere': ange ett nummer 1–9 eller ett av: 1 information" in (
        ran.err
    )


def test_a_name_holding_a_personnummer_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    number = "19900101-000" + str(luhn_check_digit("900101000"))
    ran = kivo_cli("participant", "add", f"Bo {number}", env=SWEDISH)
    assert ran.code == 2, ran
    assert "deltagarens namn innehåller ett personnummer" in ran.err
    assert number not in ran.err


def test_a_date_option_kivo_cannot_read_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    ran = kivo_cli("advance", "1", "information", "--on", "someday", env=SWEDISH)
    assert ran.code == 2, ran
    assert "on 'someday' är inte ett verkligt datum på formen ÅÅÅÅ-MM-DD" in ran.err


def test_deactivating_a_caseworker_who_still_owns_cases_is_refused_in_swedish(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli("caseworker", "deactivate", "1", env=AS_COORDINATOR)
    assert ran.code == 3, ran
    assert (
        "error: handläggare 1 har fortfarande 1 ärende(n) som behöver någon: ange vem som "
        "tar över dem med --handover-to" in ran.err
    )
    assert "[caseload-not-handed-over] (spärrande) handläggare 1 har 1 ärende(n)" in ran.err


def test_an_import_with_bad_rows_names_each_problem_in_swedish(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    row = f"Carl Fel;{WRONG_CHECK_DIGIT};man;;;1;2026-02-30;practice;"
    lines = [";".join(REQUIRED_COLUMNS), row]
    (tmp_path / "caseload.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = kivo_cli("import", "participants", "caseload.csv", env=AS_COORDINATOR)
    assert ran.code == 2, ran
    assert "1 av 1 rad(er) i caseload.csv är felaktiga; inget importerades:" in ran.err
    assert "  rad 2: ogiltigt personnummer 19900101-****: kontrollsiffran ska vara" in ran.err
    assert "enrolled_on '2026-02-30' är inte ett verkligt datum" in ran.err
    assert "okänt steg 'practice'" in ran.err
    assert WRONG_CHECK_DIGIT not in ran.err


def test_an_id_that_is_no_whole_number_is_refused_in_swedish(kivo_cli: Kivo) -> None:
    ran = kivo_cli("participant", "show", "abc", env=SWEDISH)
    assert ran.code == 2, ran
    assert "'abc' är inte ett id (ett heltal som 12)" in ran.err
    english = kivo_cli("participant", "show", "abc", env={"KIVO_LANG": "en"})
    assert "'abc' is not an id (a whole number such as 12)" in english.err


def test_an_import_that_skips_bad_rows_names_each_skipped_row_in_swedish(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    good = "Dana Rätt;;kvinna;;;1;2026-02-02;information;"
    bad = f"Carl Fel;{WRONG_CHECK_DIGIT};man;;;1;2026-02-03;information;"
    lines = [";".join(REQUIRED_COLUMNS), good, bad]
    (tmp_path / "caseload.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    ran = kivo_cli(
        "import", "participants", "caseload.csv", "--skip-invalid", "--dry-run", env=AS_COORDINATOR
    )
    assert "  rad 3: ogiltigt personnummer 19900101-****: kontrollsiffran ska vara" in ran.err, ran
    assert WRONG_CHECK_DIGIT not in ran.err
