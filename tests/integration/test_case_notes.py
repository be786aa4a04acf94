"""Case notes, on SQLite and PostgreSQL: dated by the clock, append-only in the
database, refused when blank or carrying a control character, masked where they hold a
personnummer, and in no export.

Today is Monday 2026-03-02, 09:00 in Sweden.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pathway import handover, moves
from pathway.context import Kivo
from pathway.exporting import KINDS, export
from pathway.notes import add_note, list_notes
from states.case import Outcome
from states.errors import InvalidInput, NotFound
from states.notes import MAX_NOTE
from tests.integration.support import (
    Staff,
    engine_of,
    enrol_case,
    fresh_personnummer,
    table_contents,
)

LOCAL = ZoneInfo("Europe/Stockholm")
NOW = datetime(2026, 3, 2, 9, tzinfo=LOCAL)


def test_a_note_is_kept_with_the_clocks_time_its_author_and_its_text(
    make_kivo: Callable[..., Kivo], staff: Staff
) -> None:
    kivo = make_kivo()
    case_id = enrol_case(kivo, staff)

    first = add_note(kivo, case_id, "  Ringde Amira: börjar måndag.  ", by=staff.caseworker)
    later = make_kivo("2026-03-04T15:30:00")
    second = add_note(later, case_id, "Handledaren hörde av sig")

    assert (first.case_id, first.recorded_at, first.author_id, first.author, first.text) == (
        case_id,
        NOW,
        staff.caseworker,
        "Hanna Handläggare",
        "Ringde Amira: börjar måndag.",
    )
    assert list_notes(kivo, case_id) == [
        first,
        type(second)(
            second.id,
            case_id,
            datetime(2026, 3, 4, 15, 30, tzinfo=LOCAL),
            None,
            None,
            "Handledaren hörde av sig",
        ),
    ]
    assert second.recorded_at == datetime(2026, 3, 4, 15, 30, tzinfo=LOCAL)
    assert list_notes(kivo, enrol_case(kivo, staff, name="Utan Anteckning")) == []


def test_an_exited_case_still_takes_a_note(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED)

    note = add_note(kivo, case_id, "Flyttat till Malmö, akten skickad")

    assert [n.id for n in list_notes(kivo, case_id)] == [note.id]


@pytest.mark.parametrize(
    ("written", "problem"),
    [
        ("", "is empty"),
        ("   ", "is empty"),
        ("rad ett\nrad två", "control character"),
        ("tab\there", "control character"),
        ("\x1b]0;hacked\x07titel", "control character"),
        ("\x1b[2Jrensad skärm", "control character"),
        ("omvänd \u202etxet", "control character"),
        ("x" * (MAX_NOTE + 1), "longer than"),
    ],
)
def test_a_blank_note_or_one_with_a_control_character_is_bad_input_and_nothing_is_written(
    kivo: Kivo, staff: Staff, written: str, problem: str
) -> None:
    case_id = enrol_case(kivo, staff)
    before = table_contents(kivo.database)

    with pytest.raises(InvalidInput, match=problem) as error:
        add_note(kivo, case_id, written)

    assert error.value.params == {"field": "text"}
    assert table_contents(kivo.database) == before


def test_a_note_on_an_unknown_case_or_by_an_inactive_caseworker_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    gone = handover.deactivate_caseworker(
        kivo, staff.coordinator, by=staff.coordinator
    ).caseworker_id
    before = table_contents(kivo.database)

    with pytest.raises(NotFound, match="no case with id 999"):
        add_note(kivo, 999, "till ingen")
    with pytest.raises(InvalidInput, match="no longer active"):
        add_note(kivo, case_id, "av någon som slutat", by=gone)

    assert table_contents(kivo.database) == before


def test_a_personnummer_written_in_a_note_is_masked_unless_asked_for(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    pnr = fresh_personnummer("19980412")
    dashed = f"{pnr[:8]}-{pnr[8:]}"

    shown = add_note(kivo, case_id, f"Brodern {dashed} ringde")

    assert shown.text == f"Brodern {pnr[:8]}-**** ringde"
    (masked,) = list_notes(kivo, case_id)
    (full,) = list_notes(kivo, case_id, show_personal=True)
    assert masked.text == shown.text
    assert full.text == f"Brodern {dashed} ringde"


@pytest.mark.parametrize(
    "statement",
    ["UPDATE case_note SET text = 'ändrad'", "DELETE FROM case_note"],
)
def test_the_database_refuses_to_change_or_delete_a_note(
    kivo: Kivo, staff: Staff, statement: str
) -> None:
    add_note(kivo, enrol_case(kivo, staff), "står kvar")

    with pytest.raises(DBAPIError, match="append-only"), engine_of(kivo.database).begin() as db:
        db.execute(text(statement))

    assert [n.text for n in list_notes(kivo, 1)] == ["står kvar"]


@pytest.mark.parametrize("show_personal", [False, True])
def test_no_export_holds_a_note(
    kivo: Kivo, staff: Staff, tmp_path: Path, show_personal: bool
) -> None:
    case_id = enrol_case(kivo, staff, pnr=fresh_personnummer("19900101"))
    add_note(kivo, case_id, "HEMLIG-ANTECKNING om hälsan", by=staff.caseworker)

    for kind in KINDS:
        for form in ("csv", "jsonl"):
            path = tmp_path / f"{kind}-{show_personal}.{form}"
            written = export(kivo, kind, path, format=form, show_personal=show_personal)
            content = path.read_text(encoding="utf-8")
            assert written.rows > 0 or kind != "cases", (kind, form)
            assert "HEMLIG-ANTECKNING" not in content, (kind, form)
            assert "hälsan" not in content, (kind, form)
