"""The CLI's everyday output in the reader's language: ``KIVO_LANG``, else the locale
(``LANG``). The tests elsewhere pin English and assert it word for word."""

from __future__ import annotations

from tests.e2e.conftest import Kivo, seeded_copies

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 information --on 2026-01-20",
    "followup add 1 --due 2026-03-10 --title 'Call the employer'",
)
seed, e2e_database = seeded_copies(SEED)

SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}
ENGLISH_HEADINGS = ("History", "Owners", "Next moves", "State:", "Opened", "consent:")


def test_participant_show_in_swedish_has_swedish_headings_and_step_names(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli("participant", "show", "1", env=SWEDISH)
    assert ran.code == 0, ran
    assert ran.out.startswith("Ärende 1 · Amina Haddad · inget personnummer\n")
    assert "Läge: 1 Tydligare information om yrket (pågående, steg 1)" in ran.out
    for heading in ("Ansvariga handläggare", "Historik", "Nästa steg", "Öppnat 2026-01-12"):
        assert heading in ran.out, heading
    assert "Flyttad framåt" in ran.out
    assert "inskrivet" in ran.out
    for english in ENGLISH_HEADINGS:
        assert english not in ran.out, english


def test_the_swedish_locale_without_kivo_lang_speaks_swedish_too(kivo_cli: Kivo) -> None:
    by_locale = kivo_cli(
        "participant",
        "show",
        "1",
        env={"LANG": "sv_SE.UTF-8", "KIVO_LANG": "", "LC_ALL": "", "LC_MESSAGES": ""},
    )
    assert by_locale.code == 0, by_locale
    assert by_locale.out == kivo_cli("participant", "show", "1", env=SWEDISH).out
    assert "Historik" in by_locale.out


def test_lists_and_moves_speak_swedish_while_json_stays_english(kivo_cli: Kivo) -> None:
    listed = kivo_cli("participant", "list", env=SWEDISH)
    assert "Ärenden" in listed.out
    assert "1 Tydligare information om yrket" in listed.out
    assert "1 ärenden" in listed.out
    followups = kivo_cli("followup", "list", env=SWEDISH)
    assert followups.out.startswith("Uppföljningar (")
    assert "uppföljning" in followups.out
    assert "Call the employer" in followups.out  # a title of one's own stays as written
    assert "att göra" in followups.out
    added = kivo_cli("followup", "add", "1", "--due", "2026-03-20", "--title", "CV", env=SWEDISH)
    assert added.out.startswith("uppföljning "), added
    assert added.out.endswith(" i ärende 1: CV, förfaller 2026-03-20\n")
    moved = kivo_cli("advance", "1", "study-prep", "--dry-run", env=SWEDISH)
    assert moved.code == 0, moved
    assert moved.out == (
        "ärende 1: skulle flyttas 1 Tydligare information om yrket → "
        "4 Studieförberedande kurs den 2026-03-02\n"
    )
    english = kivo_cli("advance", "1", "study-prep", "--dry-run")
    assert english.out == "case 1: would move information → study-prep on 2026-03-02\n"
    as_json = kivo_cli("participant", "show", "1", "--json", env=SWEDISH)
    assert as_json.out == kivo_cli("participant", "show", "1", "--json").out
