"""The retention schedule (gallringsplan) as data, and the pure planning of what is due.

A schedule implements one retention decision (gallringsbeslut: its reference, date and
authority) and says, per kind of record of a case, how long after the case closes it is
kept and what then happens to it: ``destroy`` (kivo removes it, under the decision) or
``archive`` (kivo keeps it; the archive takes it over, nothing is removed). Loaded from
TOML and validated at load, as the rules file is: every problem is named at once, with
its key and line, and a schedule with any problem is refused whole.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

from states.errors import InvalidInput, read_settings_file
from states.fixed_term import add_months
from states.messages import N_

DEFAULT_FILE = "retention_default.toml"
VERSION = 1
TOP_LEVEL = ("version", "decision", "records")
DECISION_KEYS = ("reference", "date", "authority")
KIND_KEYS = ("keep", "action")
KINDS: dict[str, str] = {
    "history": "the case's history (its events: steps, dates, outcomes)",
    "notes": "free-text notes and reasons (case notes, reasons of moves, follow-up notes, "
    "end reasons, proposal reasons)",
    "meetings": "the notes of tripartite meetings",
    "placements": "placements (workplace, supervisor, programme, dates)",
    "reminders": "reminders sent (the outbox)",
    "access_log": "the access log of the case (who read or changed it)",
}
"""The kinds of record a schedule names, in the order plans list them."""
PERIOD = re.compile(r"^\s*(\d{1,3})\s+(year|years|month|months)\s*$")


class RetentionFileError(InvalidInput):
    """A retention schedule that does not validate."""

    code = "invalid-retention"


class Action(StrEnum):
    DESTROY = "destroy"
    ARCHIVE = "archive"


@dataclass(frozen=True, slots=True)
class Period:
    """How long a record is kept after its case closes, in whole calendar months."""

    months: int
    text: str  # as the schedule wrote it: "2 years"

    def after(self, day: date) -> date:
        return add_months(day, self.months)

    def __str__(self) -> str:
        return self.text


@dataclass(frozen=True, slots=True)
class Decision:
    """The retention decision (gallringsbeslut) a schedule implements."""

    reference: str
    decided_on: date
    authority: str

    def __str__(self) -> str:
        return f"{self.reference} ({self.authority}, {self.decided_on.isoformat()})"


@dataclass(frozen=True, slots=True)
class KindRule:
    kind: str
    keep: Period
    action: Action


@dataclass(frozen=True, slots=True)
class RetentionSchedule:
    source: str
    decision: Decision
    kinds: tuple[KindRule, ...]

    def rule(self, kind: str) -> KindRule:
        return next(rule for rule in self.kinds if rule.kind == kind)


@dataclass(frozen=True, slots=True)
class ClosedCase:
    """A closed case as planning sees it: when it closed, and which kinds of record it
    still holds something of that a destruction would remove."""

    case_id: int
    closed_on: date
    present: frozenset[str]


@dataclass(frozen=True, slots=True)
class DueItem:
    """One kind of record of one case due for destruction, and why."""

    case_id: int
    kind: str
    closed_on: date
    keep: str
    due_since: date
    action: Action = Action.DESTROY

    def to_dict(self) -> dict[str, Any]:
        return {
            "case": self.case_id,
            "kind": self.kind,
            "closed_on": self.closed_on.isoformat(),
            "keep": self.keep,
            "due_since": self.due_since.isoformat(),
            "action": self.action.value,
        }


def plan(schedule: RetentionSchedule, cases: Iterable[ClosedCase], on: date) -> list[DueItem]:
    """What is due for destruction on ``on``: each kind the schedule destroys, of each
    case closed at least its keeping period before ``on`` that still holds some of it.
    Ordered by case, then by the schedule's order of kinds."""
    due = []
    for case in sorted(cases, key=lambda c: c.case_id):
        for rule in schedule.kinds:
            since = rule.keep.after(case.closed_on)
            if rule.action is Action.DESTROY and rule.kind in case.present and since <= on:
                due.append(DueItem(case.case_id, rule.kind, case.closed_on, rule.keep.text, since))
    return due


def default_schedule_text() -> str:
    return resources.files("states").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


def load_default_schedule() -> RetentionSchedule:
    return parse_schedule(default_schedule_text(), source="default")


def load_schedule_file(path: Path) -> RetentionSchedule:
    text = read_settings_file(path, RetentionFileError, "retention schedule")
    return parse_schedule(text, source=str(path))


