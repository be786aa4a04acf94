"""Storage ports for one capability; ``pathway.ports.UnitOfWork`` exposes them.

The shapes returned are protocols too, so persistence can answer with its own small
records and pathway never imports persistence.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol


class HistoryLine(Protocol):
    """One event of a case's history, as far as replay needs it."""

    @property
    def seq(self) -> int: ...
    @property
    def kind(self) -> str: ...
    @property
    def to_state(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...


class CaseHistory(Protocol):
    """A case's stored state and its whole history, read in one statement."""

    @property
    def case_id(self) -> int: ...
    @property
    def state(self) -> str: ...
    @property
    def paused_from(self) -> str | None: ...
    @property
    def outcome(self) -> str | None: ...
    @property
    def events(self) -> Sequence[HistoryLine]: ...


class Heartbeat(Protocol):
    """What one scheduler process last told the database about itself."""

    @property
    def worker(self) -> str: ...
    @property
    def host(self) -> str: ...
    @property
    def pid(self) -> int: ...
    @property
    def started_at(self) -> datetime: ...
    @property
    def seen_at(self) -> datetime: ...
    @property
    def stopped_at(self) -> datetime | None: ...


class Anomaly(Protocol):
    """Rows that break one invariant: a stable code, how many, and the first few ids."""

    @property
    def code(self) -> str: ...
    @property
    def count(self) -> int: ...
    @property
    def ids(self) -> Sequence[int]: ...


class HealthQueries(Protocol):
    """What ``kivo doctor`` checks and the scheduler heartbeats (``persistence.health``)."""

    def case_histories(self, *, after: int, limit: int) -> Sequence[CaseHistory]:
        """The next ``limit`` cases with id above ``after``, in id order, with their
        events in order; state and history come from one snapshot."""
        ...

    def anomalies(self, *, sample: int) -> Sequence[Anomaly]:
        """Every invariant that is broken: cases without their enrolment event, orphaned
        follow-ups and reminders, reminders both unsent and sent, work owned by an
        inactive caseworker. Only invariants with at least one row are returned."""
        ...

    def heartbeats(self) -> Sequence[Heartbeat]: ...

    def beat(self, *, worker: str, host: str, pid: int, at: datetime) -> None:
        """Record that ``worker`` is alive at ``at`` (the first beat also starts it)."""
        ...

    def stopped(self, *, worker: str, at: datetime) -> None:
        """Record that ``worker`` stopped cleanly at ``at``."""
        ...

    def retire_silent(self, *, host: str, silent_since: datetime, at: datetime) -> int:
        """Mark stopped the heartbeats of ``host`` not seen since ``silent_since`` (their
        process died without saying so, and this host has a new scheduler now)."""
        ...
