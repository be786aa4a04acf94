"""Specification of the rule "leaving a placement step needs a tripartite meeting held
during it" (``meeting-not-held``): a rule on the steps a case leaves, not enters.

The facts say how many meetings were recorded as held since the case entered its
current step; the service layer counts them. ``today`` is passed in, never read.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from states.case import ENROLLED, EXITED, PAUSED, CaseFacts, Move, MoveKind, Outcome
from states.errors import RulesFileError
from states.judge import judge, next_steps
from states.rules import ENTERING, LEAVING, REGISTRY
from states.ruleset import default_rules_text, load_default_rules, parse_rules
from states.steps import Step
from states.violations import Severity, Violation

TODAY = date(2026, 3, 2)
RULES = load_default_rules()
CODE = "meeting-not-held"
PLACEMENT_STEPS = (
    "short-practice",
    "study-practice",
    "workplace-learning",
    "fixed-term",
    "vocational-intro",
)
OTHER_STEPS = ("information", "study-prep", "vocational-training", "permanent")


def edited(old: str, new: str) -> str:
    """The default file with the meeting rule's ``old`` text replaced by ``new``."""
    text = default_rules_text()
    start = text.index("[rules.meeting-not-held]")
    end = text.index("\n\n", start)
    section = text[start:end]
    assert old in section, f"the meeting rule's section no longer contains {old!r}"
    return text[:start] + section.replace(old, new, 1) + text[end:]


def leaving(kind: MoveKind, to: Step | None = None, **details: Any) -> Move:
    return Move(kind, on=TODAY, to=to, **details)


def meeting_rule(
    state: str, move: Move, held: int = 0, rules: Any = RULES, **facts: Any
) -> list[Violation]:
    found = rules.evaluate(CaseFacts(state=state, meetings_held_in_step=held, **facts), move)
    return [violation for violation in found if violation.code == CODE]


ADVANCE = leaving(MoveKind.ADVANCE, Step.PERMANENT, workplace_id=1)
FALL_BACK = leaving(MoveKind.FALL_BACK, Step.INFORMATION, reason="ill")
EXIT = leaving(MoveKind.EXIT, outcome=Outcome.JOB_SEEKING)


# The default file


def test_the_rule_is_registered_as_a_rule_on_the_steps_a_case_leaves() -> None:
    assert REGISTRY[CODE].applies == LEAVING
    assert all(spec.applies == ENTERING for code, spec in REGISTRY.items() if code != CODE)


def test_by_default_the_rule_warns_when_a_case_leaves_a_placement_step() -> None:
    (config,) = [rule for rule in RULES.rules if rule.code == CODE]
    assert config.severity is Severity.WARNING
    assert config.enabled is True
    assert {step.number for step in config.steps} == {2, 3, 6, 7, 8}
    assert config.settings == {}


def test_the_default_file_gives_the_rule_a_source() -> None:
    text = default_rules_text()
    section = text[text.index("[rules.meeting-not-held]") :]
    assert section.splitlines()[1].startswith("# ")


def test_a_rules_file_without_the_rule_is_refused() -> None:
    text = default_rules_text()
    start = text.index("[rules.meeting-not-held]")
    text = text[:start] + text[text.index("\n\n", start) + 2 :]
    with pytest.raises(RulesFileError) as caught:
        parse_rules(text, source="org.toml")
    assert caught.value.params["problems"] == [
        "rule 'meeting-not-held' is missing (turn it off with enabled = false)"
    ]


# When it applies


@pytest.mark.parametrize("state", PLACEMENT_STEPS)
@pytest.mark.parametrize("move", [ADVANCE, FALL_BACK, EXIT], ids=["advance", "fall-back", "exit"])
def test_leaving_a_placement_step_without_a_held_meeting_warns(state: str, move: Move) -> None:
    (violation,) = meeting_rule(state, move)
    assert violation.severity is Severity.WARNING
    assert violation.blocking is False
    assert violation.overridable is True


@pytest.mark.parametrize("state", PLACEMENT_STEPS)
@pytest.mark.parametrize("move", [ADVANCE, FALL_BACK, EXIT], ids=["advance", "fall-back", "exit"])
def test_a_meeting_held_during_the_step_satisfies_the_rule(state: str, move: Move) -> None:
    assert meeting_rule(state, move, held=1) == []
    assert meeting_rule(state, move, held=3) == []


@pytest.mark.parametrize("state", [*OTHER_STEPS, ENROLLED])
@pytest.mark.parametrize("move", [ADVANCE, FALL_BACK, EXIT], ids=["advance", "fall-back", "exit"])
def test_leaving_any_other_step_never_needs_a_meeting(state: str, move: Move) -> None:
    assert meeting_rule(state, move) == []


@pytest.mark.parametrize("state", PLACEMENT_STEPS)
def test_pausing_does_not_leave_the_step(state: str) -> None:
    assert meeting_rule(state, leaving(MoveKind.PAUSE, reason="ill")) == []


