"""Replaying a case's history through the transition table yields its current state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from states.case import ENROLLED, EXITED, PAUSED, MoveKind, Outcome
from states.corrections import CORRECTION
from states.errors import KivoError
from states.machine import path_machine
from states.steps import step_by_slug

MOVE_KINDS = {kind.value: kind for kind in MoveKind}
CONSENT = "consent"
CONSENT_WITHDRAWN = "consent_withdrawn"


class HistoryEvent(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def to_state(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...


class ReplayError(KivoError):
    code = "replay-failed"


@dataclass(frozen=True, slots=True)
class Replayed:
    state: str
    paused_from: str | None
    outcome: str | None = None


def replay(events: Iterable[HistoryEvent]) -> Replayed:
    """Fire every recorded move again, in order; a move the table refuses is an error.

    Events are numbered from 1 in the order given (as stored: ``seq``). A correction
    (``corrects``: the number of a move) puts the case back where it was before that
    move, which must be the last move still in force and not corrected before; the
    state it records must be that one."""
    machine = path_machine()
    state: str | None = None
    paused_from: str | None = None
    consented = False
    outcome: str | None = None
    before: dict[int, tuple[str, str | None, str | None]] = {}  # moves in force, in order
    for number, event in enumerate(events, start=1):
        if event.kind in (CONSENT, CONSENT_WITHDRAWN):
            consented = _consent_after(consented, event.kind, number)
            continue
        if event.kind == CORRECTION:
            state, paused_from, outcome = _undone(before, event, number)
            continue
        if event.kind == "enrolled":
            if state is not None:
                raise ReplayError(f"event {number}: a second enrolment", event=number)
            state = ENROLLED
            continue
        kind = MOVE_KINDS.get(event.kind)
        if kind is None:
            continue  # transfers, placement decisions and notes do not move the case
        if state is None:
            raise ReplayError(f"event {number}: a move before enrolment", event=number)
        to = event.to_state if step_by_slug(event.to_state or "") else None
        target = machine.target(state, kind, to, paused_from)
        if target is None or target != event.to_state:
            raise ReplayError(
                f"event {number}: {event.kind} from {state} to {event.to_state} is not a move "
                "the path allows",
                event=number,
            )
        before[number] = (state, paused_from, outcome)
        paused_from = state if target == PAUSED else None
        state = target
        if target == EXITED:
            outcome = _outcome(event, number)
    if state is None:
        raise ReplayError("the history has no enrolment")
    return Replayed(state, paused_from, outcome)


def _undone(
    before: dict[int, tuple[str, str | None, str | None]], event: HistoryEvent, number: int
) -> tuple[str, str | None, str | None]:
    """The case as it was before the move a correction undoes (that move no longer in
    force); a correction of anything else is an error."""
    target = getattr(event, "corrects", None)
    last = max(before, default=None)
    if not isinstance(target, int) or target != last:
        raise ReplayError(
            f"event {number}: a correction of event {target}, which is not the last move in force",
            event=number,
        )
    restored = before.pop(target)
    if event.to_state != restored[0]:
        raise ReplayError(
            f"event {number}: a correction back to {event.to_state}, but the case was "
            f"{restored[0]} before event {target}",
            event=number,
        )
    return restored


def _consent_after(consented: bool, kind: str, number: int) -> bool:
    """Consent is given, withdrawn, given again: a withdrawal needs consent in force."""
    if kind == CONSENT_WITHDRAWN and not consented:
        raise ReplayError(f"event {number}: a withdrawal without consent in force", event=number)
    return kind == CONSENT


OUTCOMES = frozenset(outcome.value for outcome in Outcome)


def _outcome(event: HistoryEvent, number: int) -> str | None:
    """The outcome an exit recorded; one kivo does not know means the history is wrong."""
    if event.outcome is not None and event.outcome not in OUTCOMES:
        raise ReplayError(
            f"event {number}: exit with unknown outcome {event.outcome!r}", event=number
        )
    return event.outcome
