"""Specification of replay: a case's history, fired again, yields its current state."""

from __future__ import annotations

from dataclasses import dataclass, replace

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from states.case import ENROLLED, EXITED, PAUSED, STEP_STATES, MoveKind
from states.errors import KivoError
from states.machine import path_machine
from states.replay import Replayed, ReplayError, replay


@dataclass(frozen=True)
class Event:
    """A history line as replay sees it: its kind, the state it led to and, for an
    exit, the outcome it recorded."""

    kind: str
    to_state: str | None = None
    outcome: str | None = None


ENROL = Event("enrolled", ENROLLED)
CONSENT = Event("consent")


def advanced(to: str) -> Event:
    return Event(MoveKind.ADVANCE.value, to)


def fell_back(to: str) -> Event:
    return Event(MoveKind.FALL_BACK.value, to)


PAUSE = Event(MoveKind.PAUSE.value, PAUSED)
EXIT = Event(MoveKind.EXIT.value, EXITED)


def resumed(to: str) -> Event:
    return Event(MoveKind.RESUME.value, to)


def refused_at(events: list[Event]) -> ReplayError:
    with pytest.raises(ReplayError) as caught:
        replay(events)
    assert caught.value.code == "replay-failed"
    return caught.value


def test_a_fresh_enrolment_replays_to_enrolled() -> None:
    assert replay([ENROL]) == Replayed(ENROLLED, None)


def test_a_history_of_advances_and_a_fall_back_replays_to_the_last_step() -> None:
    history = [
        ENROL,
        advanced("information"),
        advanced("study-prep"),
        advanced("vocational-training"),
        fell_back("short-practice"),
    ]
    assert replay(history) == Replayed("short-practice", None)


def test_a_paused_case_replays_to_paused_remembering_its_step() -> None:
    history = [ENROL, advanced("fixed-term"), PAUSE]
    assert replay(history) == Replayed(PAUSED, "fixed-term")


def test_a_resumed_case_replays_to_the_step_it_was_paused_from() -> None:
    history = [ENROL, advanced("fixed-term"), PAUSE, resumed("fixed-term"), advanced("permanent")]
    assert replay(history) == Replayed("permanent", None)


def test_a_case_paused_straight_after_enrolment_resumes_to_enrolled() -> None:
    assert replay([ENROL, PAUSE, resumed(ENROLLED)]) == Replayed(ENROLLED, None)


def test_an_exited_case_replays_to_exited_even_from_pause() -> None:
    assert replay([ENROL, advanced("information"), PAUSE, EXIT]) == Replayed(EXITED, None)


def test_an_exit_replays_to_the_outcome_it_recorded_self_employment_included() -> None:
    exited = Event(MoveKind.EXIT.value, EXITED, "self-employed")
    assert replay([ENROL, advanced("fixed-term"), exited]) == Replayed(
        EXITED, None, "self-employed"
    )


def test_an_exit_with_an_outcome_kivo_does_not_know_cannot_be_replayed() -> None:
    error = refused_at([ENROL, Event(MoveKind.EXIT.value, EXITED, "retired-rich")])
    assert "unknown outcome" in str(error)


def test_consent_and_other_events_do_not_move_the_case() -> None:
    history = [
        ENROL,
        CONSENT,
        advanced("short-practice"),
        Event("transferred"),
        Event("note", "permanent"),
    ]
    assert replay(history) == Replayed("short-practice", None)


def test_a_consent_recorded_before_enrolment_is_ignored() -> None:
    assert replay([CONSENT, ENROL]) == Replayed(ENROLLED, None)


def test_a_history_without_enrolment_cannot_be_replayed() -> None:
    error = refused_at([CONSENT])
    assert "no enrolment" in error.message


def test_an_empty_history_cannot_be_replayed() -> None:
    assert "no enrolment" in refused_at([]).message


def test_a_second_enrolment_is_refused_with_its_position() -> None:
    error = refused_at([ENROL, advanced("information"), ENROL])
    assert error.params == {"event": 3}
    assert "second enrolment" in error.message


def test_a_move_before_enrolment_is_refused() -> None:
    error = refused_at([advanced("information"), ENROL])
    assert error.params == {"event": 1}
    assert "before enrolment" in error.message


