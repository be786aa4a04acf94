"""Specification of judging a move: the path's refusals, the dates, then the rules.

``today`` is always passed in; nothing here reads the clock.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from states.case import ENROLLED, EXITED, PAUSED, CaseFacts, Move, MoveKind, SupervisorFacts
from states.judge import Verdict, judge, next_steps
from states.machine import path_machine
from states.ruleset import RuleSet, default_rules_text, load_default_rules, parse_rules
from states.steps import Step
from states.violations import Severity, Violation

TODAY = date(2026, 3, 2)
DAY = timedelta(days=1)
RULES = load_default_rules()
NO_RULES = parse_rules(
    default_rules_text()
    .replace('severity = "blocking"\n', 'severity = "blocking"\nenabled = false\n')
    .replace('severity = "warning"\n', 'severity = "warning"\nenabled = false\n'),
    source="all-off",
)


def move(kind: MoveKind, to: Step | None = None, on: date = TODAY, **details: Any) -> Move:
    return Move(kind, on=on, to=to, **details)


def verdict_of(
    state: str, kind: MoveKind, to: Step | None = None, rules: RuleSet = RULES, **facts: Any
) -> Verdict:
    return judge(CaseFacts(state=state, **facts), move(kind, to), rules, TODAY)


def only_refusal(verdict: Verdict) -> Violation:
    assert verdict.target is None
    (violation,) = verdict.violations
    assert violation.blocking
    assert violation.overridable is False
    return violation


def test_the_all_off_rule_set_really_has_every_rule_disabled() -> None:
    assert NO_RULES.rules
    assert not any(rule.enabled for rule in NO_RULES.rules)


# Structural refusals


@pytest.mark.parametrize("kind", list(MoveKind))
def test_any_move_of_an_exited_case_is_refused_as_case_exited(kind: MoveKind) -> None:
    violation = only_refusal(verdict_of(EXITED, kind, Step.PERMANENT))
    assert violation.code == "case-exited"


@pytest.mark.parametrize("kind", [MoveKind.ADVANCE, MoveKind.FALL_BACK])
def test_a_step_move_of_a_paused_case_is_refused_as_case_paused(kind: MoveKind) -> None:
    verdict = verdict_of(PAUSED, kind, Step.INFORMATION, paused_from="study-prep")
    assert only_refusal(verdict).code == "case-paused"


def test_pausing_a_paused_case_is_refused_and_cannot_be_overridden() -> None:
    verdict = verdict_of(PAUSED, MoveKind.PAUSE, paused_from="study-prep")
    assert only_refusal(verdict).code in {"case-paused", "already-paused"}


def test_pausing_a_paused_case_is_refused_as_already_paused() -> None:
    verdict = verdict_of(PAUSED, MoveKind.PAUSE, paused_from="study-prep")
    assert only_refusal(verdict).code == "already-paused"


@pytest.mark.parametrize("state", [ENROLLED, "information", "permanent"])
def test_resuming_a_case_that_is_not_paused_is_refused_as_not_paused(state: str) -> None:
    assert only_refusal(verdict_of(state, MoveKind.RESUME)).code == "not-paused"


@pytest.mark.parametrize("kind", [MoveKind.ADVANCE, MoveKind.FALL_BACK])
def test_a_move_to_the_current_step_is_refused_as_same_step(kind: MoveKind) -> None:
    violation = only_refusal(verdict_of("study-prep", kind, Step.STUDY_PREP))
    assert violation.code == "same-step"
    assert "4 study-prep" in violation.message


def test_an_advance_to_an_earlier_step_is_refused_as_not_forward() -> None:
    violation = only_refusal(verdict_of("fixed-term", MoveKind.ADVANCE, Step.INFORMATION))
    assert violation.code == "not-forward"
    assert "7 fixed-term" in violation.message
    assert "fall-back" in violation.message


def test_a_fall_back_to_a_later_step_is_refused_as_not_backward() -> None:
    violation = only_refusal(verdict_of("information", MoveKind.FALL_BACK, Step.PERMANENT))
    assert violation.code == "not-backward"
    assert "1 information" in violation.message


def test_a_fall_back_of_an_enrolled_case_is_refused_as_no_step_yet() -> None:
    violation = only_refusal(verdict_of(ENROLLED, MoveKind.FALL_BACK, Step.INFORMATION))
    assert violation.code == "no-step-yet"


def test_a_structural_refusal_is_not_followed_by_rule_violations() -> None:
    verdict = verdict_of("permanent", MoveKind.ADVANCE, Step.SHORT_PRACTICE)
    assert [v.code for v in verdict.violations] == ["not-forward"]


def test_a_structural_refusal_serialises_as_not_overridable() -> None:
    violation = only_refusal(verdict_of(EXITED, MoveKind.RESUME))
    assert violation.to_dict() == {
        "code": "case-exited",
        "message": violation.message,
        "severity": "blocking",
        "overridable": False,
    }


# Allowed moves


@pytest.mark.parametrize(
    ("state", "kind", "to", "paused_from", "target"),
    [
        (ENROLLED, MoveKind.ADVANCE, Step.STUDY_PREP, None, "study-prep"),
        ("permanent", MoveKind.FALL_BACK, Step.INFORMATION, None, "information"),
        ("study-prep", MoveKind.PAUSE, None, None, PAUSED),
        (PAUSED, MoveKind.RESUME, None, "study-prep", "study-prep"),
        (PAUSED, MoveKind.EXIT, None, "study-prep", EXITED),
        (ENROLLED, MoveKind.EXIT, None, None, EXITED),
    ],
)
def test_an_allowed_move_leads_where_the_path_says_without_violations(
    state: str, kind: MoveKind, to: Step | None, paused_from: str | None, target: str
) -> None:
    verdict = verdict_of(state, kind, to, rules=NO_RULES, paused_from=paused_from)
    assert verdict == Verdict(target, ())


def test_the_rules_are_judged_on_an_allowed_advance() -> None:
    verdict = verdict_of(ENROLLED, MoveKind.ADVANCE, Step.PERMANENT)
    assert verdict.target == "permanent"
    assert [v.code for v in verdict.blocking] == ["consent-missing", "workplace-missing"]


def test_a_missing_consent_cannot_be_overridden_but_the_other_rules_can() -> None:
    verdict = verdict_of(ENROLLED, MoveKind.ADVANCE, Step.PERMANENT)
    overridable = {v.code: v.overridable for v in verdict.blocking}
    assert overridable == {"consent-missing": False, "workplace-missing": True}


def test_consent_missing_stays_not_overridable_when_weighed_by_the_rule_set() -> None:
    found = [Violation("consent-missing", "no consent"), Violation("supervisor-full", "full")]
    weighed = RULES.weigh(found, Step.SHORT_PRACTICE)
    assert [(v.code, v.overridable) for v in weighed] == [
        ("consent-missing", False),
        ("supervisor-full", True),
    ]


def test_the_rules_are_not_judged_on_a_fall_back() -> None:
    verdict = verdict_of("permanent", MoveKind.FALL_BACK, Step.SHORT_PRACTICE)
    assert verdict == Verdict("short-practice", ())


def test_warnings_and_blocking_violations_are_told_apart() -> None:
    text = default_rules_text().replace(
        'severity = "blocking"\nsteps = [7]', 'severity = "warning"\nsteps = [7]'
    )
    rules = parse_rules(text, source="org.toml")
    verdict = verdict_of(ENROLLED, MoveKind.ADVANCE, Step.FIXED_TERM, rules, consent_on=TODAY)
    assert [v.code for v in verdict.blocking] == ["workplace-missing"]
    assert [v.code for v in verdict.warnings] == ["end-date-missing"]
    assert verdict.warnings[0].severity is Severity.WARNING


def test_judging_leaves_no_model_on_the_shared_machine() -> None:
    verdict_of(EXITED, MoveKind.ADVANCE, Step.PERMANENT)
    verdict_of(ENROLLED, MoveKind.ADVANCE, Step.PERMANENT)
    assert path_machine().model_count() == 0


# Dates


def test_a_move_dated_today_is_not_in_the_future() -> None:
    verdict = judge(CaseFacts(state=ENROLLED), move(MoveKind.PAUSE), NO_RULES, TODAY)
    assert verdict == Verdict(PAUSED, ())


def test_a_move_dated_after_today_is_refused_as_date_in_future() -> None:
    verdict = judge(
        CaseFacts(state=ENROLLED), move(MoveKind.PAUSE, on=TODAY + DAY), NO_RULES, TODAY
    )
    assert verdict.target == PAUSED
    (violation,) = verdict.blocking
    assert violation.code == "date-in-future"
    assert violation.overridable is False
    assert (TODAY + DAY).isoformat() in violation.message


def test_a_move_dated_on_the_day_of_the_last_move_is_allowed() -> None:
    facts = CaseFacts(state="study-prep", last_move_on=TODAY - DAY)
    verdict = judge(facts, move(MoveKind.PAUSE, on=TODAY - DAY), NO_RULES, TODAY)
    assert verdict.violations == ()


def test_a_move_dated_before_the_last_move_is_refused_as_date_before_last_move() -> None:
    facts = CaseFacts(state="study-prep", last_move_on=TODAY - DAY)
    verdict = judge(facts, move(MoveKind.PAUSE, on=TODAY - 2 * DAY), NO_RULES, TODAY)
    (violation,) = verdict.blocking
    assert violation.code == "date-before-last-move"
    assert violation.overridable is False
    assert (TODAY - DAY).isoformat() in violation.message


def test_a_date_problem_is_reported_alongside_a_structural_refusal() -> None:
    facts = CaseFacts(state=EXITED, last_move_on=TODAY)
    verdict = judge(facts, move(MoveKind.EXIT, on=TODAY + DAY), NO_RULES, TODAY)
    assert verdict.target is None
    assert [v.code for v in verdict.violations] == ["case-exited", "date-in-future"]


# next_steps


def needs(steps: list[tuple[Step, Verdict]]) -> dict[int, set[str]]:
    return {step.number: {v.code for v in verdict.blocking} for step, verdict in steps}


def test_an_enrolled_case_may_advance_to_every_step_with_its_blocking_needs() -> None:
    assert needs(next_steps(CaseFacts(state=ENROLLED), RULES, TODAY)) == {
        1: set(),
        2: {"consent-missing", "workplace-missing", "supervisor-missing"},
        3: {"consent-missing", "workplace-missing", "supervisor-missing"},
        4: set(),
        5: set(),
        6: {
            "consent-missing",
            "workplace-missing",
            "supervisor-missing",
            "apl-outside-training",
        },
        7: {"consent-missing", "workplace-missing", "end-date-missing"},
        8: {
            "consent-missing",
            "workplace-missing",
            "supervisor-missing",
            "ya-not-eligible",
        },
        9: {"consent-missing", "workplace-missing"},
    }


def test_a_case_in_vocational_training_may_go_on_to_workplace_learning_or_employment() -> None:
    facts = CaseFacts(
        state="vocational-training",
        consent_on=TODAY - 10 * DAY,
        birth_date=date(2005, 1, 1),
        last_move_on=TODAY - 5 * DAY,
    )
    assert needs(next_steps(facts, RULES, TODAY)) == {
        6: {"workplace-missing", "supervisor-missing"},
        7: {"workplace-missing", "end-date-missing"},
        8: {"workplace-missing", "supervisor-missing"},
        9: {"workplace-missing"},
    }


def test_next_steps_are_judged_today_even_when_the_last_move_was_earlier() -> None:
    facts = CaseFacts(state="information", last_move_on=TODAY - 30 * DAY)
    for _, verdict in next_steps(facts, RULES, TODAY):
        assert not {v.code for v in verdict.violations} & {
            "date-in-future",
            "date-before-last-move",
        }


def test_a_case_in_the_last_step_has_no_next_step() -> None:
    assert next_steps(CaseFacts(state="permanent"), RULES, TODAY) == []


@pytest.mark.parametrize("state", [PAUSED, EXITED])
def test_a_paused_or_exited_case_has_no_next_step(state: str) -> None:
    facts = CaseFacts(state=state, paused_from="information" if state == PAUSED else None)
    assert next_steps(facts, RULES, TODAY) == []


def test_next_steps_list_exactly_the_later_steps() -> None:
    listed = [step for step, _ in next_steps(CaseFacts(state="study-practice"), NO_RULES, TODAY)]
    assert listed == [Step(n) for n in range(4, 10)]


def test_a_supervisor_is_part_of_a_move_so_next_steps_always_ask_for_one() -> None:
    facts = CaseFacts(state="vocational-training", consent_on=TODAY)
    sup = SupervisorFacts(id=1, workplace_id=1, trained_on=TODAY)
    full = judge(
        facts,
        move(MoveKind.ADVANCE, Step.WORKPLACE_LEARNING, workplace_id=1, supervisor=sup),
        RULES,
        TODAY,
    )
    assert full.violations == ()
    listed = dict(next_steps(facts, RULES, TODAY))
    assert "supervisor-missing" in {v.code for v in listed[Step.WORKPLACE_LEARNING].blocking}


def test_next_steps_after_a_refused_advance_judge_the_options_it_gave() -> None:
    facts = CaseFacts(state=ENROLLED, birth_date=date(2005, 1, 1))
    sup = SupervisorFacts(id=1, workplace_id=1, trained_on=TODAY)
    refused = move(MoveKind.ADVANCE, Step.SHORT_PRACTICE, workplace_id=1, supervisor=sup)
    listed = needs(next_steps(facts, RULES, TODAY, refused))
    assert listed[2] == listed[3] == listed[9] == {"consent-missing"}
    assert listed[7] == {"consent-missing", "end-date-missing"}
    assert listed[6] == {"consent-missing", "apl-outside-training"}


def test_next_steps_after_a_refused_move_back_ask_for_every_detail_as_usual() -> None:
    facts = CaseFacts(state="study-prep", consent_on=TODAY)
    back = move(MoveKind.FALL_BACK, Step.INFORMATION, reason="r")
    assert next_steps(facts, RULES, TODAY, back) == next_steps(facts, RULES, TODAY)


# A placement started in the step the case is in


TRAINED = SupervisorFacts(id=1, workplace_id=1, trained_on=date(2025, 1, 1))


def start_in(step: Step, **facts: Any) -> Verdict:
    """A placement start at workplace 1 with a trained supervisor, consent given."""
    placement = move(MoveKind.START_PLACEMENT, step, workplace_id=1, supervisor=TRAINED)
    known = CaseFacts(state=step.slug, consent_on=date(2026, 1, 1), **facts)
    return judge(known, placement, RULES, TODAY)


def test_a_placement_starts_in_a_workplace_step_and_the_case_stays_there() -> None:
    assert start_in(Step.SHORT_PRACTICE) == Verdict(Step.SHORT_PRACTICE.slug)


def test_a_placement_start_beside_an_open_placement_is_refused_as_placement_open() -> None:
    verdict = start_in(Step.STUDY_PRACTICE, placement_open=True)
    assert [(v.code, v.overridable) for v in verdict.violations] == [("placement-open", False)]


@pytest.mark.parametrize("state", [ENROLLED, "information", "study-prep", "vocational-training"])
def test_a_placement_start_outside_a_workplace_step_is_refused_as_no_workplace_step(
    state: str,
) -> None:
    facts = CaseFacts(state=state, consent_on=date(2026, 1, 1))
    to = facts.step
    found = only_refusal(judge(facts, move(MoveKind.START_PLACEMENT, to), RULES, TODAY))
    assert found.code == "no-workplace-step"
    assert "happens at no workplace" in found.message


def test_a_placement_start_is_judged_by_the_entry_rules_of_its_step() -> None:
    untrained = SupervisorFacts(id=2, workplace_id=1, trained_on=None)
    placement = move(MoveKind.START_PLACEMENT, Step.SHORT_PRACTICE, supervisor=untrained)
    verdict = judge(CaseFacts(state="short-practice"), placement, RULES, TODAY)
    assert {v.code for v in verdict.blocking} == {
        "consent-missing",
        "workplace-missing",
        "supervisor-untrained",
    }


def test_a_placement_start_in_workplace_learning_is_not_judged_on_the_way_into_it() -> None:
    assert start_in(Step.WORKPLACE_LEARNING).violations == ()
    into = move(MoveKind.ADVANCE, Step.WORKPLACE_LEARNING, workplace_id=1, supervisor=TRAINED)
    came = judge(CaseFacts(state="study-prep", consent_on=date(2026, 1, 1)), into, RULES, TODAY)
    assert [v.code for v in came.violations] == ["apl-outside-training"]


def test_a_placement_start_is_held_to_its_programmes_own_checks() -> None:
    placement = move(
        MoveKind.START_PLACEMENT,
        Step.VOCATIONAL_INTRO,
        workplace_id=1,
        programme="YA",
        until=TODAY + 200 * DAY,
        training_share=5,
        extent=100,
    )
    facts = CaseFacts(state="vocational-intro", consent_on=date(2026, 1, 1), birth_year=2004)
    verdict = judge(facts, placement, RULES, TODAY)
    assert "training-share-too-low" in {v.code for v in verdict.violations}
