"""Plain results of the use cases; entry points format them, never the use cases."""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date, datetime
from typing import Any

from states.violations import Violation


def plain(value: Any) -> Any:
    """A JSON-ready copy of a result: dates as ISO strings, dataclasses as dicts."""
    if hasattr(value, "__dataclass_fields__"):
        return _fields_of(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [plain(item) for item in value]
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


SPOKEN = {"plain": False}
"""Field metadata of what is for an entry point to render (``Violation`` objects whose
sentences it says in its reader's language), never part of a result's JSON."""


def _fields_of(value: Any) -> dict[str, Any]:
    return {
        f.name: plain(getattr(value, f.name))
        for f in fields(value)
        if f.metadata.get("plain") is not False
    }


@dataclass(frozen=True)
class HistoryLine:
    seq: int
    kind: str
    from_state: str | None
    to_state: str | None
    from_step: int | None
    to_step: int | None
    on: date
    recorded_at: datetime
    by: str | None
    by_id: int | None
    reason: str | None
    warnings: list[dict[str, Any]] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    # The fingerprint of the rule set that judged the event (``None``: none did), and
    # whether it is the organisation's configured rule set.
    rules: str | None = None
    configured_rules: bool | None = None


@dataclass(frozen=True)
class NextMove:
    step: int
    slug: str
    needs: list[dict[str, Any]]
    warnings: list[dict[str, Any]]
    # The same violations as objects, for an entry point to say in its reader's language.
    blocked_by: tuple[Violation, ...] = field(default=(), compare=False, metadata=SPOKEN)
    warned_by: tuple[Violation, ...] = field(default=(), compare=False, metadata=SPOKEN)


@dataclass(frozen=True)
class CaseView:
    id: int
    person_id: int
    name: str
    personnummer: str | None
    gender: str
    birth_year: int | None
    groups: list[str]
    state: str
    step: int | None
    status: str
    paused_from: str | None
    outcome: str | None
    caseworker: str | None
    caseworker_id: int | None
    opened_on: date
    closed_on: date | None
    consent_on: date | None
    version: int
    history: list[HistoryLine]
    next: list[NextMove]
    # Who was responsible when: [{caseworker_id, from, to}] (``states.ownership``).
    owners: list[dict[str, Any]] = field(default_factory=list)
    # Protected identity: the name is the initials unless revealed; the history's
    # workplace, supervisor and contact details are left out for a reader other than
    # the case's caseworker or a coordinator (``whereabouts_hidden``).
    protected: bool = False
    whereabouts_hidden: bool = False


@dataclass(frozen=True)
class MoveResult:
    case_id: int
    kind: str
    from_state: str
    to_state: str
    step: int | None
    on: date
    version: int
    dry_run: bool
    warnings: list[dict[str, Any]]
    overridden: list[str]
    placement_id: int | None = None
    # The warnings as objects, for an entry point to say in its reader's language.
    warned_by: tuple[Violation, ...] = field(default=(), compare=False, metadata=SPOKEN)


@dataclass(frozen=True)
class EnrolResult:
    case_id: int
    person_id: int
    opened_on: date
    consent_on: date | None
    new_person: bool
