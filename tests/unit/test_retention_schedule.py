"""The retention schedule is validated at load: every problem named with its key and
line, a schedule with any problem refused whole; and planning is pure and monotone."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from states.retention import (
    KINDS,
    Action,
    ClosedCase,
    RetentionFileError,
    load_default_schedule,
    load_schedule_file,
    parse_schedule,
    plan,
)
from states.retention import (
    default_schedule_text as shipped,
)


def refused(text: str) -> str:
    with pytest.raises(RetentionFileError) as caught:
        parse_schedule(text, source="ours.toml")
    assert caught.value.code == "invalid-retention"
    return caught.value.message


def changed(old: str, new: str) -> str:
    text = shipped()
    assert old in text
    return text.replace(old, new, 1)


def test_the_shipped_schedule_names_its_decision_and_every_kind() -> None:
    schedule = load_default_schedule()
    assert [rule.kind for rule in schedule.kinds] == list(KINDS)
    assert schedule.decision.decided_on == date(2026, 1, 1)
    assert schedule.rule("notes").action is Action.DESTROY
    assert schedule.rule("notes").keep.months == 24
    assert schedule.rule("history").action is Action.ARCHIVE
    assert schedule.rule("reminders").keep.months == 12


def test_a_schedule_that_is_not_toml_is_refused_naming_the_line() -> None:
    message = refused("version = 1\n[decision\n")
    assert "not valid TOML" in message
    assert "line 2" in message


def test_a_wrong_version_is_refused() -> None:
    assert "line 10: version must be 1" in refused(changed("version = 1", "version = 7"))


def test_an_unknown_top_level_key_is_refused() -> None:
    assert "unknown top-level key 'colour'" in refused('colour = "red"\n' + shipped())


def test_a_schedule_without_its_decision_is_refused() -> None:
    text = changed("[decision]", "[the_decision]")
    message = refused(text)
    assert "a [decision] table is required" in message


def test_each_problem_of_the_decision_is_named_with_its_line() -> None:
    text = changed('authority = "kivo default schedule"', 'authority = ""\nextra = 1')
    text = text.replace("date = 2026-01-01", 'date = "soon"')
    message = refused(text)
    assert "line 16: decision.date must be a date" in message
    assert "line 17: decision.authority must be a non-empty text" in message
    assert "line 18: unknown key decision.extra" in message


def test_an_overlong_decision_reference_is_refused() -> None:
    text = changed(
        'reference = "DEFAULT - replace with your gallringsbeslut"',
        'reference = "' + "x" * 81 + '"',
    )
    assert "decision.reference is over 80 characters" in refused(text)


def test_a_schedule_without_records_is_refused() -> None:
    text = "\n".join(
        line
        for line in shipped().splitlines()
        if not line.startswith(("[records", "keep", "action"))
    )
    assert "a [records.KIND] table is required" in refused(text)


def test_an_unknown_kind_of_record_is_refused_naming_the_known_ones() -> None:
    message = refused(shipped() + '\n[records.photos]\nkeep = "1 year"\naction = "destroy"\n')
    assert "unknown kind of record 'photos'" in message
    assert "access_log" in message


def test_a_missing_kind_of_record_is_refused() -> None:
    text = changed('[records.meetings]\nkeep = "2 years"\naction = "destroy"\n', "")
    assert "records.meetings is missing" in refused(text)


def test_a_kind_that_is_not_a_table_is_refused() -> None:
    text = changed('[records.reminders]\nkeep = "1 year"\naction = "destroy"\n', "")
    text = text.replace("version = 1", 'version = 1\nrecords.reminders = "1 year"')
    assert "line 11: records.reminders must be a table" in refused(text)


@pytest.mark.parametrize("keep", ['"2 yeers"', "2", '"-1 months"', '"years"', '""'])
def test_a_keep_that_is_not_a_period_is_refused_naming_its_line(keep: str) -> None:
    message = refused(changed('keep = "2 years"', f"keep = {keep}"))
    assert "line 24: records.notes.keep must be a period" in message


def test_a_missing_keep_is_refused() -> None:
    assert "records.notes.keep must be a period" in refused(changed('keep = "2 years"\n', ""))


def test_an_action_other_than_destroy_or_archive_is_refused() -> None:
    message = refused(changed('action = "archive"', 'action = "shred"'))
    assert 'line 21: records.history.action must be "destroy" or "archive"' in message


def test_an_unknown_key_of_a_kind_is_refused() -> None:
    message = refused(changed('keep = "1 year"', 'keep = "1 year"\nkeep_for = "ever"'))
    assert "unknown key records.reminders.keep_for" in message


def test_every_problem_is_named_at_once() -> None:
    text = changed('action = "archive"', 'action = "shred"').replace('"1 year"', '"1 yr"')
    message = refused(text)
    assert message.startswith("ours.toml: 2 problem(s): ")


def test_periods_count_in_months_and_years(tmp_path: Path) -> None:
    path = tmp_path / "ours.toml"
    path.write_text(changed('keep = "2 years"', 'keep = "18  months"'), encoding="utf-8")
    schedule = load_schedule_file(path)
    assert schedule.source == str(path)
    assert schedule.rule("notes").keep.months == 18
    assert str(schedule.rule("notes").keep) == "18 months"
    assert schedule.rule("notes").keep.after(date(2024, 8, 31)) == date(2026, 2, 28)


def test_an_unreadable_or_non_utf8_schedule_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(RetentionFileError, match="cannot read retention schedule"):
        load_schedule_file(tmp_path / "missing.toml")
    path = tmp_path / "latin1.toml"
    path.write_bytes(b"version = 1\n# \xe5\n")
    with pytest.raises(RetentionFileError, match="line 2 is not UTF-8"):
        load_schedule_file(path)


def test_plan_lists_each_destroyed_kind_present_once_its_period_has_passed() -> None:
    schedule = load_default_schedule()
    case = ClosedCase(7, date(2024, 3, 1), frozenset({"notes", "history", "reminders"}))
    assert plan(schedule, [case], date(2025, 2, 28)) == []
    (reminders,) = plan(schedule, [case], date(2025, 3, 1))
    assert (reminders.kind, reminders.due_since, reminders.keep) == (
        "reminders",
        date(2025, 3, 1),
        "1 year",
    )
    later = plan(schedule, [case], date(2026, 3, 1))
    assert [item.kind for item in later] == ["notes", "reminders"]  # history is archived
    assert later[0].to_dict() == {
        "case": 7,
        "kind": "notes",
        "closed_on": "2024-03-01",
        "keep": "2 years",
        "due_since": "2026-03-01",
        "action": "destroy",
    }


closed_cases = st.lists(
    st.builds(
        ClosedCase,
        st.integers(1, 10_000),
        st.dates(date(2015, 1, 1), date(2030, 12, 31)),
        st.frozensets(st.sampled_from(list(KINDS))),
    ),
    max_size=20,
    unique_by=lambda case: case.case_id,
)


@settings(max_examples=200, deadline=None)
@given(closed_cases, st.dates(date(2015, 1, 1), date(2045, 1, 1)), st.integers(0, 4000))
def test_plan_is_monotone_in_the_date_nothing_due_stops_being_due_later(
    cases: list[ClosedCase], on: date, days_later: int
) -> None:
    schedule = load_default_schedule()
    earlier = set(plan(schedule, cases, on))
    later = set(plan(schedule, cases, on + timedelta(days=days_later)))
    assert earlier <= later
    for item in later:  # and each item is due for the reason it gives
        assert item.kind in KINDS
        assert item.due_since <= on + timedelta(days=days_later)
        assert schedule.rule(item.kind).keep.after(item.closed_on) == item.due_since
