"""Specification of ``states.schedule``: what entering a step plans, and when reminders go.

Dates are plain: a stay from Monday 2 February to Thursday 30 April 2026 (87 days, so the
midpoint is 17 March). Nothing here reads a clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from states.calendar_bounds import EARLIEST, LATEST, MAX_RULE_DAYS
from states.case import Outcome
from states.ruleset import load_default_rules
from states.schedule import (
    ReminderPolicy,
    ScheduleItem,
    anchor_day,
    on_entering,
    on_exit,
    on_fall_back,
    parse_reminders,
    parse_schedule,
    plan_items,
)

START = date(2026, 2, 2)
END = date(2026, 4, 30)
MIDPOINT = date(2026, 3, 17)
DAY = timedelta(days=1)
OUTCOMES = [o.value for o in Outcome]


def item(name: str = "x", **settings: Any) -> ScheduleItem:
    settings.setdefault("steps", frozenset({2}))
    return ScheduleItem(name=name, kind=settings.pop("kind", "follow-up"), title="T", **settings)


def dues(items: list[ScheduleItem], start: date = START, end: date | None = END) -> list[date]:
    return [planned.due for planned in plan_items(items, start, end)]


# Anchors


def test_the_start_anchor_is_the_first_day_of_the_stay() -> None:
    assert anchor_day("start", START, END) == START
    assert anchor_day("start", START, None) == START


def test_the_midpoint_anchor_is_halfway_rounded_down() -> None:
    assert anchor_day("midpoint", START, END) == MIDPOINT
    assert anchor_day("midpoint", START, START + DAY) == START


def test_the_end_anchor_is_the_planned_end() -> None:
    assert anchor_day("end", START, END) == END


@pytest.mark.parametrize("anchor", ["midpoint", "end"])
def test_a_stay_without_a_planned_end_has_no_midpoint_or_end(anchor: str) -> None:
    assert anchor_day(anchor, START, None) is None


def test_an_item_at_the_start_is_due_on_the_first_day() -> None:
    assert dues([item(anchor="start")]) == [START]


def test_an_item_at_the_midpoint_is_due_halfway() -> None:
    assert dues([item(anchor="midpoint")]) == [MIDPOINT]


def test_an_item_a_week_before_the_end_is_due_seven_days_before_the_planned_end() -> None:
    assert dues([item(anchor="end", offset_days=-7)]) == [date(2026, 4, 23)]


def test_an_offset_moves_the_due_date_from_its_anchor() -> None:
    assert dues([item(anchor="start", offset_days=3)]) == [START + 3 * DAY]
    assert dues([item(anchor="midpoint", offset_days=-2)]) == [MIDPOINT - 2 * DAY]


@pytest.mark.parametrize("anchor", ["midpoint", "end"])
def test_an_item_tied_to_the_end_is_not_planned_when_no_end_is_planned(anchor: str) -> None:
    assert plan_items([item(anchor=anchor)], START, None) == []


def test_a_planned_item_remembers_its_anchor_offset_and_whether_it_is_kept() -> None:
    (planned,) = plan_items(
        [item("after", kind="meeting", anchor="end", offset_days=-7, keep=True)], START, END
    )
    assert (planned.name, planned.kind, planned.title) == ("after", "meeting", "T")
    assert (planned.anchor, planned.offset_days, planned.keep) == ("end", -7, True)


def test_planned_items_come_earliest_first_then_by_name() -> None:
    planned = plan_items(
        [item("b", anchor="end"), item("c", anchor="start"), item("a", anchor="end")], START, END
    )
    assert [(p.due, p.name) for p in planned] == [(START, "c"), (END, "a"), (END, "b")]


# Repetition


def test_a_repeated_item_is_due_every_n_days_after_its_anchor_while_the_stay_runs() -> None:
    assert dues([item(every_days=14)]) == [
        date(2026, 2, 16),
        date(2026, 3, 2),
        date(2026, 3, 16),
        date(2026, 3, 30),
        date(2026, 4, 13),
        date(2026, 4, 27),
    ]


def test_a_repetition_falling_on_the_planned_end_is_not_planned() -> None:
    assert dues([item(every_days=14)], START, START + 28 * DAY) == [START + 14 * DAY]


def test_without_a_planned_end_repetitions_run_for_the_horizon() -> None:
    assert dues([item(every_days=30, horizon_days=100)], START, None) == [
        START + 30 * DAY,
        START + 60 * DAY,
        START + 90 * DAY,
    ]


def test_the_default_horizon_is_a_year() -> None:
    planned = dues([item(every_days=30)], START, None)
    assert len(planned) == 12
    assert planned[-1] == START + 360 * DAY


def test_a_stay_shorter_than_the_interval_plans_no_repetition() -> None:
    assert dues([item(every_days=14)], START, START + 10 * DAY) == []


# Outside the stay


def test_an_item_that_would_fall_before_the_start_is_skipped() -> None:
    short = START + 20 * DAY
    assert dues([item(anchor="end", offset_days=-28)], START, short) == []
    assert dues([item(anchor="start", offset_days=-1)]) == []


def test_an_item_that_would_fall_after_the_end_is_skipped() -> None:
    assert dues([item(anchor="start", offset_days=100)]) == []
    assert dues([item(anchor="end", offset_days=1)]) == []


def test_an_item_on_the_first_or_last_day_is_kept() -> None:
    assert dues([item(anchor="end")]) == [END]
    assert dues([item(anchor="start")], START, START) == [START]


def test_without_a_planned_end_a_single_item_is_never_too_late() -> None:
    assert dues([item(anchor="start", offset_days=365)], START, None) == [START + 365 * DAY]


# Choosing the items


def test_entering_a_step_picks_the_items_that_name_it() -> None:
    items = [item("a", steps=frozenset({2, 3})), item("b", steps=frozenset({4}))]
    assert [i.name for i in on_entering(items, 3)] == ["a"]
    assert on_entering(items, 9) == []


def test_a_fall_back_picks_the_fall_back_items() -> None:
    items = [item("a"), item("b", on_fall_back=True)]
    assert [i.name for i in on_fall_back(items)] == ["b"]


def test_an_exit_picks_the_items_for_its_outcome() -> None:
    items = [item("a", on_exit=frozenset({"employed"})), item("b")]
    assert [i.name for i in on_exit(items, "employed")] == ["a"]
    assert on_exit(items, "moved") == []


def test_the_default_schedule_plans_the_workplace_steps_meetings_contacts_and_decision() -> None:
    schedule = load_default_rules().schedule
    for step in (2, 3, 6, 7, 8):
        names = {p.name for p in plan_items(on_entering(schedule, step), START, END)}
        assert names == {
            "tripartite-start",
            "tripartite-midpoint",
            "tripartite-end",
            "placement-contact",
            "extension-decision",
        }, step
    planned = {p.name: p.due for p in plan_items(on_entering(schedule, 2), START, END)}
    assert planned["tripartite-start"] == START
    assert planned["tripartite-midpoint"] == MIDPOINT
    assert planned["tripartite-end"] == END - 7 * DAY
    assert planned["extension-decision"] == END - 28 * DAY


def test_the_default_schedule_follows_up_studies_monthly() -> None:
    schedule = load_default_rules().schedule
    for step in (4, 5):
        planned = plan_items(on_entering(schedule, step), START, END)
        assert {p.name for p in planned} == {"study-contact"}
        assert [p.due for p in planned] == [START + 30 * DAY, START + 60 * DAY]


def test_the_default_schedule_follows_up_employment_for_a_year_and_keeps_those_items() -> None:
    schedule = load_default_rules().schedule
    for chosen in (on_entering(schedule, 9), on_exit(schedule, "employed")):
        planned = plan_items(chosen, START, None)
        assert [(p.due - START).days for p in planned] == [28, 91, 182, 365]
        assert all(p.keep for p in planned)


def test_the_default_schedule_looks_at_a_fall_back_again_within_14_days() -> None:
    (planned,) = plan_items(on_fall_back(load_default_rules().schedule), START, None)
    assert (planned.name, planned.due) == ("fallback-risk", START + 14 * DAY)


# Reminders


def test_a_reminder_goes_before_the_due_date_on_it_and_escalates_a_week_after() -> None:
    due = date(2026, 3, 20)
    assert ReminderPolicy().sends(due, created_on=date(2026, 3, 1)) == [
        ("before", date(2026, 3, 18)),
        ("due", due),
        ("escalation", date(2026, 3, 27)),
    ]


def test_a_heads_up_already_past_when_the_item_is_created_is_left_out() -> None:
    due = date(2026, 3, 20)
    kinds = [kind for kind, _ in ReminderPolicy().sends(due, created_on=date(2026, 3, 19))]
    assert kinds == ["due", "escalation"]


def test_a_heads_up_due_on_the_day_the_item_is_created_is_kept() -> None:
    due = date(2026, 3, 20)
    kinds = [kind for kind, _ in ReminderPolicy().sends(due, created_on=date(2026, 3, 18))]
    assert kinds == ["before", "due", "escalation"]


def test_the_due_and_escalation_reminders_are_kept_even_when_already_past() -> None:
    due = date(2026, 1, 1)
    kinds = [kind for kind, _ in ReminderPolicy().sends(due, created_on=date(2026, 3, 1))]
    assert kinds == ["due", "escalation"]


def test_the_policy_days_are_configurable() -> None:
    due = date(2026, 3, 20)
    policy = ReminderPolicy(before_days=5, escalate_after_days=1)
    assert policy.sends(due, created_on=date(2026, 3, 1)) == [
        ("before", date(2026, 3, 15)),
        ("due", due),
        ("escalation", date(2026, 3, 21)),
    ]


# Validation of [[schedule]]


def entry(**settings: Any) -> dict[str, Any]:
    return {"name": "check", "kind": "follow-up", "title": "Check", "steps": [2], **settings}


def problems(*entries: Any) -> list[str]:
    items, found = parse_schedule(list(entries), OUTCOMES)
    if found:
        assert len(items) < len(entries)
    return found


def test_a_valid_entry_becomes_an_item_with_the_defaults_filled_in() -> None:
    items, found = parse_schedule([entry()], OUTCOMES)
    assert found == []
    assert items == (
        ScheduleItem(name="check", kind="follow-up", title="Check", steps=frozenset({2})),
    )
    (made,) = items
    assert (made.anchor, made.offset_days, made.every_days) == ("start", 0, None)
    assert (made.keep, made.horizon_days, made.on_fall_back) == (False, 365, False)


def test_every_setting_of_an_entry_is_read() -> None:
    raw = entry(
        kind="meeting",
        steps=[2, 3],
        on_exit=["employed"],
        on_fall_back=True,
        anchor="end",
        offset_days=-7,
        every_days=7,
        keep=True,
        horizon_days=30,
    )
    ((made,), found) = parse_schedule([raw], OUTCOMES)
    assert found == []
    assert made == ScheduleItem(
        "check",
        "meeting",
        "Check",
        frozenset({2, 3}),
        frozenset({"employed"}),
        True,
        "end",
        -7,
        7,
        True,
        30,
    )


def test_a_schedule_that_is_not_a_list_is_refused() -> None:
    assert parse_schedule({"name": "x"}, OUTCOMES) == (
        (),
        ["schedule must be a list of [[schedule]] entries"],
    )


def test_an_entry_that_is_not_a_table_is_refused() -> None:
    assert problems("weekly") == ["schedule entry 1 (?): must be a table"]


def test_an_unknown_setting_is_refused() -> None:
    assert problems(entry(colour="red")) == ["schedule entry 1 (check): unknown setting 'colour'"]


@pytest.mark.parametrize("key", ["name", "kind", "title"])
def test_a_missing_required_setting_is_refused(key: str) -> None:
    raw = entry()
    del raw[key]
    (problem,) = problems(raw)
    assert problem.endswith(f"setting {key!r} is missing")


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("offset_days", "7"),
        ("offset_days", 7.0),
        ("offset_days", True),
        ("every_days", False),
        ("keep", 1),
        ("steps", 2),
        ("title", 3),
    ],
)
def test_a_setting_of_the_wrong_type_is_refused(key: str, value: Any) -> None:
    assert problems(entry(**{key: value})) == [
        f"schedule entry 1 (check): {key} has the wrong type"
    ]


def test_an_unknown_kind_is_refused() -> None:
    assert problems(entry(kind="party")) == [
        "schedule entry 1 (check): kind must be one of meeting, follow-up, decision"
    ]


def test_an_unknown_anchor_is_refused() -> None:
    assert problems(entry(anchor="lunch")) == [
        "schedule entry 1 (check): anchor must be one of start, midpoint, end, exit"
    ]


@pytest.mark.parametrize("steps", [[0], [10], [2, "3"], [True]])
def test_steps_outside_1_to_9_are_refused(steps: list[Any]) -> None:
    assert problems(entry(steps=steps)) == [
        "schedule entry 1 (check): steps must list step numbers 1–9"
    ]


def test_an_exit_outcome_that_does_not_exist_is_refused() -> None:
    (problem,) = problems(entry(on_exit=["rich"]))
    assert problem.startswith("schedule entry 1 (check): on_exit must list outcomes among ")
    assert "employed" in problem


def test_an_entry_that_would_never_be_planned_is_refused() -> None:
    (problem,) = problems(entry(steps=[]))
    assert "says neither steps, on_exit nor on_fall_back" in problem


@pytest.mark.parametrize("key", ["every_days", "horizon_days"])
@pytest.mark.parametrize("days", [0, -1, MAX_RULE_DAYS + 1, 10**9])
def test_an_interval_or_horizon_below_one_day_or_over_ten_years_is_refused(
    key: str, days: int
) -> None:
    assert problems(entry(**{key: days})) == [
        f"schedule entry 1 (check): {key} must be from 1 to {MAX_RULE_DAYS} (ten years)"
    ]


@pytest.mark.parametrize("days", [MAX_RULE_DAYS + 1, -MAX_RULE_DAYS - 1, 10**9, -(10**9)])
def test_an_offset_of_more_than_ten_years_either_way_is_refused(days: int) -> None:
    assert problems(entry(offset_days=days)) == [
        f"schedule entry 1 (check): offset_days must be from -{MAX_RULE_DAYS} to "
        f"{MAX_RULE_DAYS} (ten years)"
    ]


@pytest.mark.parametrize("anchor", ["start", "midpoint", "end"])
@pytest.mark.parametrize("offset", [-MAX_RULE_DAYS, MAX_RULE_DAYS])
def test_the_largest_accepted_spans_plan_without_error_at_both_ends_of_the_calendar(
    anchor: str, offset: int
) -> None:
    (accepted,), found = parse_schedule(
        [entry(anchor=anchor, offset_days=offset, every_days=1, horizon_days=MAX_RULE_DAYS)],
        OUTCOMES,
    )
    assert found == []
    for start, end in ((EARLIEST, EARLIEST + 30 * DAY), (LATEST - 30 * DAY, LATEST)):
        plan_items([accepted], start, end)
        plan_items([accepted], start, None)


def test_a_name_used_twice_is_refused() -> None:
    assert problems(entry(), entry()) == ["schedule entry 2 (check): name 'check' is used twice"]


def test_every_problem_of_every_entry_is_reported_at_once() -> None:
    found = problems(entry(kind="party"), entry(name="b", colour="red"), entry(name="c"))
    assert found == [
        "schedule entry 1 (check): kind must be one of meeting, follow-up, decision",
        "schedule entry 2 (b): unknown setting 'colour'",
    ]


# Validation of [reminders]


def test_valid_reminder_settings_make_the_policy() -> None:
    assert parse_reminders({"before_days": 3, "escalate_after_days": 0}) == (
        ReminderPolicy(3, 0),
        [],
    )


def test_missing_reminder_settings_keep_their_defaults() -> None:
    assert parse_reminders({}) == (ReminderPolicy(2, 7), [])


def test_reminders_that_are_not_a_table_are_refused() -> None:
    assert parse_reminders([1]) == (ReminderPolicy(), ["reminders must be a table"])


def test_an_unknown_reminder_setting_is_refused() -> None:
    assert parse_reminders({"loudness": 3})[1] == ["reminders: unknown setting 'loudness'"]


@pytest.mark.parametrize("value", [-1, "2", 2.0, True, MAX_RULE_DAYS + 1, 10**9])
def test_a_reminder_setting_that_is_not_a_whole_number_of_days_up_to_ten_years_is_refused(
    value: Any,
) -> None:
    policy, found = parse_reminders({"before_days": value})
    assert policy == ReminderPolicy()
    assert found == [
        f"reminders: before_days must be a whole number of days from 0 to {MAX_RULE_DAYS} "
        "(ten years)"
    ]


def test_the_longest_accepted_reminder_spans_send_without_error_at_both_ends_of_the_calendar() -> (
    None
):
    policy, found = parse_reminders(
        {"before_days": MAX_RULE_DAYS, "escalate_after_days": MAX_RULE_DAYS}
    )
    assert found == []
    for due in (EARLIEST, LATEST):
        assert len(policy.sends(due, due)) >= 1
