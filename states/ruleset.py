"""The rule set: loaded from TOML, validated at load, evaluated against a move."""

from __future__ import annotations

import hashlib
import json
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, replace
from importlib import resources
from pathlib import Path
from typing import Any

from states.calendar_bounds import MAX_RULE_MONTHS
from states.case import LEAVING_MOVES, OPENING_MOVES, CaseFacts, Group, Move, MoveKind, Outcome
from states.errors import RulesFileError, read_settings_file
from states.programmes import Catalogue, default_catalogue
from states.rules import LEAVING, REGISTRY
from states.schedule import ReminderPolicy, ScheduleItem, parse_reminders, parse_schedule
from states.steps import Step
from states.violations import Severity, Violation
from states.violations import violation as said_by

COMMON = {"description": str, "source": str, "severity": str, "steps": list, "enabled": bool}
DEFAULT_FILE = "default_rules.toml"
VERSION = 2  # the rules-file format this engine writes; older ones are migrated on load
NOT_GIVEN = "not given (a version 1 rules file)"
TOP_LEVEL = ("version", "rules", "schedule", "reminders")
TYPE_NAMES = {str: "a string", int: "an integer", bool: "true or false", list: "a list"}


@dataclass(frozen=True, slots=True)
class RuleConfig:
    code: str
    description: str
    severity: Severity
    steps: frozenset[Step]
    enabled: bool
    settings: Mapping[str, Any]
    source: str = ""  # the text that governs the rule (law and paragraph, or the seeds)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "description": self.description,
            "source": self.source,
            "severity": self.severity.value,
            "enabled": self.enabled,
            "steps": sorted(step.number for step in self.steps),
            **dict(self.settings),
        }


@dataclass(frozen=True, slots=True)
class RuleSet:
    source: str
    rules: tuple[RuleConfig, ...]
    schedule: tuple[ScheduleItem, ...] = ()
    reminders: ReminderPolicy = field(default_factory=ReminderPolicy)
    # The organisation's programmes catalogue, which the programme rules judge against.
    catalogue: Catalogue = field(default_factory=default_catalogue)
    warnings: tuple[str, ...] = ()  # what migrating an older file's format changed
    # The enabled rules that apply, by (kind of move, step left by a leaving move, step
    # entered by an opening one): worked out once per kind of move, not for every rule of
    # every move judged (``applies_to`` reads nothing else).
    _applicable: dict[tuple[MoveKind, Step | None, Step | None], tuple[RuleConfig, ...]] = field(
        default_factory=dict, init=False, repr=False, compare=False, hash=False
    )

    def evaluate(self, facts: CaseFacts, move: Move) -> list[Violation]:
        """Violations of the configurable rules by a move: an entry rule judges an advance
        into one of its steps, a leaving rule a move out of one of its steps."""
        found = []
        if facts.catalogue is not self.catalogue:
            facts = replace(facts, catalogue=self.catalogue)
        for rule in self._rules_for(facts, move):
            spec = REGISTRY[rule.code]
            said = spec.fn(facts, move, rule.settings)
            if said is not None:
                found.append(said_by(rule.code, said, rule.severity, spec.overridable))
        return found

    def _rules_for(self, facts: CaseFacts, move: Move) -> tuple[RuleConfig, ...]:
        leaving, opening = move.kind in LEAVING_MOVES, move.kind in OPENING_MOVES
        key = (move.kind, facts.step if leaving else None, move.to if opening else None)
        found = self._applicable.get(key)
        if found is None:
            found = tuple(r for r in self.rules if r.enabled and applies_to(r, facts, move))
            self._applicable[key] = found
        return found

    def rule(self, code: str) -> RuleConfig | None:
        return next((rule for rule in self.rules if rule.code == code), None)

    def weigh(self, found: Iterable[Violation], step: Step | None) -> list[Violation]:
        """Violations found outside a move (an extension) as this rule set weighs them:
        dropped when their rule is off or not for ``step``, else with its severity. A
        code the rules file does not know keeps the severity it came with."""
        weighed = []
        for violation in found:
            rule = self.rule(violation.code)
            if rule is None:
                weighed.append(violation)
            elif rule.enabled and step in rule.steps:
                overridable = violation.overridable and REGISTRY[rule.code].overridable
                weighed.append(replace(violation, severity=rule.severity, overridable=overridable))
        return weighed


