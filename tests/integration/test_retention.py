"""Retention (gallring) on SQLite and PostgreSQL: the plan lists exactly what the
schedule makes due, apply destroys exactly that through the sanctioned door, one
transaction and one destruction record per case, and does nothing more when run again;
refused input writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from pathway.context import Kivo
from pathway.errors import NotPermitted
from pathway.retention import apply_retention, load_schedule, plan_retention
from states.errors import InvalidInput
from states.retention import RetentionFileError, load_default_schedule
from tests.integration.retention_support import CLOSED_ON, closed_case, held, removals
from tests.integration.support import Staff, enrol_case, table_contents

LATER = "2029-01-01T09:00:00"  # over two years after CLOSED_ON: all the defaults are due
SCHEDULE = load_default_schedule()


@pytest.fixture
def later(make_kivo: Callable[..., Kivo]) -> Kivo:
    return make_kivo(now=LATER)


def test_the_plan_lists_exactly_what_is_due_and_why(kivo: Kivo, staff: Staff) -> None:
    case_id = closed_case(kivo, staff)
    open_case = enrol_case(kivo, staff, name="Bo Öppen")

    before_a_year = plan_retention(kivo, SCHEDULE, on=date(2027, 2, 19))
    a_year_on = plan_retention(kivo, SCHEDULE, on=date(2027, 2, 20))
    two_years_on = plan_retention(kivo, SCHEDULE, on=date(2028, 2, 20))

    assert before_a_year.items == ()
    assert [(i.case_id, i.kind, i.due_since) for i in a_year_on.items] == [
        (case_id, "reminders", date(2027, 2, 20))
    ]
    assert [(i.case_id, i.kind) for i in two_years_on.items] == [
        (case_id, kind) for kind in ("notes", "meetings", "reminders", "access_log")
    ]
    assert {i.closed_on for i in two_years_on.items} == {CLOSED_ON}
    assert open_case not in two_years_on.cases
    assert "Anna" not in str(two_years_on.to_dict())  # case ids, never names


def test_apply_destroys_what_is_due_keeps_the_archive_and_records_it(
    kivo: Kivo, staff: Staff, later: Kivo
) -> None:
    case_id = closed_case(kivo, staff)
    open_case = enrol_case(kivo, staff, name="Bo Öppen")
    had, open_had = held(kivo.database, case_id), held(kivo.database, open_case)
    assert all(had[kind] for kind in ("notes", "meetings", "reminders", "access_log"))

    run = apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)

    left = held(kivo.database, case_id)
    assert {kind: left[kind] for kind in ("notes", "meetings", "reminders", "access_log")} == {
        "notes": 0,
        "meetings": 0,
        "reminders": 0,
        "access_log": 0,
    }
    assert left["history"] == had["history"]  # archived by the default schedule: kept
    assert held(kivo.database, open_case) == open_had
    [(recorded_case, kind, decision, counts)] = removals(kivo.database)
    assert (recorded_case, kind) == (case_id, "retention")
    assert decision == str(SCHEDULE.decision)
    assert counts == run.cases[0].counts
    assert counts["reminders"] == had["reminders"]
    assert counts["access_log"] == had["access_log"]
    assert counts["notes"] == had["notes"]
    assert counts["meetings"] == had["meetings"]
    contents = table_contents(kivo.database)
    assert "Anna" not in repr(contents["data_removal"])
    assert not any("Anna" in repr(row) for row in contents["case_note"] + contents["meeting"])
    assert contents["removal_in_progress"] == []


def test_applying_again_for_the_same_day_does_nothing_more(
    kivo: Kivo, staff: Staff, later: Kivo
) -> None:
    closed_case(kivo, staff)
    apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)
    after_first = table_contents(kivo.database)

    again = apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)

    assert again.cases == ()
    assert table_contents(kivo.database) == after_first
    assert plan_retention(later, SCHEDULE, on=date(2028, 12, 31)).items == ()


def test_a_schedule_that_destroys_history_and_placements_removes_them_too(
    kivo: Kivo, staff: Staff, later: Kivo, tmp_path: Path
) -> None:
    case_id = closed_case(kivo, staff)
    path = tmp_path / "ours.toml"
    destroying = (
        SCHEDULE_TEXT().replace('"archive"', '"destroy"').replace('"10 years"', '"2 years"')
    )
    path.write_text(destroying, encoding="utf-8")
    schedule = load_schedule(str(path))

    apply_retention(later, schedule, on=date(2028, 12, 31), by=staff.coordinator)

    assert set(held(kivo.database, case_id).values()) == {0}
    [(_, _, _, counts)] = removals(kivo.database)
    assert counts["history"] > 0


def SCHEDULE_TEXT() -> str:  # noqa: N802  (reads as the constant it stands for)
    from states.retention import default_schedule_text

    return default_schedule_text()


@pytest.mark.parametrize(
    ("on", "by", "refusal"),
    [
        (date(2029, 1, 2), "coordinator", InvalidInput),  # the day after today
        (date(2028, 12, 31), "caseworker", NotPermitted),
        (date(2028, 12, 31), None, NotPermitted),
    ],
)
def test_refused_input_gets_a_clear_sentence_and_writes_nothing(
    kivo: Kivo,
    staff: Staff,
    later: Kivo,
    on: date,
    by: str | None,
    refusal: type[Exception],
) -> None:
    closed_case(kivo, staff)
    before = table_contents(kivo.database)
    actor = None if by is None else getattr(staff, by)

    with pytest.raises(refusal) as caught:
        apply_retention(later, SCHEDULE, on=on, by=actor)

    message = str(caught.value)
    assert "in the future" in message or "only a coordinator may apply retention" in message
    assert table_contents(kivo.database) == before


def test_a_malformed_schedule_is_refused_before_anything_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(SCHEDULE_TEXT().replace('keep = "1 year"', 'keep = "a year"'), encoding="utf-8")
    with pytest.raises(RetentionFileError, match=r"line 36: records.reminders.keep must be"):
        load_schedule(str(path))


def test_the_schedule_is_configured_once_by_kivo_retention(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(SCHEDULE_TEXT().replace('"2 years"', '"3 years"'), encoding="utf-8")
    monkeypatch.setenv("KIVO_RETENTION", str(path))
    assert load_schedule().rule("notes").keep.months == 36
    assert load_schedule(None).source == str(path)
    monkeypatch.delenv("KIVO_RETENTION")
    assert load_schedule().source == "default"


def test_what_apply_destroys_is_in_neither_the_sqlite_file_nor_its_wal(
    sqlite_url: str, tmp_path: Path
) -> None:
    from pathway.bootstrap import bootstrap
    from tests.conftest import DEFAULT_NOW
    from tests.integration.support import add_staff

    kivo, later = bootstrap(sqlite_url, now=DEFAULT_NOW), bootstrap(sqlite_url, now=LATER)
    try:
        staff = add_staff(kivo)
        closed_case(kivo, staff, name="Zebulon Quixwright")
        files = [Path(sqlite_url.removeprefix("sqlite:///"))]
        files.append(files[0].with_name(files[0].name + "-wal"))
        marks = (b"Ringde Zebulon", b"Zebulon Quixwright trivs", b"Zebulon Quixwright sjuk")
        kivo.close()  # its connections checkpoint nothing more behind our back
        written = b"".join(path.read_bytes() for path in files if path.exists())
        assert any(mark in written for mark in marks)

        apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)

        left = b"".join(path.read_bytes() for path in files if path.exists())
        assert [mark for mark in marks if mark in left] == []
    finally:
        kivo.close()
        later.close()


def test_a_handovers_note_in_the_history_is_destroyed_with_the_notes(
    kivo: Kivo, staff: Staff, later: Kivo
) -> None:
    from pathway import handover, moves
    from states.case import Outcome
    from tests.integration.support import events_of

    case_id = enrol_case(kivo, staff)
    handover.transfer_caseload(
        kivo,
        staff.caseworker,
        staff.coordinator,
        case_ids=[case_id],
        note="Amira mår dåligt",
        by=staff.coordinator,
    )
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=CLOSED_ON, by=staff.coordinator)
    noted = [e for e in events_of(kivo, case_id) if "note" in e.data]
    assert [e.data["note"] for e in noted] == ["Amira mår dåligt"]
    due = plan_retention(later, SCHEDULE, on=date(2028, 12, 31)).items
    assert "notes" in {item.kind for item in due}

    run = apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)

    events = events_of(kivo, case_id)
    assert not [e for e in events if "note" in e.data]
    kept = [e for e in events if e.id == noted[0].id]
    assert kept[0].data["to"] == staff.coordinator  # the rest of the handover stays
    assert run.cases[0].counts["notes"] >= 1
    assert plan_retention(later, SCHEDULE, on=date(2028, 12, 31)).items == ()


def test_the_reports_give_the_same_numbers_after_the_default_schedule_is_applied(
    kivo: Kivo, staff: Staff, later: Kivo
) -> None:
    from pathway import reports

    for number in range(3):
        closed_case(kivo, staff, name=f"Deltagare {number}")
    enrol_case(kivo, staff, name="Bo Öppen")
    start, end = date(2026, 1, 1), date(2026, 12, 31)

    def numbers() -> list[object]:
        return [
            reports.funnel(later, start=start, end=end),
            reports.outcomes(later, start=start, end=end),
            reports.fallbacks(later, start=start, end=end),
            reports.time_in_step(later, start=start, end=end),
            reports.lead_time(later, start=start, end=end),
            reports.esf(later, start=start, end=end),
        ]

    before = numbers()
    run = apply_retention(later, SCHEDULE, on=date(2028, 12, 31), by=staff.coordinator)

    assert len(run.cases) == 3
    assert numbers() == before
