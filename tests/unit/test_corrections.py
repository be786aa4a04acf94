"""Specification of corrections in the pure domain: replay puts a case back where it was
before a corrected move; the effective history leaves out the corrected move and its
correction; a later move or placement decision depends on the move, consent, a transfer,
an ad-hoc follow-up or a moved meeting do not."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from states.case import ENROLLED, EXITED, PAUSED, STEP_STATES, MoveKind
from states.corrections import CORRECTION, corrected_by, dependents, effective
from states.machine import path_machine
from states.replay import Replayed, ReplayError, replay


@dataclass(frozen=True)
class Event:
    """A history line: its number, kind, destination, an exit's outcome, its data."""

    seq: int
    kind: str
    to_state: str | None = None
    outcome: str | None = None
    data: dict[str, Any] = field(default_factory=dict)
    on: date = date(2026, 3, 2)

    @property
    def corrects(self) -> int | None:
        found = self.data.get("corrects")
        return found if isinstance(found, int) else None


def history(*lines: tuple[str, str | None] | tuple[str, str | None, int]) -> list[Event]:
    """Events numbered from 1: (kind, to_state) or, for a correction, (kind, to, seq)."""
    found = []
    for seq, line in enumerate(lines, start=1):
        data = {"corrects": line[2]} if len(line) == 3 else {}
        found.append(Event(seq, line[0], line[1], data=data))
    return found


ENROL = ("enrolled", ENROLLED)
INFO = ("advanced", "information")
PRACTICE = ("advanced", "short-practice")
PAUSE = ("paused", PAUSED)


def test_a_corrected_advance_replays_to_the_step_before_it() -> None:
    events = history(ENROL, INFO, PRACTICE, (CORRECTION, "information", 3))
    assert replay(events) == Replayed("information", None)


def test_a_corrected_exit_replays_to_the_open_case_without_an_outcome() -> None:
    exited = Event(4, "exited", EXITED, "employed")
    events = [
        *history(ENROL, INFO, PAUSE),
        exited,
        Event(5, CORRECTION, PAUSED, None, {"corrects": 4}),
    ]
    assert replay(events) == Replayed(PAUSED, "information", None)


def test_corrections_in_turn_undo_the_moves_from_the_last_back() -> None:
    events = history(
        ENROL,
        INFO,
        PAUSE,
        ("resumed", "information"),
        (CORRECTION, PAUSED, 4),
        (CORRECTION, "information", 3),
        PRACTICE,
    )
    assert replay(events) == Replayed("short-practice", None)


@pytest.mark.parametrize(
    ("events", "words"),
    [
        (history(ENROL, INFO, PRACTICE, (CORRECTION, "information", 2)), "not the last move"),
        (history(ENROL, INFO, (CORRECTION, ENROLLED, 2), (CORRECTION, ENROLLED, 2)), "not the"),
        (history(ENROL, ("consent", None), (CORRECTION, ENROLLED, 2)), "not the last move"),
        (history(ENROL, INFO, (CORRECTION, "information", 2)), "but the case was enrolled"),
        (history(ENROL, INFO, (CORRECTION, ENROLLED)), "a correction of event None"),
    ],
)
def test_a_correction_of_anything_but_the_last_move_in_force_makes_the_history_unreplayable(
    events: list[Event], words: str
) -> None:
    with pytest.raises(ReplayError) as raised:
        replay(events)
    assert words in raised.value.message
    assert raised.value.params == {"event": len(events)}


def test_the_effective_history_leaves_out_the_corrected_moves_and_their_corrections() -> None:
    events = history(ENROL, INFO, PRACTICE, (CORRECTION, "information", 3), ("consent", None))
    assert [e.seq for e in effective(events)] == [1, 2, 5]
    assert corrected_by(events) == {3: 4}
    assert effective(history(ENROL, INFO)) == history(ENROL, INFO)


def test_later_moves_and_placement_decisions_depend_on_a_move_other_events_do_not() -> None:
    events = history(
        ENROL,
        INFO,
        PRACTICE,
        ("consent", None),
        ("transferred", None),
        ("followup_added", None),
        ("meeting_moved", None),
        ("extended", None),
        PAUSE,
        (CORRECTION, "short-practice", 9),
        ("placement_started", None),  # a kind kivo does not know yet: depends, to be safe
    )
    assert [(d.seq, d.kind) for d in dependents(events, 3)] == [
        (8, "extended"),
        (11, "placement_started"),
    ]
    assert dependents(events, 3)[0].describe() == "event 8 (extended on 2026-03-02)"
    assert [d.seq for d in dependents(events, 2)] == [3, 8, 11]
    assert dependents(history(ENROL, INFO, PRACTICE), 3) == []


CANDIDATES = [(kind, to) for kind in MoveKind for to in (None, *STEP_STATES)]


@given(
    choices=st.lists(st.one_of(st.sampled_from(CANDIDATES), st.just(None)), min_size=1, max_size=30)
)
def test_any_moves_with_corrections_of_the_last_move_in_force_replay_to_the_state(
    choices: list[tuple[MoveKind, str | None] | None],
) -> None:
    """``None`` draws a correction of the last move in force (when there is one)."""
    machine = path_machine()
    state: tuple[str, str | None, str | None] = (ENROLLED, None, None)
    events = [Event(1, "enrolled", ENROLLED)]
    in_force: list[tuple[int, tuple[str, str | None, str | None]]] = []
    for choice in choices:
        seq = len(events) + 1
        if choice is None:
            if not in_force:
                continue
            target, before = in_force.pop()
            events.append(Event(seq, CORRECTION, before[0], data={"corrects": target}))
            state = before
            continue
        kind, to = choice
        found = machine.target(state[0], kind, to, state[1])
        if found is None:
            continue
        outcome = "employed" if found == EXITED else None
        events.append(Event(seq, kind.value, found, outcome))
        in_force.append((seq, state))
        state = (found, state[0] if found == PAUSED else None, outcome)
    assert replay(events) == Replayed(*state)
    assert replay(effective(events)) == Replayed(*state)