FINGERPRINT_LENGTH = 16


def fingerprint(rules: RuleSet) -> str:
    """A stable hash of what judges a move: every rule's settings, the schedule and the
    reminders (not the file's name, comments or key order), so an identical copy has
    the organisation's fingerprint and a loosened one another. 16 hex digits."""
    document = {
        "rules": [rule.to_dict() for rule in rules.rules],
        "schedule": [asdict(item) for item in rules.schedule],
        "reminders": asdict(rules.reminders),
    }
    text = json.dumps(document, sort_keys=True, default=_canonical, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:FINGERPRINT_LENGTH]


def _canonical(value: Any) -> Any:
    if isinstance(value, set | frozenset):
        return sorted(value, key=repr)
    return str(value)


def applies_to(rule: RuleConfig, facts: CaseFacts, move: Move) -> bool:
    if REGISTRY[rule.code].applies == LEAVING:
        return move.kind in LEAVING_MOVES and facts.step in rule.steps
    if move.kind is MoveKind.START_PLACEMENT and not REGISTRY[rule.code].placement:
        return False  # judges the way into the step, which the case took already
    return move.kind in OPENING_MOVES and move.to in rule.steps


def default_rules_text() -> str:
    return resources.files("states").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")


def load_default_rules() -> RuleSet:
    return parse_rules(default_rules_text(), source="default")


def load_rules_file(path: Path) -> RuleSet:
    text = read_settings_file(path, RulesFileError, "rules file")
    return parse_rules(text, source=str(path))


