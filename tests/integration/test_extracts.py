"""Register extracts (GDPR art. 15) on SQLite and PostgreSQL: a coordinator's extract
holds every kind of record kept about the person, with the full personnummer, and
nothing of anyone else; making one is logged; a caseworker is refused and an unknown
person is not found, with nothing written either way.

Today is Monday 2026-03-02, 09:00 in Sweden.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from pathway import editing, moves
from pathway.context import Kivo
from pathway.dispatch import dispatch
from pathway.errors import NotPermitted, Refused
from pathway.extract_files import save_extract
from pathway.extracts import person_extract
from pathway.meetings import schedule_meeting
from pathway.notes import add_note
from pathway.places import add_place, agree_place, open_place
from pathway.profiles import set_profile
from pathway.proposals import propose
from pathway.views import read_case
from states.errors import InvalidInput, NotFound
from states.extracts import KINDS
from states.steps import Step
from tests.dispatch_support import RecordingNotifier
from tests.integration.support import (
    Staff,
    enrol_case,
    fresh_personnummer,
    table_contents,
)

LOCAL = ZoneInfo("Europe/Stockholm")
NOTE = "Amira ringde: börjar på bageriet måndag."
OTHER_NOTE = "Bertils anteckning som inte hör till Amira."


@dataclass(frozen=True)
class Seeded:
    person_id: int
    case_id: int
    pnr: str
    other_pnr: str


def seed(make_kivo: Callable[..., Kivo], kivo: Kivo, staff: Staff) -> Seeded:
    """Amira with one record of every kind; Bertil, another participant, beside her."""
    pnr, other_pnr = fresh_personnummer("19900101"), fresh_personnummer("19851224")
    case_id = enrol_case(kivo, staff, name="Amira Deltagare", pnr=pnr)
    other_case = enrol_case(kivo, staff, name="Bertil Annansson", pnr=other_pnr)
    add_note(kivo, other_case, OTHER_NOTE, by=staff.caseworker)
    edited = editing.edit_participant(
        kivo, case_id, email="amira@example.se", phone="070-123 45 67", by=staff.coordinator
    )
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 2, 2),
        workplace_id=staff.workplace,
        supervisor_id=staff.supervisor,
        until=date(2026, 5, 29),
        by=staff.caseworker,
    )
    schedule_meeting(kivo, case_id, datetime(2026, 3, 5, 10, tzinfo=LOCAL), by=staff.caseworker)
    add_note(kivo, case_id, NOTE, by=staff.caseworker)
    set_profile(kivo, case_id, interests=["kitchen"], languages=["swedish:B1"], by=staff.caseworker)
    place = add_place(
        kivo, staff.workplace, title="Bagarlärling", positions=1, steps=[3], by=staff.coordinator
    )
    place_id = place.place_id
    agree_place(kivo, place_id, by=staff.coordinator)
    open_place(kivo, place_id, by=staff.coordinator)
    propose(kivo, place_id, case_id, by=staff.caseworker)
    read_case(kivo, case_id, by=staff.caseworker)
    dispatch(make_kivo("2026-05-29T09:00"), RecordingNotifier())
    return Seeded(edited.id, case_id, pnr, other_pnr)


def test_an_extract_holds_every_kind_of_record_of_the_person_and_nothing_of_another(
    make_kivo: Callable[..., Kivo], kivo: Kivo, staff: Staff
) -> None:
    seeded = seed(make_kivo, kivo, staff)

    made = person_extract(kivo, seeded.person_id, by=staff.coordinator)

    document = made.document
    assert {kind for kind in KINDS if made.counts[kind] == 0} == set()
    person = document["person"]
    assert (person["name"], person["personnummer"]) == ("Amira Deltagare", seeded.pnr)
    assert (person["email"], person["phone"]) == ("amira@example.se", "070-123 45 67")
    (case,) = document["cases"]
    assert case["id"] == seeded.case_id
    assert {"enrolled", "advanced"} <= {e["kind"] for e in case["history"]}
    assert case["placements"][0]["workplace"] == "Bageriet i Visby"
    assert case["placements"][0]["supervisor"] == "Sven Handledare"
    assert [n["text"] for n in case["notes"]] == [NOTE]
    assert any(r["status"] == "sent" for r in case["reminders"])
    assert case["proposals"][0]["place"] == "Bagarlärling"
    assert document["profile"]["interests"] == ["kitchen"]
    assert {c["field"] for c in document["record_changes"]} >= {"email", "phone"}
    reads = {(a["action"], a["caseworker"]) for a in case["access_log"]}
    assert ("read", "Hanna Handläggare") in reads
    assert ("extract", "Cecilia Samordnare") in reads  # this very extract, logged
    text = json.dumps(document, ensure_ascii=False)
    assert "Bertil" not in text
    assert seeded.other_pnr not in text
    assert OTHER_NOTE not in text


def test_a_person_is_named_by_personnummer_as_well_as_by_id(
    make_kivo: Callable[..., Kivo], kivo: Kivo, staff: Staff
) -> None:
    pnr = fresh_personnummer("19770707")
    enrol_case(kivo, staff, name="Petra Personnummer", pnr=pnr)
    dashed = f"{pnr[2:8]}-{pnr[8:]}"

    made = person_extract(kivo, dashed, by=staff.coordinator)

    assert made.document["person"]["name"] == "Petra Personnummer"


def test_a_caseworker_or_no_one_is_refused_and_nothing_is_logged(
    kivo: Kivo, staff: Staff, database_url: str
) -> None:
    pnr = fresh_personnummer()
    enrol_case(kivo, staff, pnr=pnr)
    person_id = person_extract(kivo, pnr, by=staff.coordinator).person_id
    before = table_contents(database_url)

    for by in (staff.caseworker, None):
        with pytest.raises(NotPermitted) as refused:
            person_extract(kivo, person_id, by=by)
        assert "only a coordinator may make a register extract" in refused.value.message

    assert table_contents(database_url) == before


def test_an_unknown_person_is_not_found_and_a_bad_personnummer_is_bad_input(
    kivo: Kivo, staff: Staff
) -> None:
    with pytest.raises(NotFound, match="no person with id 999"):
        person_extract(kivo, 999, by=staff.coordinator)
    unknown = fresh_personnummer("19600101")
    with pytest.raises(NotFound) as missing:
        person_extract(kivo, unknown, by=staff.coordinator)
    assert unknown not in missing.value.message
    assert unknown[2:] not in missing.value.message
    with pytest.raises(InvalidInput):
        person_extract(kivo, "19900101-0000", by=staff.coordinator)


def test_a_saved_extract_is_private_and_a_bad_target_writes_nothing(
    kivo: Kivo, staff: Staff, tmp_path: Path, database_url: str
) -> None:
    pnr = fresh_personnummer()
    enrol_case(kivo, staff, name="Filippa Fil", pnr=pnr)
    person_id = person_extract(kivo, pnr, by=staff.coordinator).person_id
    target = tmp_path / "utdrag.json"

    saved = save_extract(kivo, person_id, target, fmt="JSON", by=staff.coordinator)

    assert target.stat().st_mode & 0o777 == 0o600
    assert json.loads(target.read_text("utf-8"))["counts"] == saved.counts
    before = table_contents(database_url)
    with pytest.raises(Refused):  # exists, no --force
        save_extract(kivo, person_id, target, fmt="json", by=staff.coordinator)
    with pytest.raises(InvalidInput, match="is a folder"):
        save_extract(kivo, person_id, tmp_path, fmt="pdf", by=staff.coordinator)
    with pytest.raises(InvalidInput, match="use json or pdf"):
        save_extract(kivo, person_id, tmp_path / "x.doc", fmt="doc", by=staff.coordinator)
    assert table_contents(database_url) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["utdrag.json"]
