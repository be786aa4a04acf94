"""Corrections: a recorded move or exit undone by a later event, the history kept whole.

A correction is an event of its own (kind ``correction``) naming the event it undoes by
its number (``corrects``). Nothing is removed: the corrected move and its correction are
both in the history. What counts afterwards is the *effective* history: every event but
the corrected moves and the corrections themselves. Replay (``states.replay``), the rules'
facts and the reports read that; the case is back where it was before the move.

Only the last move still in force may be corrected: a later move, or a later event about
the placement the move opened or ended, depends on it (named in the refusal). Consent,
a transfer, an ad-hoc follow-up, a moved meeting do not; nor does a later move that was
itself corrected.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

from states.case import MoveKind

CORRECTION = "correction"
CORRECTABLE = frozenset(kind.value for kind in MoveKind)
"""The events a correction may undo: advance, fall back, pause, resume, exit."""

INDEPENDENT = frozenset(
    {"consent", "consent_withdrawn", "transferred", "followup_added", "meeting_moved"}
)
"""Later events that never stand on a move (any other kind, a new one too, does)."""


class Numbered(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def seq(self) -> int: ...
    @property
    def data(self) -> dict[str, Any]: ...


E = TypeVar("E", bound=Numbered)


def corrected_by(events: Iterable[Numbered]) -> dict[int, int]:
    """The events corrected, by number: the number of the correction of each."""
    found: dict[int, int] = {}
    for event in events:
        if event.kind == CORRECTION:
            target = corrects(event.data)
            if target is not None:
                found[target] = event.seq
    return found


def corrects(data: dict[str, Any]) -> int | None:
    """The number of the event a correction's data names."""
    value = data.get("corrects")
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def effective(events: Sequence[E]) -> list[E]:
    """The history as it counts: without the corrected events and the corrections."""
    undone = corrected_by(events)
    if not undone:
        return list(events)
    return [e for e in events if e.kind != CORRECTION and e.seq not in undone]


@dataclass(frozen=True, slots=True)
class Dependent:
    """A later event that stands on the one to correct."""

    seq: int
    kind: str
    on: str

    def describe(self) -> str:
        return f"event {self.seq} ({self.kind.replace('_', ' ')} on {self.on})"


class Dated(Numbered, Protocol):
    @property
    def on(self) -> Any: ...


def dependents(events: Sequence[Dated], seq: int) -> list[Dependent]:
    """The later events in force that depend on event ``seq`` (see the module's note)."""
    undone = corrected_by(events)
    return [
        Dependent(e.seq, e.kind, str(e.on))
        for e in events
        if e.seq > seq
        and e.kind != CORRECTION
        and e.seq not in undone
        and e.kind not in INDEPENDENT
    ]