@pytest.mark.parametrize(
    ("history", "position"),
    [
        ([ENROL, advanced("permanent"), advanced("information")], 3),  # backward advance
        ([ENROL, advanced("information"), fell_back("permanent")], 3),  # forward fall-back
        ([ENROL, fell_back("information")], 2),  # nothing to fall back from
        ([ENROL, advanced("study-prep"), advanced("study-prep")], 3),  # same step
        ([ENROL, advanced("information"), PAUSE, advanced("permanent")], 4),  # paused
        ([ENROL, advanced("information"), PAUSE, resumed("permanent")], 4),  # wrong resume
        ([ENROL, advanced("information"), resumed("information")], 3),  # not paused
        ([ENROL, PAUSE, PAUSE], 3),  # already paused
        ([ENROL, EXIT, advanced("information")], 3),  # exited
        ([ENROL, EXIT, EXIT], 3),  # exited twice
    ],
)
def test_a_move_the_table_forbids_makes_the_history_unreplayable(
    history: list[Event], position: int
) -> None:
    error = refused_at(history)
    assert error.params == {"event": position}
    assert f"event {position}:" in error.message


@pytest.mark.parametrize(
    "history",
    [
        [ENROL, Event(MoveKind.ADVANCE.value, None)],
        [ENROL, Event(MoveKind.ADVANCE.value, PAUSED)],
        [ENROL, Event(MoveKind.PAUSE.value, EXITED)],
        [ENROL, Event(MoveKind.EXIT.value, PAUSED)],
        [ENROL, PAUSE, Event(MoveKind.RESUME.value, None)],
    ],
)
def test_a_move_whose_recorded_destination_is_not_where_it_leads_is_refused(
    history: list[Event],
) -> None:
    assert refused_at(history).params == {"event": 2 if len(history) == 2 else 3}


def test_a_replay_error_is_a_kivo_error() -> None:
    assert issubclass(ReplayError, KivoError)


CANDIDATES: list[tuple[MoveKind, str | None]] = [
    (kind, to) for kind in MoveKind for to in (None, *STEP_STATES)
]


@given(
    choices=st.lists(st.sampled_from(CANDIDATES), max_size=40),
    consents=st.lists(st.booleans(), max_size=40),
)
def test_any_sequence_of_moves_the_machine_accepts_replays_to_the_final_state(
    choices: list[tuple[MoveKind, str | None]], consents: list[bool]
) -> None:
    machine = path_machine()
    state, paused_from = ENROLLED, None
    history = [ENROL]
    for index, (kind, to) in enumerate(choices):
        target = machine.target(state, kind, to, paused_from)
        if target is None:
            continue
        history.append(Event(kind.value, target))
        if index < len(consents) and consents[index]:
            history.append(CONSENT)
        paused_from = state if target == PAUSED else None
        state = target
    assert replay(history) == Replayed(state, paused_from)
    assert machine.model_count() == 0


@given(
    choices=st.lists(st.sampled_from(CANDIDATES), min_size=1, max_size=20),
    wrong=st.sampled_from([*STEP_STATES, ENROLLED, PAUSED, EXITED]),
)
def test_a_pause_resume_or_exit_recorded_as_leading_elsewhere_is_unreplayable(
    choices: list[tuple[MoveKind, str | None]], wrong: str
) -> None:
    machine = path_machine()
    state, paused_from = ENROLLED, None
    history = [ENROL]
    for kind, to in choices:
        target = machine.target(state, kind, to, paused_from)
        if target is not None:
            history.append(Event(kind.value, target))
            paused_from, state = (state if target == PAUSED else None), target
    last = history[-1]
    assume(last.kind in {MoveKind.PAUSE.value, MoveKind.RESUME.value, MoveKind.EXIT.value})
    assume(last.to_state != wrong)
    tampered = [*history[:-1], replace(last, to_state=wrong)]
    assert refused_at(tampered).params == {"event": len(history)}


WITHDRAWN = Event("consent_withdrawn")


def test_consent_withdrawn_and_given_again_does_not_move_the_case() -> None:
    history = [ENROL, CONSENT, advanced("short-practice"), WITHDRAWN, CONSENT, WITHDRAWN]
    assert replay(history) == Replayed("short-practice", None)


def test_a_withdrawal_without_consent_in_force_cannot_be_replayed() -> None:
    assert "withdrawal" in refused_at([ENROL, WITHDRAWN]).message
    assert refused_at([ENROL, CONSENT, WITHDRAWN, WITHDRAWN]).params["event"] == 4