def test_resuming_does_not_leave_the_step() -> None:
    assert meeting_rule(PAUSED, leaving(MoveKind.RESUME), paused_from="short-practice") == []


def test_exiting_a_case_paused_in_a_placement_step_leaves_that_step() -> None:
    assert meeting_rule(PAUSED, EXIT, paused_from="short-practice") != []
    assert meeting_rule(PAUSED, EXIT, paused_from="study-prep") == []


def test_entering_a_placement_step_is_not_leaving_one() -> None:
    move = leaving(MoveKind.ADVANCE, Step.SHORT_PRACTICE, workplace_id=1)
    assert meeting_rule("information", move) == []


def test_the_warning_names_the_step_left_and_how_to_record_a_meeting() -> None:
    (violation,) = meeting_rule("fixed-term", ADVANCE)
    assert "step 7 fixed-term" in violation.message
    assert "kivo meeting record" in violation.message


# The rule set keeps entry rules on the steps entered


def test_entry_rules_still_judge_only_an_advance_into_their_steps() -> None:
    facts = CaseFacts(state="permanent")
    back = leaving(MoveKind.FALL_BACK, Step.SHORT_PRACTICE, reason="ended")
    assert RULES.evaluate(facts, back) == []
    into = leaving(MoveKind.ADVANCE, Step.PERMANENT)
    codes = [v.code for v in RULES.evaluate(CaseFacts(state="information"), into)]
    assert codes == ["consent-missing", "workplace-missing"]


def test_leaving_one_placement_step_for_another_meets_both_kinds_of_rule() -> None:
    facts = CaseFacts(state="short-practice", consent_on=TODAY)
    move = leaving(MoveKind.ADVANCE, Step.FIXED_TERM, workplace_id=1)
    assert [v.code for v in RULES.evaluate(facts, move)] == ["end-date-missing", CODE]


# Configurable like every rule


def test_the_rule_can_be_made_blocking() -> None:
    rules = parse_rules(edited('severity = "warning"', 'severity = "blocking"'), source="org")
    (violation,) = meeting_rule("short-practice", ADVANCE, rules=rules)
    assert violation.blocking is True
    assert violation.overridable is True


def test_the_rule_can_be_turned_off() -> None:
    rules = parse_rules(
        edited("steps = [2, 3, 6, 7, 8]", "steps = [2, 3, 6, 7, 8]\nenabled = false"), source="org"
    )
    assert meeting_rule("short-practice", ADVANCE, rules=rules) == []


def test_the_rule_applies_to_the_steps_the_file_gives_it() -> None:
    rules = parse_rules(edited("steps = [2, 3, 6, 7, 8]", "steps = [7]"), source="org")
    assert meeting_rule("short-practice", ADVANCE, rules=rules) == []
    assert meeting_rule("fixed-term", ADVANCE, rules=rules) != []


def test_the_rule_takes_no_settings_of_its_own() -> None:
    text = edited("steps = [2, 3, 6, 7, 8]", "steps = [2, 3, 6, 7, 8]\nmin_meetings = 2")
    with pytest.raises(RulesFileError) as caught:
        parse_rules(text, source="org")
    assert caught.value.params["problems"] == [
        "rules.meeting-not-held: unknown setting 'min_meetings'"
    ]


# Judging a move


def test_judging_a_move_out_of_a_placement_records_the_warning_and_allows_the_move() -> None:
    facts = CaseFacts(state="short-practice", consent_on=TODAY)
    verdict = judge(facts, FALL_BACK, RULES, TODAY)
    assert verdict.target == "information"
    assert verdict.blocking == ()
    assert [v.code for v in verdict.warnings] == [CODE]


def test_an_exit_out_of_a_placement_is_judged_by_the_rule() -> None:
    verdict = judge(CaseFacts(state="fixed-term"), EXIT, RULES, TODAY)
    assert (verdict.target, [v.code for v in verdict.warnings]) == (EXITED, [CODE])


def test_a_move_the_path_refuses_is_not_judged_by_the_rule() -> None:
    verdict = judge(CaseFacts(state="fixed-term"), leaving(MoveKind.RESUME), RULES, TODAY)
    assert [v.code for v in verdict.violations] == ["not-paused"]


def test_next_steps_show_the_missing_meeting_as_a_warning_never_as_a_need() -> None:
    facts = CaseFacts(state="short-practice", consent_on=TODAY)
    for _, verdict in next_steps(facts, RULES, TODAY):
        assert CODE in {v.code for v in verdict.warnings}
        assert CODE not in {v.code for v in verdict.blocking}
    held = CaseFacts(state="short-practice", consent_on=TODAY, meetings_held_in_step=1)
    for _, verdict in next_steps(held, RULES, TODAY):
        assert verdict.warnings == ()
