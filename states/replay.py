"""Replaying a case's history through the transition table yields its current state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol

from states.case import ENROLLED, EXITED, PAUSED, MoveKind, Outcome
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
    """Fire every recorded move again, in order; a move the table refuses is an error."""
    machine = path_machine()
    state: str | None = None
    paused_from: str | None = None
    consented = False
    outcome: str | None = None
    for number, event in enumerate(events, start=1):
        if event.kind in (CONSENT, CONSENT_WITHDRAWN):
            consented = _consent_after(consented, event.kind, number)
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
        paused_from = state if target == PAUSED else None
        state = target
        if target == EXITED:
            outcome = _outcome(event, number)
    if state is None:
        raise ReplayError("the history has no enrolment")
    return Replayed(state, paused_from, outcome)


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
