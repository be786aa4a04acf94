"""End-to-end: a refusal met while acting on a case is said in the reader's language
(``KIVO_LANG=sv``), its options still named as typed; English stays word for word.

Seed: caseworker 1 Anna, coordinator 2 Karin; workplace 1 with an untrained supervisor 1
(the default rules block him); case 1 Amina (Anna's, consent given, opened 2026-01-12).
Today is 2026-03-02.
"""

from __future__ import annotations

import shlex

from tests.e2e.conftest import Kivo, Ran, seeded_copies

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
)
seed, e2e_database = seeded_copies(SEED)

SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}
OVERRIDE = "advance 1 short-practice --supervisor 1 --programme PIS --override 'brådskande' --by 1"


def run(kivo: Kivo, line: str, **kwargs: object) -> Ran:
    return kivo(*shlex.split(line), **kwargs)


def test_recording_an_unknown_meeting_is_said_in_swedish(kivo_cli: Kivo) -> None:
    refused = run(kivo_cli, "meeting record 9 --held", env=SWEDISH)

    assert refused.code == 4, refused
    assert refused.err == "error: inget möte med id 9\n"


def test_a_stale_expected_version_is_a_conflict_said_in_swedish(kivo_cli: Kivo) -> None:
    refused = run(
        kivo_cli, "followup add 1 --due 2026-04-01 --title CV --expect-version 7", env=SWEDISH
    )

    assert refused.code == 5, refused
    assert "ärende 1 är i version 1, inte 7: någon har ändrat det sedan du tittade" in refused.err
    assert "someone changed it" not in refused.err


def test_a_stale_expected_version_keeps_its_english_word_for_word(kivo_cli: Kivo) -> None:
    refused = run(kivo_cli, "followup add 1 --due 2026-04-01 --title CV --expect-version 7")

    assert refused.err == (
        "error: case 1 is at version 1, not 7: someone changed it since you looked; "
        "reload and try again\n"
    )


def test_a_caseworkers_override_is_refused_in_swedish_and_json_stays_english(
    kivo_cli: Kivo,
) -> None:
    refused = run(kivo_cli, OVERRIDE, env=SWEDISH)
    as_json = run(kivo_cli, f"{OVERRIDE} --json", env=SWEDISH)

    assert refused.code == 3, refused
    assert refused.err.startswith(
        "error: åsidosättandet nekades: bara en samordnare får åsidosätta en spärrande regel\n"
    )
    assert "[override-not-permitted] (spärrande) bara en samordnare får åsidosätta" in (refused.err)
    error = as_json.json()["error"]
    assert error["code"] == "not-permitted"
    assert error["message"] == "override refused: only a coordinator may override a blocking rule"


def test_a_caseworker_setting_targets_is_told_what_only_a_coordinator_may_do(
    kivo_cli: Kivo,
) -> None:
    refused = run(kivo_cli, "target set PIS 2026 3 --by 1", env=SWEDISH)

    assert refused.code == 3, refused
    assert "error: bara en samordnare får sätta mål: ange --by (eller KIVO_ACTOR)" in refused.err
    assert "(handläggare 1 är ingen samordnare)" in refused.err


def test_booking_a_meeting_before_the_case_opened_is_said_in_swedish(kivo_cli: Kivo) -> None:
    refused = run(kivo_cli, "meeting schedule 1 --at 2026-01-05T10:00", env=SWEDISH)

    assert refused.code == 2, refused
    assert "mötets dag 2026-01-05 är före att ärende 1 öppnades (2026-01-12)" in refused.err


def test_listing_overdue_items_of_another_status_names_the_options_in_swedish(
    kivo_cli: Kivo,
) -> None:
    refused = run(kivo_cli, "followup list --overdue --status done", env=SWEDISH)

    assert refused.code == 2, refused
    assert refused.err == ("error: --overdue listar bara väntande poster: utelämna --status\n")