def parse_schedule(text: str, *, source: str) -> RetentionSchedule:
    """Validate a whole schedule; every problem found is reported at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RetentionFileError(f"{source}: not valid TOML: {exc}", file=source) from None
    lines = _Lines(text)
    problems: list[str] = []
    if data.get("version") != VERSION or type(data.get("version")) is not int:
        problems.append(lines.at("", "version", f"version must be {VERSION}"))
    problems += [
        lines.at("", key, f"unknown top-level key {key!r}") for key in data if key not in TOP_LEVEL
    ]
    decision, found = _decision(data.get("decision"), lines)
    kinds, found_too = _kinds(data.get("records"), lines)
    problems += found + found_too
    if problems or decision is None:
        raise RetentionFileError(
            f"{source}: {len(problems)} problem(s): " + "; ".join(problems),
            file=source,
            problems=problems,
        )
    return RetentionSchedule(source, decision, kinds)


def _decision(raw: Any, lines: _Lines) -> tuple[Decision | None, list[str]]:
    if not isinstance(raw, dict):
        return None, [
            lines.at("decision", "", "a [decision] table is required: reference, date, authority")
        ]
    problems = [
        lines.at("decision", key, f"unknown key decision.{key}")
        for key in raw
        if key not in DECISION_KEYS
    ]
    for key in ("reference", "authority"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            problems.append(lines.at("decision", key, f"decision.{key} must be a non-empty text"))
        elif len(value) > 80:
            problems.append(lines.at("decision", key, f"decision.{key} is over 80 characters"))
    decided_on = raw.get("date")
    if type(decided_on) is not date:
        problems.append(lines.at("decision", "date", "decision.date must be a date (2026-03-01)"))
    if problems:
        return None, problems
    assert isinstance(decided_on, date)
    return Decision(raw["reference"].strip(), decided_on, raw["authority"].strip()), []


def _kinds(raw: Any, lines: _Lines) -> tuple[tuple[KindRule, ...], list[str]]:
    if not isinstance(raw, dict):
        return (), [lines.at("records", "", "a [records.KIND] table is required for each kind")]
    problems = [
        lines.at("records", kind, f"unknown kind of record {kind!r} (known: {', '.join(KINDS)})")
        for kind in raw
        if kind not in KINDS
    ]
    rules = []
    for kind in KINDS:
        if kind not in raw:
            problems.append(lines.at("records", "", f"records.{kind} is missing ({KINDS[kind]})"))
            continue
        rule, found = _kind(kind, raw[kind], lines)
        problems += found
        if rule is not None:
            rules.append(rule)
    return tuple(rules), problems


def _kind(kind: str, raw: Any, lines: _Lines) -> tuple[KindRule | None, list[str]]:
    section = f"records.{kind}"
    if not isinstance(raw, Mapping):
        return None, [lines.at("records", kind, f"{section} must be a table: keep, action")]
    problems = [
        lines.at(section, key, f"unknown key {section}.{key}")
        for key in raw
        if key not in KIND_KEYS
    ]
    keep = _period(raw.get("keep"))
    if keep is None:
        problems.append(
            lines.at(
                section,
                "keep",
                f'{section}.keep must be a period such as "2 years" or "18 months" '
                f"(got {raw.get('keep')!r})",
            )
        )
    action = raw.get("action")
    if action not in tuple(Action):
        problems.append(
            lines.at(section, "action", f'{section}.action must be "destroy" or "archive"')
        )
    if problems or keep is None:
        return None, problems
    return KindRule(kind, keep, Action(str(action))), []


def _period(raw: Any) -> Period | None:
    if not isinstance(raw, str):
        return None
    match = PERIOD.match(raw)
    if match is None:
        return None
    amount, unit = int(match[1]), match[2]
    return Period(amount * 12 if unit.startswith("year") else amount, " ".join(raw.split()))


class _Lines:
    """Where a key is written in the schedule's text, to name its line in a problem."""

    def __init__(self, text: str) -> None:
        self.lines = text.splitlines()

    def at(self, section: str, key: str, problem: str) -> str:
        number = self.find(section, key)
        return f"line {number}: {problem}" if number else problem

    def find(self, section: str, key: str) -> int | None:
        current, header = "", None
        for number, line in enumerate(self.lines, start=1):
            stripped = line.strip()
            if stripped.startswith("["):
                current = stripped.strip("[] ")
                if current == section or (not key and current.startswith(section + ".")):
                    header = header or number
                target = f"{section}.{key}" if section else key
                if key and current == target:
                    return number
                continue
            name = stripped.split("=", 1)[0].strip().strip('"')
            written = f"{current}.{name}" if current else name  # a dotted key too
            if key and "=" in stripped and written == (f"{section}.{key}" if section else key):
                return number
        return header


RECORD_KINDS = {
    "history": N_("history"),
    "notes": N_("notes and reasons"),
    "meetings": N_("meeting notes"),
    "placements": N_("placements"),
    "reminders": N_("reminders"),
    "access_log": N_("access log"),
}
"""The kinds of record a disposal removes or empties, as the plan and the page name them."""
