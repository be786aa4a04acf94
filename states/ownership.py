"""Who was responsible for a case when: the enrolment and transfer events, folded.

A transfer on day D hands the case over from that day: the previous caseworker owned it
until D (exclusive), the new one from D. The enrolment event may name the first owner
(``data["caseworker_id"]``); when it does not, the first transfer's ``from`` does, and a
case never transferred has belonged to its current caseworker since it opened.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Protocol

TRANSFERRED = "transferred"
ENROLLED = "enrolled"


class OwnershipEvent(Protocol):
    @property
    def kind(self) -> str: ...
    @property
    def on(self) -> date: ...
    @property
    def data(self) -> Mapping[str, Any]: ...


@dataclass(frozen=True, slots=True)
class Ownership:
    """``caseworker_id`` was responsible from ``start`` until ``end`` (exclusive; open
    while ``None``)."""

    caseworker_id: int | None
    start: date
    end: date | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def to_dict(self) -> dict[str, Any]:
        return {
            "caseworker_id": self.caseworker_id,
            "from": self.start.isoformat(),
            "to": self.end.isoformat() if self.end else None,
        }


@dataclass(frozen=True, slots=True)
class CaseloadCounts:
    """What a handover moves (or would move): cases and what belongs to them."""

    cases: int
    followups: int
    meetings: int
    reminders: int


@dataclass(frozen=True, slots=True)
class CaseOwnership:
    """What a handover needs to know about one named case."""

    id: int
    caseworker_id: int | None
    state: str
    live: bool  # open, or with a pending follow-up, scheduled meeting or pending reminder


def owners(events: Iterable[OwnershipEvent], current: int | None) -> list[Ownership]:
    """The periods of responsibility, oldest first; ``current`` is the case's caseworker
    now (the owner when the history names none)."""
    ordered = list(events)
    opened = next((e for e in ordered if e.kind == ENROLLED), None)
    if opened is None:
        return []
    transfers = [e for e in ordered if e.kind == TRANSFERRED]
    if ENROLLED_OWNER in opened.data:
        first = _id(opened.data[ENROLLED_OWNER])
    elif transfers:
        first = _id(transfers[0].data.get("from"))
    else:
        first = current
    periods = [Ownership(first, opened.on)]
    for transfer in transfers:
        last = periods[-1]
        start = max(transfer.on, last.start)
        periods[-1] = Ownership(last.caseworker_id, last.start, start)
        periods.append(Ownership(_id(transfer.data.get("to")), start))
    return [p for p in periods if p.end is None or p.end > p.start]


def owner_on(events: Iterable[OwnershipEvent], current: int | None, day: date) -> int | None:
    """The caseworker responsible on ``day`` (``None`` before the case opened or when it
    had nobody)."""
    return next((p.caseworker_id for p in owners(events, current) if p.covers(day)), None)


ENROLLED_OWNER = "caseworker_id"


def _id(value: Any) -> int | None:
    return value if isinstance(value, int) else None
