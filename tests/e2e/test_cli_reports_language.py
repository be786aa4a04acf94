"""End-to-end: ``kivo report …`` in the CLI's language. With ``KIVO_LANG=sv`` a report's
title, headings, row labels (steps by name, outcomes, genders) and refusals are Swedish;
its CSV and JSON keep their English keys and values, as they are an interface.

The caseload is ``test_cli_reports``'s: today is 2026-03-02, Amina (woman) is in short
practice, Johan (man) exited job-seeking from step 1, PRAKTIK's target for 2026 is 10.
"""

from __future__ import annotations

import pytest

from tests.e2e.conftest import Kivo, seeded_copies
from tests.e2e.test_cli_reports import NOW, SEED

pytestmark = pytest.mark.both_databases

seed, e2e_database = seeded_copies(SEED, now=NOW)

SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}


def swedish(kivo_cli: Kivo, *args: str) -> str:
    ran = kivo_cli("report", *args, now=NOW, env=SWEDISH)
    assert ran.code == 0, ran
    return ran.out


def test_the_funnel_in_swedish_names_states_steps_and_moves_in_swedish(kivo_cli: Kivo) -> None:
    out = swedish(kivo_cli, "funnel")

    assert out.startswith("Ärenden per läge den 2026-03-02\n")
    assert "Flyttar 2026-01-01 – 2026-03-02" in out
    for words in ("läge", "ärenden", "2 Kort arbetspraktik", "avslutat", "Flyttad framåt"):
        assert words in out, words
    assert "short-practice" not in out
    assert "Cases per state" not in out


def test_outcomes_in_swedish_name_the_breakdown_gender_and_outcome_in_swedish(
    kivo_cli: Kivo,
) -> None:
    by_gender = swedish(kivo_cli, "outcomes")
    by_group = swedish(kivo_cli, "outcomes", "--by", "group")

    assert by_gender.startswith("Avslut 2026-01-01 – 2026-03-02 per kön (1 totalt)\n")
    assert "arbetssökande" in by_gender
    assert "job-seeking" not in by_gender
    assert "per grupp" in by_group
    assert "(ingen)" in by_group


def test_time_lead_time_targets_and_overdue_have_swedish_titles_and_headings(
    kivo_cli: Kivo,
) -> None:
    steps = swedish(kivo_cli, "time-in-step")
    lead = swedish(kivo_cli, "lead-time", "--by", "gender")
    targets = swedish(kivo_cli, "targets")
    overdue = swedish(kivo_cli, "overdue")

    assert steps.startswith("Dagar i steg 2026-01-01 – 2026-03-02\n")
    assert "1 Tydligare information om yrket" in steps
    assert "pågående vistelser" in steps
    assert "Från inskrivning till första placering" in lead
    assert "(alla)" in lead
    assert "kvinna" in lead
    assert targets.startswith("Mål och resultat 2026\n")
    assert "10 % av målet" in targets
    assert overdue.startswith("Försenat före 2026-03-02\n")
    assert "uppföljningar" in overdue


def test_the_esf_report_in_swedish_says_its_indicators_and_answers_in_swedish(
    kivo_cli: Kivo,
) -> None:
    rows = swedish(kivo_cli, "esf")
    summary = swedish(kivo_cli, "esf", "--summary")

    assert rows.startswith("ESF+-deltagare 2026-01-01 – 2026-03-02 (2)\n")
    assert "landsbygd" in rows
    assert "kvinna" in rows
    assert "ESF+ gemensamma indikatorer" in summary
    assert "från landsbygden" in summary
    assert "from rural areas" not in summary


def test_csv_and_json_keep_their_english_keys_and_values_in_swedish(kivo_cli: Kivo) -> None:
    for args in (("outcomes", "--csv"), ("time-in-step", "--csv"), ("funnel", "--json")):
        in_swedish = kivo_cli("report", *args, now=NOW, env=SWEDISH)
        in_english = kivo_cli("report", *args, now=NOW)
        assert in_swedish.code == in_english.code == 0, in_swedish
        assert in_swedish.out == in_english.out, args
    assert in_english.out.startswith("{")


def test_a_report_refusal_is_said_in_swedish_naming_the_option(kivo_cli: Kivo) -> None:
    period = kivo_cli("report", "funnel", "--from", "2026-05-01", "--to", "2026-01-01", env=SWEDISH)
    breakdown = kivo_cli("report", "outcomes", "--by", "moon", env=SWEDISH)

    assert period.code == breakdown.code == 2, period
    assert "--from måste vara samma dag som eller före --to" in period.err
    assert "okänd uppdelning 'moon'" in breakdown.err
