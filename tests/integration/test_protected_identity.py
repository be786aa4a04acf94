"""Protected identity on SQLite and PostgreSQL: a protected participant is shown by
initials in every list, export, letter, calendar, reminder and case page, to everyone;
only the case's caseworker or a coordinator reveals the identity, and only a
coordinator exports the case."""

from __future__ import annotations

import csv
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

import pytest

from pathway import enrolment, moves, reports
from pathway.clock import LOCAL, FixedClock
from pathway.context import Kivo
from pathway.digest import weekly_digest
from pathway.directory import deactivate_supervisor
from pathway.dispatch import dispatch
from pathway.editing import edit_participant, record_changes
from pathway.errors import NotPermitted
from pathway.exporting import export
from pathway.finding import find_participants
from pathway.followups import list_followups
from pathway.letters import letter_text
from pathway.listing import list_cases
from pathway.meetings import list_meetings, meetings_calendar, schedule_meeting
from pathway.protection import protect_participant
from pathway.views import read_case, read_history
from states.errors import InvalidInput
from states.steps import Step
from tests.dispatch_support import RecordingNotifier
from tests.integration.support import Staff, add_staff, personnummer

NAME, INITIALS = "Zelda Quist", "Z. Q."
PNR = personnummer("19870605", "482")
PLAIN = "Bo Ek"


@dataclass(frozen=True)
class Scene:
    kivo: Kivo
    staff: Staff
    case: int  # the protected participant's, in short practice at staff.workplace
    plain: int  # an ordinary participant's
    person: int


@pytest.fixture
def scene(make_kivo: Callable[..., Kivo]) -> Scene:
    kivo = make_kivo()
    staff = add_staff(kivo)
    enrolled = enrolment.enrol(
        kivo,
        NAME,
        personnummer=PNR,
        caseworker_id=staff.caseworker,
        consent=True,
        on=date(2026, 1, 12),
        by=staff.caseworker,
    )
    plain = enrolment.enrol(
        kivo, PLAIN, caseworker_id=staff.caseworker, consent=True, on=date(2026, 1, 12)
    )
    moves.advance(
        kivo,
        enrolled.case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 2, 2),
        supervisor_id=staff.supervisor,
    )
    schedule_meeting(kivo, enrolled.case_id, datetime(2026, 3, 4, 10, tzinfo=LOCAL))
    protect_participant(
        kivo, enrolled.case_id, reason="Skyddad identitet enligt Skatteverket", by=staff.coordinator
    )
    return Scene(kivo, staff, enrolled.case_id, plain.case_id, enrolled.person_id)


def test_only_a_coordinator_protects_an_identity_and_only_with_a_reason(scene: Scene) -> None:
    kivo, staff = scene.kivo, scene.staff
    with pytest.raises(NotPermitted, match="only a coordinator may protect an identity"):
        protect_participant(kivo, scene.plain, reason="beslut", by=staff.caseworker)
    with pytest.raises(InvalidInput, match="only with the reason"):
        protect_participant(kivo, scene.plain, reason=" ", by=staff.coordinator)
    assert [c.name for c in list_cases(kivo, by=staff.coordinator)] == [INITIALS, PLAIN]


def test_the_protection_and_its_lifting_are_in_the_change_log(scene: Scene) -> None:
    kivo, staff = scene.kivo, scene.staff
    again = protect_participant(kivo, scene.case, reason="igen", by=staff.coordinator)
    assert (again.protected, again.initials, again.changes) == (True, INITIALS, [])
    lifted = protect_participant(
        kivo, scene.case, reason="upphört", by=staff.coordinator, lift=True
    )
    assert (lifted.protected, lifted.initials) == (False, None)
    logged = [
        (c.field, c.old, c.new, c.reason, c.by_id)
        for c in record_changes(kivo, "participant", scene.person, person=True).changes
    ]
    assert logged == [
        ("protected", "false", "true", "Skyddad identitet enligt Skatteverket", staff.coordinator),
        ("protected", "true", "false", "upphört", staff.coordinator),
    ]
    assert read_case(kivo, scene.case).view.name == NAME


def test_lists_finding_agenda_and_digest_show_only_the_initials(scene: Scene) -> None:
    kivo, staff = scene.kivo, scene.staff
    listed = {c.id: c.name for c in list_cases(kivo, sort="name")}
    assert listed == {scene.case: INITIALS, scene.plain: PLAIN}
    found = find_participants(kivo, "zelda", by=staff.caseworker).cases
    assert [(f.case_id, f.name) for f in found] == [(scene.case, INITIALS)]
    assert {f.participant for f in list_followups(kivo, case_id=scene.case)} == {INITIALS}
    assert {m.participant for m in list_meetings(kivo, case_id=scene.case)} == {INITIALS}
    digest = weekly_digest(kivo, week=date(2026, 3, 4))
    shown = {line.participant for part in digest.caseworkers for line in part.meetings}
    assert shown == {INITIALS}
    resolve = deactivate_supervisor(kivo, staff.supervisor).placements
    assert [(p.case_id, p.participant) for p in resolve] == [(scene.case, INITIALS)]


