"""The employer side of the CLI in the reader's language (``KIVO_LANG``): places,
proposals, matching, employer contacts and profiles, their refusals too; ``--json`` and
the English the other tests pin stay as they were.

The seed: caseworker 1; workplace 1 (Visby bageri) with supervisor 1 (trained); cases 1
(Amina Haddad) and 2 (Bo Ek), enrolled with consent; place 1 at workplace 1, one
position, step 2 under PRAKTIK with supervisor 1, open since 2026-02-09; place 2 at the
contact stage. Today is 2026-03-02.
"""

from __future__ import annotations

import shlex

from tests.e2e.conftest import Kivo, Ran, seeded_copies

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri' --employer 'Bageriet AB'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "participant add 'Bo Ek' --caseworker 1 --consent --on 2026-01-12",
    "place add 1 --title 'Bakery helper' --positions 1 --steps 2 --programme praktik "
    "--supervisor 1 --on 2026-01-19",
    "place agree 1 --on 2026-02-02",
    "place open 1 --on 2026-02-09",
    "place add 1 --title 'Kitchen help' --positions 2 --steps 2,7 --on 2026-02-10",
)

seed, e2e_database = seeded_copies(SEED)

SWEDISH = {"KIVO_LANG": "sv", "LANG": "C"}


def run(kivo: Kivo, line: str, swedish: bool = True) -> Ran:
    return kivo(*shlex.split(line), env=SWEDISH if swedish else None)


def ok(kivo: Kivo, line: str, swedish: bool = True) -> Ran:
    ran = run(kivo, line, swedish)
    assert ran.code == 0, (line, ran.err)
    return ran


def test_a_place_is_shown_listed_and_agreed_in_swedish(kivo_cli: Kivo) -> None:
    shown = ok(kivo_cli, "place show 1").out
    assert shown.startswith("plats 1: Bakery helper hos Visby bageri (1)\n")
    assert "status: öppen sedan 2026-02-09" in shown
    assert "platser: 0 av 1 tagna, 1 lediga" in shown
    assert "handledare: Sven Berg (1)" in shown
    assert "Historik" in shown
    assert "History" not in shown
    listed = ok(kivo_cli, "place list").out
    assert "Platser" in listed
    assert "kontakt" in listed
    assert "öppen" in listed
    agreed = ok(kivo_cli, "place agree 2 --on 2026-02-20").out
    assert agreed == "plats 2: kontakt → överenskommen den 2026-02-20\n"
    report = ok(kivo_cli, "report places").out
    assert report.startswith("Platser per status den 2026-03-02")
    assert "Ledtid från första arbetsgivarkontakten (dagar)" in report
    assert "överenskommen" in report
    english = ok(kivo_cli, "report places", swedish=False).out
    assert english.startswith("Places by status on 2026-03-02")


def test_a_refused_place_change_says_why_in_swedish_and_english_as_before(
    kivo_cli: Kivo,
) -> None:
    refused = run(kivo_cli, "place open 2")
    assert refused.code == 3, refused
    assert refused.err.startswith(
        "error: plats 2: en plats kan inte gå från kontakt till öppen: "
        "från kontakt kan den gå till agreed, cancelled\n"
    ), refused.err
    english = run(kivo_cli, "place open 2", swedish=False)
    assert english.err.startswith(
        "error: place 2: a place cannot go from contact to open: "
        "from contact it may go to agreed, cancelled\n"
    ), english.err
    no_reason = run(kivo_cli, "place cancel 2")
    assert no_reason.code == 2, no_reason
    assert no_reason.err == "error: att avbryta en plats kräver --reason\n"
    as_json = run(kivo_cli, "place open 2 --json")
    assert as_json.out == run(kivo_cli, "place open 2 --json", swedish=False).out
    assert as_json.json()["error"]["message"].startswith("place 2: a place cannot go from")


def test_propose_accept_and_list_speak_swedish(kivo_cli: Kivo) -> None:
    assert ok(kivo_cli, "propose 1 1 --by 1").out == "1\n"
    ok(kivo_cli, "propose 1 2 --by 1")
    again = run(kivo_cli, "propose 1 1 --by 1")
    assert again.code == 3, again
    assert again.err.startswith(
        "error: ärende 1 är redan föreslaget för plats 1 (förslag 1, öppet)\n"
    )
    accepted = ok(kivo_cli, "proposal accept 1 --by 1").out
    assert accepted.startswith("förslag 1: godkänt; ärende 1 → steg 2 på plats 1"), accepted
    assert accepted.rstrip().endswith("plats 1/1 tagna, tillsatt"), accepted
    full = run(kivo_cli, "proposal accept 2 --by 1")
    assert full.code == 3, full
    assert "plats 1 har status tillsatt: ingen plats kan tas" in full.err
    assert "[place-full] (spärrande) platsen har status tillsatt" in full.err
    declined = ok(kivo_cli, "proposal decline 2 --by participant --reason 'prefers mornings'")
    assert declined.out == "förslag 2: deltagaren tackade nej den 2026-03-02\n"
    listed = ok(kivo_cli, "proposal list").out
    assert "Förslag" in listed
    assert "godkänt" in listed
    assert "nej tack" in listed


def test_matching_a_place_speaks_swedish(kivo_cli: Kivo) -> None:
    found = ok(kivo_cli, "match place 1 --by 1").out
    assert "Kandidater för plats 1: Bakery helper (öppen)" in found
    assert "Candidates" not in found
    ok(kivo_cli, "place cancel 2 --reason 'the bakery closed'")
    closed = run(kivo_cli, "match place 2 --by 1")
    assert closed.code == 3, closed
    assert closed.err.startswith("error: plats 2 har status avbruten: ingen kan ta den\n")
    too_many = run(kivo_cli, "match place 1 --limit 5000")
    assert too_many.code == 2, too_many
    assert too_many.err == "error: --limit måste vara från 1 till 1000, inte 5000\n"


def test_employer_contacts_and_profiles_speak_swedish(kivo_cli: Kivo) -> None:
    ok(kivo_cli, "employer contact 1 --on 2026-02-25 --kind visit --note 'Met the owner' --by 1")
    shown = ok(kivo_cli, "employer show 1").out
    assert shown.startswith("arbetsplats 1: Visby bageri (Bageriet AB)\n")
    assert "\nförsta kontakt: 2026-02-25\nnästa steg: inget överenskommet\n" in shown, shown
    assert "Kontakter" in shown
    assert "besök" in shown
    assert "Handledare" in shown
    later = run(
        kivo_cli, "employer contact 1 --on 2026-02-25 --kind call --note x --next 2026-02-01"
    )
    assert later.code == 2, later
    assert later.err == "error: --next 2026-02-01 ligger före kontakten (2026-02-25)\n"
    ok(kivo_cli, "profile set 1 --interest kitchen --by 1")
    profile = ok(kivo_cli, "profile show 1").out
    assert "Profil för ärende 1: Amina Haddad" in profile
    assert "intressen" in profile
    assert "kitchen" in profile
    wrong = run(kivo_cli, "profile set 1 --interest baking --by 1")
    assert wrong.code == 2, wrong
    assert wrong.err.startswith("error: yrkesområde 'baking' finns inte: välj bland ")
