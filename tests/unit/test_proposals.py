"""The pure rules of proposals: which step an acceptance moves into, under which
programme, which cases can be proposed, which proposals can be answered."""

from __future__ import annotations

import pytest

from states.errors import InvalidInput
from states.proposals import (
    DeclinedBy,
    ProposalStatus,
    case_problem,
    decision_problem,
    parse_declined_by,
    parse_proposal_status,
    programme_for,
    step_into,
    step_problem,
)
from states.steps import Step


@pytest.mark.parametrize(
    ("steps", "state", "expected"),
    [
        ([2, 7], "enrolled", Step.SHORT_PRACTICE),
        ([2, 7], "information", Step.SHORT_PRACTICE),
        ([7, 2], "short-practice", Step.FIXED_TERM),  # the place's order does not matter
        ([2, 7], "study-prep", Step.FIXED_TERM),
        ([2, 7], "fixed-term", None),  # not into the step it is in
        ([2], "permanent", None),
        ([3, 6, 9], "vocational-training", Step.WORKPLACE_LEARNING),
    ],
)
def test_the_step_is_the_first_of_the_places_steps_ahead_of_the_case(
    steps: list[int], state: str, expected: Step | None
) -> None:
    assert step_into(steps, state) == expected


def test_a_case_past_every_step_is_told_so_with_the_steps() -> None:
    problem = step_problem([7, 2], "permanent")
    assert problem.code == "proposal-step-passed"
    assert "(2, 7)" in problem.message
    assert not problem.overridable


def test_the_programme_is_the_first_of_the_places_that_runs_the_step() -> None:
    runs = {"PRAKTIK": frozenset({2, 3}), "SAVA": frozenset({7}), "YA": frozenset({8})}
    assert programme_for(["PRAKTIK", "SAVA"], runs, 7) == "SAVA"
    assert programme_for(["SAVA", "PRAKTIK"], runs, 2) == "PRAKTIK"
    assert programme_for(["YA"], runs, 2) is None
    assert programme_for([], runs, 2) is None


@pytest.mark.parametrize(
    ("state", "code"),
    [
        ("enrolled", None),
        ("short-practice", None),
        ("paused", "proposal-case-paused"),
        ("exited", "proposal-case-exited"),
    ],
)
def test_only_an_active_case_can_be_proposed(state: str, code: str | None) -> None:
    problem = case_problem(state)
    assert (problem.code if problem else None) == code


@pytest.mark.parametrize("status", list(ProposalStatus))
def test_only_an_open_proposal_can_be_answered(status: ProposalStatus) -> None:
    problem = decision_problem(status.value, "accepted")
    if status is ProposalStatus.OPEN:
        assert problem is None
    else:
        assert problem is not None
        assert problem.code == "proposal-not-open"
        assert f"the proposal is {status.value}" in problem.message


def test_statuses_and_who_declined_are_parsed_or_named_as_bad_input() -> None:
    assert parse_proposal_status(" Accepted ") is ProposalStatus.ACCEPTED
    assert parse_declined_by("Employer") is DeclinedBy.EMPLOYER
    with pytest.raises(InvalidInput, match="unknown proposal status 'maybe'"):
        parse_proposal_status("maybe")
    with pytest.raises(InvalidInput, match="neither participant nor employer"):
        parse_declined_by("caseworker")