def test_the_letter_calendar_and_reminders_carry_neither_name_nor_personnummer(
    scene: Scene,
) -> None:
    kivo = scene.kivo
    digest = weekly_digest(kivo, week=date(2026, 3, 4), caseworker_id=scene.staff.caseworker)
    letter = letter_text(digest, coordinator=False)
    calendar = meetings_calendar(kivo).decode()
    notifier = RecordingNotifier()
    dispatch(replace(kivo, clock=FixedClock(datetime(2026, 3, 31, 9, tzinfo=LOCAL))), notifier)
    messages = " ".join(f"{m.subject()} {m!r}" for m in notifier.messages)
    assert f"case {scene.case}" in messages
    assert str(scene.case) in letter
    assert "VEVENT" in calendar
    for text in (letter, calendar, messages):
        for secret in ("Zelda", "Quist", PNR[:8]):
            assert secret not in text


def test_the_case_page_shows_initials_and_reveals_to_the_caseworker_or_a_coordinator(
    scene: Scene,
) -> None:
    kivo, staff = scene.kivo, scene.staff
    mine = read_case(kivo, scene.case, by=staff.caseworker).view
    assert (mine.name, mine.personnummer, mine.protected) == (INITIALS, "19870605-****", True)
    assert not mine.whereabouts_hidden
    revealed = read_case(kivo, scene.case, by=staff.coordinator, show_personal=True).view
    assert (revealed.name, revealed.personnummer) == (NAME, f"{PNR[:8]}-{PNR[8:]}")
    with pytest.raises(NotPermitted, match="protected identity"):
        read_case(kivo, scene.case, show_personal=True)


def test_a_reader_naming_no_one_sees_no_workplace_of_a_protected_person(scene: Scene) -> None:
    kivo, staff = scene.kivo, scene.staff
    anonymous = read_case(kivo, scene.case).view
    entitled = read_case(kivo, scene.case, by=staff.coordinator).view
    placed = next(line for line in entitled.history if "supervisor_id" in line.data)
    assert placed.data["supervisor_id"] == staff.supervisor
    assert anonymous.whereabouts_hidden
    for line in anonymous.history:
        assert not {"workplace_id", "supervisor_id"} & set(line.data)


def test_a_renamed_protected_person_is_shown_by_the_new_initials(scene: Scene) -> None:
    kivo, staff = scene.kivo, scene.staff
    edit_participant(kivo, scene.case, name="Ylva Quist", by=staff.caseworker)
    assert read_case(kivo, scene.case).view.name == "Y. Q."
    assert read_case(kivo, scene.case, by=staff.caseworker, show_personal=True).view.name == (
        "Ylva Quist"
    )


def test_an_export_with_a_protected_case_is_refused_without_a_coordinator(
    scene: Scene, tmp_path: Path
) -> None:
    kivo, staff = scene.kivo, scene.staff
    for kind in ("cases", "events", "followups", "placements"):
        target = tmp_path / f"{kind}.csv"
        for by in (None, staff.caseworker):
            with pytest.raises(NotPermitted, match=f"protected identity \\(case {scene.case}\\)"):
                export(kivo, kind, target, by=by)
            assert not target.exists()
    before = tmp_path / "before.csv"  # a period without the protected case is anyone's
    assert export(kivo, "placements", before, last=date(2026, 1, 31), by=staff.caseworker).rows == 0


def test_a_coordinators_export_shows_initials_unless_asked_for_the_personal_data(
    scene: Scene, tmp_path: Path
) -> None:
    kivo, staff = scene.kivo, scene.staff
    masked, full = tmp_path / "masked.csv", tmp_path / "full.csv"
    export(kivo, "cases", masked, by=staff.coordinator)
    export(kivo, "cases", full, by=staff.coordinator, show_personal=True)
    with masked.open(encoding="utf-8") as file:
        assert {row["name"] for row in csv.DictReader(file)} == {INITIALS, PLAIN}
    with full.open(encoding="utf-8") as file:
        assert {row["name"] for row in csv.DictReader(file)} == {NAME, PLAIN}
    assert "Zelda" not in masked.read_text(encoding="utf-8")


def test_a_coordinators_xlsx_export_shows_the_initials(scene: Scene, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "cases.xlsx"
    export(scene.kivo, "cases", target, format="xlsx", by=scene.staff.coordinator)
    sheet = load_workbook(target).active
    assert sheet is not None
    cells = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert INITIALS in cells
    assert not any("Zelda" in cell for cell in cells)


def test_the_esf_rows_keep_a_protected_personnummer_masked_even_when_asked(scene: Scene) -> None:
    rows = reports.esf(scene.kivo, year=2026, show_personal=True).rows
    shown = {row.case_id: row.personnummer for row in rows}
    assert shown[scene.case] is not None
    assert PNR[8:] not in (shown[scene.case] or "")


def test_the_history_read_by_no_one_named_leaves_out_the_protected_workplace(
    scene: Scene,
) -> None:
    kivo, staff = scene.kivo, scene.staff
    entitled = read_history(kivo, scene.case, by=staff.caseworker).lines
    anonymous = read_history(kivo, scene.case).lines
    assert any("supervisor_id" in line.data for line in entitled)
    assert not any({"workplace_id", "supervisor_id"} & set(line.data) for line in anonymous)
