"""Follow-ups, tripartite meetings and decisions planned from the rule set.

Entering a step plans that step's items from what actually happened (the start date
and the planned end), never from fixed offsets after enrolment. Each planned item
knows its anchor and offset, so it can be moved when the placement's end moves.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from states.calendar_bounds import MAX_RULE_DAYS

KINDS = ("meeting", "follow-up", "decision")
ANCHORS = ("start", "midpoint", "end", "exit")
REMINDER_KINDS = ("before", "due", "escalation")


@dataclass(frozen=True, slots=True)
class ScheduleItem:
    name: str
    kind: str
    title: str
    steps: frozenset[int] = frozenset()
    on_exit: frozenset[str] = frozenset()
    on_fall_back: bool = False
    anchor: str = "start"
    offset_days: int = 0
    every_days: int | None = None
    keep: bool = False
    horizon_days: int = 365


@dataclass(frozen=True, slots=True)
class Planned:
    """One follow-up, meeting or decision to create, due on ``due``."""

    name: str
    kind: str
    title: str
    due: date
    anchor: str
    offset_days: int
    keep: bool


@dataclass(frozen=True, slots=True)
class ReminderPolicy:
    before_days: int = 2
    escalate_after_days: int = 7

    def sends(self, due: date, created_on: date) -> list[tuple[str, date]]:
        """(kind, day to send) for an item due on ``due``; a heads-up that is already
        past when the item is created would only be noise, so it is left out."""
        plan = [
            ("before", due - timedelta(days=self.before_days)),
            ("due", due),
            ("escalation", due + timedelta(days=self.escalate_after_days)),
        ]
        return [(kind, day) for kind, day in plan if day >= created_on or kind != "before"]


def anchor_day(anchor: str, start: date, end: date | None) -> date | None:
    """``exit`` items are planned from the day of the exit, passed as ``start``."""
    if anchor in ("start", "exit"):
        return start
    if end is None:
        return None
    return start + (end - start) // 2 if anchor == "midpoint" else end


def plan_items(items: Iterable[ScheduleItem], start: date, end: date | None) -> list[Planned]:
    """Every due date of the given items for a stay that starts ``start``, ends ``end``."""
    planned: list[Planned] = []
    for item in items:
        base = anchor_day(item.anchor, start, end)
        if base is None:
            continue
        first = base + timedelta(days=item.offset_days)
        for due in _repeats(item, first, start, end):
            planned.append(
                Planned(
                    item.name, item.kind, item.title, due, item.anchor, item.offset_days, item.keep
                )
            )
    return sorted(planned, key=lambda p: (p.due, p.name))


def _repeats(item: ScheduleItem, first: date, start: date, end: date | None) -> list[date]:
    if item.every_days is None:
        return [first] if first >= start and (end is None or first <= end) else []
    limit = end or start + timedelta(days=item.horizon_days)
    step = timedelta(days=item.every_days)
    days, due = [], first + step
    while due < limit:
        days.append(due)
        due += step
    return days


def on_entering(items: Iterable[ScheduleItem], step: int) -> list[ScheduleItem]:
    return [item for item in items if step in item.steps]


def on_fall_back(items: Iterable[ScheduleItem]) -> list[ScheduleItem]:
    return [item for item in items if item.on_fall_back]


def on_exit(items: Iterable[ScheduleItem], outcome: str) -> list[ScheduleItem]:
    return [item for item in items if outcome in item.on_exit]


SETTINGS: Mapping[str, type] = {
    "name": str,
    "kind": str,
    "title": str,
    "steps": list,
    "on_exit": list,
    "on_fall_back": bool,
    "anchor": str,
    "offset_days": int,
    "every_days": int,
    "keep": bool,
    "horizon_days": int,
}
REQUIRED = ("name", "kind", "title")


def parse_schedule(raw: Any, outcomes: Iterable[str]) -> tuple[tuple[ScheduleItem, ...], list[str]]:
    """Validate the ``[[schedule]]`` entries of a rules file; all problems at once."""
    if not isinstance(raw, list):
        return (), ["schedule must be a list of [[schedule]] entries"]
    items, problems, names = [], [], set()
    for number, entry in enumerate(raw, start=1):
        found = _entry_problems(entry, set(outcomes))
        name = entry.get("name") if isinstance(entry, dict) else None
        if isinstance(name, str) and name in names:
            found.append(f"name {name!r} is used twice")
        names.add(name)
        if found:
            problems += [f"schedule entry {number} ({name or '?'}): {p}" for p in found]
            continue
        items.append(_item(entry))
    return tuple(items), problems


def _entry_problems(entry: Any, outcomes: set[str]) -> list[str]:
    if not isinstance(entry, dict):
        return ["must be a table"]
    problems = [f"unknown setting {key!r}" for key in entry if key not in SETTINGS]
    problems += [f"setting {key!r} is missing" for key in REQUIRED if key not in entry]
    problems += [
        f"{key} has the wrong type"
        for key, value in entry.items()
        if key in SETTINGS and type(value) is not SETTINGS[key]
    ]
    if problems:
        return problems
    if entry["kind"] not in KINDS:
        problems.append(f"kind must be one of {', '.join(KINDS)}")
    if entry.get("anchor", "start") not in ANCHORS:
        problems.append(f"anchor must be one of {', '.join(ANCHORS)}")
    elif entry.get("anchor") == "exit" and (entry.get("steps") or not entry.get("on_exit")):
        problems.append("anchor 'exit' is for an item planned on_exit only, without steps")
    if not all(type(n) is int and 1 <= n <= 9 for n in entry.get("steps", [])):
        problems.append("steps must list step numbers 1–9")
    if not all(o in outcomes for o in entry.get("on_exit", [])):
        problems.append(f"on_exit must list outcomes among {', '.join(sorted(outcomes))}")
    if not (entry.get("steps") or entry.get("on_exit") or entry.get("on_fall_back")):
        problems.append("says neither steps, on_exit nor on_fall_back: it would never be planned")
    for key in ("every_days", "horizon_days"):
        if key in entry and not 1 <= entry[key] <= MAX_RULE_DAYS:
            problems.append(f"{key} must be from 1 to {MAX_RULE_DAYS} (ten years)")
    if not -MAX_RULE_DAYS <= entry.get("offset_days", 0) <= MAX_RULE_DAYS:
        problems.append(f"offset_days must be from -{MAX_RULE_DAYS} to {MAX_RULE_DAYS} (ten years)")
    return problems


def _item(entry: Mapping[str, Any]) -> ScheduleItem:
    return ScheduleItem(
        name=entry["name"],
        kind=entry["kind"],
        title=entry["title"],
        steps=frozenset(entry.get("steps", [])),
        on_exit=frozenset(entry.get("on_exit", [])),
        on_fall_back=entry.get("on_fall_back", False),
        anchor=entry.get("anchor", "start"),
        offset_days=entry.get("offset_days", 0),
        every_days=entry.get("every_days"),
        keep=entry.get("keep", False),
        horizon_days=entry.get("horizon_days", 365),
    )


def parse_reminders(raw: Any) -> tuple[ReminderPolicy, list[str]]:
    if not isinstance(raw, dict):
        return ReminderPolicy(), ["reminders must be a table"]
    problems = [
        f"reminders: unknown setting {k!r}"
        for k in raw
        if k not in ("before_days", "escalate_after_days")
    ]
    values = {k: v for k, v in raw.items() if k in ("before_days", "escalate_after_days")}
    problems += [
        f"reminders: {k} must be a whole number of days from 0 to {MAX_RULE_DAYS} (ten years)"
        for k, v in values.items()
        if type(v) is not int or not 0 <= v <= MAX_RULE_DAYS
    ]
    return (ReminderPolicy(**values) if not problems else ReminderPolicy()), problems
