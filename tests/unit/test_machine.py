"""Specification of the path's transition table and the one shared Machine that runs it.

``oracle`` restates the "States of a case" section of DESIGN.md independently of
``states.machine``; hypothesis checks that the Machine agrees with it everywhere.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states import machine as machine_module
from states.case import ALL_STATES, ENROLLED, EXITED, PAUSED, STEP_STATES, MoveKind
from states.machine import PathMachine, path_machine, transition_table
from states.steps import Step

WORKPLACE_STEPS = {step.slug for step in Step if step.number in (2, 3, 6, 7, 8, 9)}
RANK = {ENROLLED: 0, **{step.slug: step.number for step in Step}}
"""Position on the path: enrolled before step 1, then the step number."""


def oracle(state: str, kind: MoveKind, to: str | None, paused_from: str | None) -> str | None:
    """Where DESIGN.md says a move leads, or None when it is refused."""
    if state == EXITED:
        return None
    if state == PAUSED:
        if kind is MoveKind.RESUME:
            return paused_from if paused_from in RANK else None
        return EXITED if kind is MoveKind.EXIT else None
    here = RANK[state]
    if kind is MoveKind.ADVANCE:
        return to if to in STEP_STATES and RANK[to] > here else None
    if kind is MoveKind.FALL_BACK:
        return to if to in STEP_STATES and here >= 1 and RANK[to] < here else None
    if kind is MoveKind.PAUSE:
        return PAUSED
    if kind is MoveKind.EXIT:
        return EXITED
    if kind is MoveKind.START_PLACEMENT:  # the case stays in its workplace step
        return state if to == state and state in WORKPLACE_STEPS else None
    return None  # resume of a case that is not paused


@pytest.fixture
def machine() -> Iterator[PathMachine]:
    shared = path_machine()
    assert shared.model_count() == 0
    yield shared
    assert shared.model_count() == 0


def test_path_machine_returns_the_same_machine_every_time() -> None:
    assert path_machine() is path_machine()


def test_the_table_lists_every_forward_advance_and_every_backward_fall_back() -> None:
    moves = {(t["trigger"], t["source"], t["dest"]) for t in transition_table()}
    advances = {(s, d) for trigger, s, d in moves if trigger == "advance"}
    fall_backs = {(s, d) for trigger, s, d in moves if trigger == "fall_back"}
    assert advances == {
        (s, d) for s in (ENROLLED, *STEP_STATES) for d in STEP_STATES if RANK[d] > RANK[s]
    }
    assert fall_backs == {(s, d) for s in STEP_STATES for d in STEP_STATES if RANK[d] < RANK[s]}


def test_the_table_pauses_resumes_and_exits_exactly_as_the_design_says() -> None:
    moves = {(t["trigger"], t["source"], t["dest"]) for t in transition_table()}
    movable = {ENROLLED, *STEP_STATES}
    assert {(s, d) for trigger, s, d in moves if trigger == "pause"} == {
        (s, PAUSED) for s in movable
    }
    assert {(s, d) for trigger, s, d in moves if trigger == "resume"} == {
        (PAUSED, d) for d in movable
    }
    assert {(s, d) for trigger, s, d in moves if trigger == "exit"} == {
        (s, EXITED) for s in ALL_STATES if s != EXITED
    }
    assert {trigger for trigger, _, _ in moves} == {
        "advance",
        "fall_back",
        "pause",
        "resume",
        "exit",
        "start_placement",
    }


def test_a_placement_starts_only_in_a_workplace_step_which_the_case_stays_in() -> None:
    moves = {(t["trigger"], t["source"], t["dest"]) for t in transition_table()}
    assert {(s, d) for trigger, s, d in moves if trigger == "start_placement"} == {
        (step.slug, step.slug) for step in Step if step.at_workplace
    }


@pytest.mark.parametrize("to", STEP_STATES)
def test_an_enrolled_case_may_advance_to_any_step(machine: PathMachine, to: str) -> None:
    assert machine.target(ENROLLED, MoveKind.ADVANCE, to) == to


def test_an_advance_may_skip_steps_forward(machine: PathMachine) -> None:
    assert machine.target("information", MoveKind.ADVANCE, "permanent") == "permanent"
    assert machine.target("study-prep", MoveKind.ADVANCE, "fixed-term") == "fixed-term"


@pytest.mark.parametrize("state", STEP_STATES)
def test_an_advance_to_the_current_step_is_refused(machine: PathMachine, state: str) -> None:
    assert machine.target(state, MoveKind.ADVANCE, state) is None


def test_an_advance_backward_is_refused(machine: PathMachine) -> None:
    assert machine.target("fixed-term", MoveKind.ADVANCE, "short-practice") is None


def test_an_advance_without_a_destination_is_refused(machine: PathMachine) -> None:
    assert machine.target(ENROLLED, MoveKind.ADVANCE, None) is None


def test_a_fall_back_returns_to_any_earlier_step(machine: PathMachine) -> None:
    assert machine.target("permanent", MoveKind.FALL_BACK, "information") == "information"
    assert machine.target("study-practice", MoveKind.FALL_BACK, "short-practice") == (
        "short-practice"
    )


def test_a_fall_back_forward_or_to_the_same_step_is_refused(machine: PathMachine) -> None:
    assert machine.target("short-practice", MoveKind.FALL_BACK, "study-prep") is None
    assert machine.target("short-practice", MoveKind.FALL_BACK, "short-practice") is None


def test_an_enrolled_case_has_nothing_to_fall_back_to(machine: PathMachine) -> None:
    for to in STEP_STATES:
        assert machine.target(ENROLLED, MoveKind.FALL_BACK, to) is None


@pytest.mark.parametrize("state", [ENROLLED, *STEP_STATES])
def test_an_active_case_may_be_paused_and_exited(machine: PathMachine, state: str) -> None:
    assert machine.target(state, MoveKind.PAUSE) == PAUSED
    assert machine.target(state, MoveKind.EXIT) == EXITED


@pytest.mark.parametrize("paused_from", [ENROLLED, *STEP_STATES])
def test_a_paused_case_resumes_to_the_state_it_came_from(
    machine: PathMachine, paused_from: str
) -> None:
    assert machine.target(PAUSED, MoveKind.RESUME, None, paused_from) == paused_from


def test_a_resume_ignores_a_requested_destination_other_than_the_remembered_one(
    machine: PathMachine,
) -> None:
    target = machine.target(PAUSED, MoveKind.RESUME, "permanent", "short-practice")
    assert target == "short-practice"


def test_a_paused_case_that_remembers_nothing_cannot_resume(machine: PathMachine) -> None:
    assert machine.target(PAUSED, MoveKind.RESUME, None, None) is None


@pytest.mark.parametrize("kind", [MoveKind.ADVANCE, MoveKind.FALL_BACK, MoveKind.PAUSE])
def test_a_paused_case_may_only_be_resumed_or_exited(machine: PathMachine, kind: MoveKind) -> None:
    for to in (None, *STEP_STATES):
        assert machine.target(PAUSED, kind, to, "study-prep") is None
    assert machine.target(PAUSED, MoveKind.EXIT, None, "study-prep") == EXITED


@pytest.mark.parametrize("state", [ENROLLED, *STEP_STATES])
def test_a_case_that_is_not_paused_cannot_resume(machine: PathMachine, state: str) -> None:
    assert machine.target(state, MoveKind.RESUME, None, state) is None


@pytest.mark.parametrize("kind", list(MoveKind))
def test_nothing_moves_an_exited_case(machine: PathMachine, kind: MoveKind) -> None:
    for to in (None, *STEP_STATES):
        assert machine.target(EXITED, kind, to, "information") is None


def test_the_shared_machine_holds_no_model_after_an_allowed_move() -> None:
    shared = path_machine()
    assert shared.target(ENROLLED, MoveKind.ADVANCE, "information") == "information"
    assert shared.model_count() == 0


def test_the_shared_machine_holds_no_model_after_a_refused_move() -> None:
    shared = path_machine()
    assert shared.target("permanent", MoveKind.ADVANCE, "information") is None  # no condition
    assert shared.target(EXITED, MoveKind.PAUSE) is None  # no such trigger from exited
    assert shared.model_count() == 0


def test_the_shared_machine_holds_no_model_after_an_unknown_trigger_raises() -> None:
    shared = path_machine()
    bogus: MoveKind = "bogus"  # type: ignore[assignment]
    with pytest.raises(KeyError):
        shared.target(ENROLLED, bogus, "information")
    assert shared.model_count() == 0


def test_the_shared_machine_holds_no_model_after_a_condition_raises(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def explode(self: object, event: object) -> bool:
        raise RuntimeError("condition failed")

    monkeypatch.setattr(machine_module._CaseAdapter, "is_requested", explode)
    fresh = PathMachine()  # the shared one may remember this answer from another test
    with pytest.raises(RuntimeError, match="condition failed"):
        fresh.target(ENROLLED, MoveKind.ADVANCE, "information")
    assert fresh.model_count() == 0


def test_a_question_that_raised_is_put_to_the_machine_again_next_time(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fresh = PathMachine()
    with monkeypatch.context() as patched:
        patched.setattr(machine_module._CaseAdapter, "is_requested", _explode)
        with pytest.raises(RuntimeError):
            fresh.target(ENROLLED, MoveKind.ADVANCE, "information")
    assert fresh.target(ENROLLED, MoveKind.ADVANCE, "information") == "information"


def _explode(self: object, event: object) -> bool:
    raise RuntimeError("condition failed")


def test_an_unknown_stored_state_is_an_error_and_leaves_no_model() -> None:
    shared = path_machine()
    with pytest.raises(ValueError, match="nowhere"):
        shared.target("nowhere", MoveKind.ADVANCE, "information")
    assert shared.model_count() == 0


def test_asking_the_machine_does_not_change_the_next_answer() -> None:
    """One shared Machine for every case: a move on one must not leak into the next."""
    shared = path_machine()
    assert shared.target("permanent", MoveKind.PAUSE) == PAUSED
    assert shared.target(ENROLLED, MoveKind.ADVANCE, "information") == "information"
    assert shared.target(PAUSED, MoveKind.RESUME, None, "permanent") == "permanent"
    assert shared.target(PAUSED, MoveKind.RESUME, None, ENROLLED) == ENROLLED


ANY_TO = st.one_of(st.none(), st.sampled_from(ALL_STATES))


@given(
    state=st.sampled_from(ALL_STATES),
    kind=st.sampled_from(list(MoveKind)),
    to=ANY_TO,
    paused_from=ANY_TO,
)
def test_the_machine_agrees_with_the_design_for_every_state_move_and_destination(
    state: str, kind: MoveKind, to: str | None, paused_from: str | None
) -> None:
    shared = path_machine()
    assert shared.target(state, kind, to, paused_from) == oracle(state, kind, to, paused_from)
    assert shared.model_count() == 0


def test_the_oracle_itself_is_not_trivial() -> None:
    """Guard for the property above: the oracle allows and refuses the moves it should."""
    assert oracle(ENROLLED, MoveKind.ADVANCE, "permanent", None) == "permanent"
    assert oracle("permanent", MoveKind.ADVANCE, "information", None) is None
    assert oracle("permanent", MoveKind.FALL_BACK, "information", None) == "information"
    assert oracle(PAUSED, MoveKind.RESUME, None, "information") == "information"
    assert oracle(PAUSED, MoveKind.ADVANCE, "permanent", "information") is None
    assert oracle(EXITED, MoveKind.EXIT, None, None) is None


@given(
    questions=st.lists(
        st.tuples(st.sampled_from(ALL_STATES), st.sampled_from(list(MoveKind)), ANY_TO, ANY_TO),
        min_size=1,
        max_size=20,
    )
)
def test_a_remembered_answer_is_the_one_the_machine_fires(
    questions: list[tuple[str, MoveKind, str | None, str | None]],
) -> None:
    """The Machine's answers are kept per question: asked again, in any order, each
    question still gets what firing the Machine gives."""
    remembering, firing = PathMachine(), PathMachine()
    for question in [*questions, *reversed(questions)]:
        assert remembering.target(*question) == firing._fire(*question)
    assert remembering.model_count() == firing.model_count() == 0