def parse_rules(text: str, *, source: str) -> RuleSet:
    """Validate a whole rules document; every problem found is reported at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise RulesFileError(f"{source}: not valid TOML: {exc}", file=source) from None
    problems: list[str] = []
    version = data.get("version")
    if type(version) is not int or not 1 <= version <= VERSION:
        problems.append(f"version must be a format version from 1 to {VERSION}")
    problems += [f"unknown top-level key {key!r}" for key in data if key not in TOP_LEVEL]
    table = data.get("rules", {})
    readable = isinstance(table, dict)
    if not readable:
        table, problems = {}, [*problems, "rules must be a table of [rules.CODE] sections"]
    warnings: tuple[str, ...] = ()
    if version == 1:
        table, warnings = _from_version_1(table, source, add_rules=readable)
    problems += [f"unknown rule {code!r}" for code in table if code not in REGISTRY]
    missing = [code for code in REGISTRY if code not in table]
    problems += [f"rule {code!r} is missing (turn it off with enabled = false)" for code in missing]
    configs = []
    for code in REGISTRY:
        if code in table:
            config, found = _parse_rule(code, table[code])
            problems += [f"rules.{code}: {p}" for p in found]
            configs.append(config)
    schedule, found = parse_schedule(data.get("schedule", []), [o.value for o in Outcome])
    reminders, found_too = parse_reminders(data.get("reminders", {}))
    problems += found + found_too
    if problems:
        raise RulesFileError(
            f"{source}: {len(problems)} problem(s): " + "; ".join(problems),
            file=source,
            problems=problems,
        )
    rules = tuple(c for c in configs if c is not None)
    return RuleSet(source, rules, schedule, reminders, warnings=warnings)


V1_ADDED = {"ya-not-eligible": {"newly_arrived_months": 36}}  # settings version 2 added
V1_NEW_RULES = ("las-vikariat",)  # rules version 2 added; a version 1 file gets the default


def _from_version_1(
    table: Mapping[str, Any], source: str, *, add_rules: bool = True
) -> tuple[dict[str, Any], tuple[str]]:
    """Version 2 asks each rule for its ``source`` and ya-not-eligible for
    ``newly_arrived_months``, which version 1 did not have: a rule without a source is
    read as citing nothing, the months as the 36 of förordning 2013:1157, never refused.
    A rule version 2 added (``las-vikariat``, LAS 5 a §) that the file lacks is added
    with its default settings (not to rules that are no table at all, which are refused).
    The warning says what was filled in."""
    lacking = [code for code, raw in table.items() if isinstance(raw, dict) and "source" not in raw]
    migrated = {
        code: {"source": NOT_GIVEN, **V1_ADDED.get(code, {}), **raw}
        if isinstance(raw, dict)
        else raw
        for code, raw in table.items()
    }
    added = [code for code in V1_NEW_RULES if code not in table] if add_rules else []
    if added:
        defaults = tomllib.loads(default_rules_text())["rules"]
        migrated.update({code: dict(defaults[code]) for code in added})
    sources = f"{len(lacking)} rule(s) lack one and cite nothing: add it" if lacking else "all do"
    new_rules = (
        "; new in version 2 and added with the default settings: "
        + ", ".join(_described(code, migrated[code]) for code in added)
        if added
        else ""
    )
    return migrated, (
        f"{source}: a version 1 rules file, read as version {VERSION}: each rule now gives "
        f"`source` (the text that governs it), {sources}; ya-not-eligible counts the "
        "newly-arrived group only within `newly_arrived_months` (36 unless given) of the "
        f"participant's residence-permit date{new_rules}; set version = 2",
    )


def _described(code: str, raw: Mapping[str, Any]) -> str:
    """A rule a migration added, as the warning names it: code, severity, settings."""
    settings = "".join(f", {key} = {value}" for key, value in raw.items() if key not in COMMON)
    return f"{code} ({raw['severity']}, steps {', '.join(map(str, raw['steps']))}{settings})"


def _parse_rule(code: str, raw: Any) -> tuple[RuleConfig | None, list[str]]:
    if not isinstance(raw, dict):
        return None, ["must be a table"]
    expected = {**COMMON, **REGISTRY[code].settings}
    problems = [f"unknown setting {key!r}" for key in raw if key not in expected]
    for key, kind in expected.items():
        if key not in raw and key != "enabled":
            problems.append(f"setting {key!r} is missing")
        elif key in raw and type(raw[key]) is not kind:
            problems.append(f"{key} must be {TYPE_NAMES[kind]}")
    if problems:
        return None, problems
    problems += _check_values(raw)
    if problems:
        return None, problems
    settings = {k: v for k, v in raw.items() if k not in COMMON}
    return RuleConfig(
        code=code,
        description=raw["description"],
        severity=Severity(raw["severity"]),
        steps=frozenset(Step(n) for n in raw["steps"]),
        enabled=raw.get("enabled", True),
        settings=settings,
        source=raw["source"],
    ), []


def _check_values(raw: Mapping[str, Any]) -> list[str]:
    problems = []
    if not raw["source"].strip():
        problems.append("source must name the text that governs the rule")
    if raw["severity"] not in {s.value for s in Severity}:
        problems.append("severity must be 'blocking' or 'warning'")
    for key in ("steps", "from_steps"):
        if key in raw and not all(type(n) is int and 1 <= n <= 9 for n in raw[key]):
            problems.append(f"{key} must list step numbers 1–9")
    if "from_steps" in raw and not raw["from_steps"]:
        problems.append("from_steps must list at least one step")
    groups = {g.value for g in Group}
    if "groups" in raw and not all(isinstance(g, str) and g in groups for g in raw["groups"]):
        problems.append(f"groups must be among {', '.join(sorted(groups))}")
    if not 1 <= raw.get("newly_arrived_months", 1) <= 120:
        problems.append("newly_arrived_months must be from 1 to 120")
    if "min_age" in raw and not 0 <= raw["min_age"] <= raw["max_age"] <= 120:
        problems.append("min_age and max_age must satisfy 0 <= min_age <= max_age <= 120")
    if "more_than_months" in raw and not 1 <= raw["more_than_months"] <= MAX_RULE_MONTHS:
        problems.append(f"more_than_months must be from 1 to {MAX_RULE_MONTHS}")
    return problems
