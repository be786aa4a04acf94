"""Retention (gallring): plan what the schedule makes due on a day, and destroy it under
the schedule's decision, one transaction per case, each recorded in ``data_removal``.

A run killed mid-way leaves each case either fully processed (its records of every kind
due destroyed and its destruction record written, in one commit) or untouched; running
again finds only what is still there, so a rerun completes the work and a run over
nothing more does nothing."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from pathway.actors import actor_of, require_coordinator
from pathway.context import Kivo
from states.errors import InvalidInput
from states.messages import N_, Message
from states.retention import (
    DueItem,
    RetentionSchedule,
    load_default_schedule,
    load_schedule_file,
    plan,
)

SCHEDULE_VARIABLE = "KIVO_RETENTION"


def load_schedule(path: str | None = None) -> RetentionSchedule:
    """The organisation's schedule: ``path`` (``--schedule``), else ``KIVO_RETENTION``,
    else the one kivo ships."""
    chosen = path or os.environ.get(SCHEDULE_VARIABLE) or None
    return load_schedule_file(Path(chosen)) if chosen else load_default_schedule()


@dataclass(frozen=True)
class RetentionPlan:
    on: date
    decision: str
    schedule: str  # the schedule's file, or "default"
    items: tuple[DueItem, ...]

    @property
    def cases(self) -> list[int]:
        return sorted({item.case_id for item in self.items})

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "decision": self.decision,
            "schedule": self.schedule,
            "cases": len(self.cases),
            "due": [item.to_dict() for item in self.items],
        }


@dataclass(frozen=True)
class CaseRemoval:
    """One case processed: how many records of each kind were removed or rewritten."""

    case_id: int
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {"case": self.case_id, "counts": dict(self.counts)}


@dataclass(frozen=True)
class RetentionRun:
    on: date
    decision: str
    by: int
    cases: tuple[CaseRemoval, ...] = field(default_factory=tuple)

    def to_dict(self) -> dict[str, Any]:
        return {
            "on": self.on.isoformat(),
            "decision": self.decision,
            "by": self.by,
            "cases": [case.to_dict() for case in self.cases],
            "removed": sum(sum(case.counts.values()) for case in self.cases),
        }


def plan_retention(
    kivo: Kivo, schedule: RetentionSchedule, *, on: date | None = None, by: int | None = None
) -> RetentionPlan:
    """What is due for destruction on ``on`` (today by default) and why. The plan names
    cases by id only. ``by``, when given, must be a coordinator (the web's page); the
    CLI's plan names no one, as a report does."""
    day = on or kivo.today()
    with kivo.uow(read_only=True) as uow:
        if by is not None:
            require_coordinator(actor_of(uow, by), "plan retention")
        items = plan(schedule, uow.retention.closed_cases(day), day)
    return RetentionPlan(day, str(schedule.decision), schedule.source, tuple(items))


def apply_retention(
    kivo: Kivo,
    schedule: RetentionSchedule,
    *,
    on: date,
    by: int | None,
    progress: Callable[[CaseRemoval], None] | None = None,
) -> RetentionRun:
    """Destroy what is due on ``on`` (not after today) for the coordinator ``by``, one
    transaction per case; ``progress`` hears of each case once it is committed."""
    today = kivo.today()
    if on > today:
        future = N_(
            "{on} is in the future (today is {today}): retention destroys only what is already due"
        )
        raise InvalidInput(
            Message(future, {"on": on.isoformat(), "today": today.isoformat()}), field="on"
        )
    with kivo.uow(read_only=True) as uow:
        actor = require_coordinator(actor_of(uow, by), "apply retention")
    assert actor.id is not None
    due = plan_retention(kivo, schedule, on=on).items
    decision = str(schedule.decision)
    done = []
    for case_id in sorted({item.case_id for item in due}):
        kinds = [item.kind for item in due if item.case_id == case_id]
        removal = _destroy_case(kivo, case_id, kinds, decision, actor.id)
        if removal is not None:
            done.append(removal)
            if progress is not None:
                progress(removal)
    if done:
        with kivo.uow() as uow:
            uow.retention.settle()
    return RetentionRun(on, decision, actor.id, tuple(done))


def _destroy_case(
    kivo: Kivo, case_id: int, kinds: list[str], decision: str, by: int
) -> CaseRemoval | None:
    """One case's destruction and its record, in one transaction; ``None`` when another
    run got there first and nothing was left."""
    with kivo.uow() as uow:
        store = uow.retention
        store.lock_case(case_id)
        counts = store.destroy(case_id, kinds)
        if not any(counts.values()):
            return None  # rolled back on leaving: nothing to record
        store.record(at=kivo.now(), decision=decision, case_id=case_id, by_id=by, counts=counts)
        uow.commit()
    return CaseRemoval(case_id, counts)
