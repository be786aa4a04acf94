"""The catalogue of labour-market programmes: data, loaded and validated at once.

A programme says where a placement under it may run, how long it is planned by default,
and how long one decision and the whole placement may last. The checks here are pure:
they take the dates and return violations, so a move and an extension are judged alike.
"""

from __future__ import annotations

import calendar
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from states.errors import InvalidInput, quoted, read_settings_file
from states.fixed_term import months_from
from states.messages import N_, Hint, Message
from states.violations import Severity, Violation, violation

DEFAULT_FILE = "programmes.toml"
VERSION = 2  # the catalogue format this engine writes; older ones are migrated on load
REQUIRED: Mapping[str, type] = {
    "name_sv": str,
    "name_en": str,
    "source": str,
    "steps": list,
    "max_total_days": int,
    "max_decision_days": int,
    "valid_from": date,
}
OPTIONAL: Mapping[str, type] = {
    "default_months": int,
    "default_days": int,
    "valid_until": date,
    "total_scope": str,
    "min_training_share": int,
    "las_exempt": bool,
    "min_months": int,
    "min_extent": int,
}
PLACEMENT = "placement"  # max_total_days holds for each placement on its own
PARTICIPANT = "participant"  # ... for all the participant's placements under it together
WORKPLACE = "workplace"  # ... for all the participant's placements under it at one workplace
EMPLOYER = "employer"  # ... at the workplaces of one employer (a workplace without one alone)
SCOPES = (PLACEMENT, PARTICIPANT, WORKPLACE, EMPLOYER)
MAX_DEFAULT = {"default_months": 120, "default_days": 3660}
# Starts enough to find the longest default of N months in a leap cycle: from any day
# 2–27 of a month it plans as many days as from the 1st; days 28–31 may be cut short.
_FOUR_YEARS = tuple(
    date(year, month, day)
    for year in range(2024, 2028)
    for month in range(1, 13)
    for day in (1, 28, 29, 30, 31)
    if day <= calendar.monthrange(year, month)[1]
)


class ProgrammesFileError(InvalidInput):
    code = "invalid-programmes"


@dataclass(frozen=True, slots=True)
class Programme:
    code: str
    name_sv: str
    name_en: str
    steps: frozenset[int]
    default_days: int | None
    max_total_days: int
    max_decision_days: int
    valid_from: date | None = None
    valid_until: date | None = None
    total_scope: str = PLACEMENT
    min_training_share: int | None = None  # percent of the time in training or supervision
    default_months: int | None = None
    las_exempt: bool = False  # LAS 1 §: the fixed-term rules do not count its stays
    source: str = ""  # the regulation and paragraph that govern it
    min_months: int | None = None  # the shortest employment a decision may be for
    min_extent: int | None = None  # the least percent of full time the employment covers

    def open_in(self, year: int) -> bool:
        """Whether a decision may be made on some day of ``year`` (a target for a year
        the programme is closed throughout could never be met)."""
        starts_in_time = self.valid_from is None or self.valid_from <= date(year, 12, 31)
        return starts_in_time and (self.valid_until is None or self.valid_until > date(year, 1, 1))

    def open_on(self, day: date) -> bool:
        """Whether a decision or an extension may be made on ``day``."""
        after_start = self.valid_from is None or day >= self.valid_from
        return after_start and (self.valid_until is None or day < self.valid_until)

    def default_end(self, start: date) -> date:
        """The planned end when none is given: N calendar months (``months_from``) or N
        days after the start."""
        if self.default_months is not None:
            return months_from(start, self.default_months)
        return start + timedelta(days=self.default_days or 0)

    @property
    def default_length(self) -> str:
        """The default length as the catalogue gives it: "12 months" or "105 days"."""
        if self.default_months is not None:
            return f"{self.default_months} months"
        return f"{self.default_days} days"

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name_sv": self.name_sv,
            "name_en": self.name_en,
            "steps": sorted(self.steps),
            "default_length": self.default_length,
            "default_months": self.default_months,
            "default_days": self.default_days,
            "max_total_days": self.max_total_days,
            "max_decision_days": self.max_decision_days,
            "valid_from": self.valid_from.isoformat() if self.valid_from else None,
            "valid_until": self.valid_until.isoformat() if self.valid_until else None,
            "total_scope": self.total_scope,
            "min_training_share": self.min_training_share,
            "las_exempt": self.las_exempt,
            "source": self.source,
            "min_months": self.min_months,
            "min_extent": self.min_extent,
        }


@dataclass(frozen=True, slots=True)
class Catalogue:
    programmes: tuple[Programme, ...]
    warnings: tuple[str, ...] = ()  # what migrating an older file's format changed

    def find(self, code: str | None) -> Programme | None:
        if code is None:
            return None
        wanted = fold(code)
        return next((p for p in self.programmes if p.code == wanted), None)

    def get(self, code: str) -> Programme:
        """A programme by code; an unknown code is bad input naming the known ones."""
        found = self.find(code)
        if found is None:
            raise InvalidInput(
                f"unknown programme {quoted(code)}: choose one of {', '.join(self.codes)}",
                field="programme",
            )
        return found

    @property
    def codes(self) -> list[str]:
        return [p.code for p in self.programmes]

    def __iter__(self) -> Iterator[Programme]:
        return iter(self.programmes)


def fold(code: str) -> str:
    """A code as the catalogue spells it: ``lönestöd`` is ``LONESTOD``, ``säva`` ``SAVA``."""
    return code.strip().upper().translate(str.maketrans("ÅÄÖÉ", "AAOE"))


def parse_programmes(text: str, *, source: str) -> Catalogue:
    """Validate a whole catalogue; every problem found is reported at once."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ProgrammesFileError(f"{source}: not valid TOML: {exc}", file=source) from None
    problems: list[str] = []
    version = data.get("version")
    if type(version) is not int or not 1 <= version <= VERSION:
        problems.append(f"version must be a format version from 1 to {VERSION}")
    problems += [
        f"unknown top-level key {key!r}" for key in data if key not in ("version", "programmes")
    ]
    table = data.get("programmes", {})
    warnings: tuple[str, ...] = ()
    if version == 1 and isinstance(table, dict):
        table, warnings = _from_version_1(table, source)
    if not isinstance(table, dict) or not table:
        table, problems = {}, [*problems, "programmes must be [programmes.CODE] sections"]
    programmes = []
    for code, raw in table.items():
        found = _problems(code, raw)
        problems += [f"programmes.{code}: {p}" for p in found]
        if not found:
            programmes.append(_programme(code, raw))
    if problems:
        raise ProgrammesFileError(
            f"{source}: {len(problems)} problem(s): " + "; ".join(problems),
            file=source,
            problems=problems,
        )
    return Catalogue(tuple(programmes), warnings)


NOT_GIVEN = "not given (a version 1 catalogue)"


def _from_version_1(table: Mapping[str, Any], source: str) -> tuple[dict[str, Any], tuple[str]]:
    """Version 2 asks each entry for its ``source`` and ``valid_from``, which version 1
    did not have: an entry without them is read as citing nothing and open from the
    start, never refused, and the warning names what to add."""
    migrated = {
        code: {"source": NOT_GIVEN, "valid_from": date.min, **raw} if isinstance(raw, dict) else raw
        for code, raw in table.items()
    }
    lacking = [
        code
        for code, raw in table.items()
        if isinstance(raw, dict) and not {"source", "valid_from"} <= raw.keys()
    ]
    return migrated, (
        f"{source}: a version 1 catalogue, read as version {VERSION}: each entry now gives "
        "`source` (the regulation and paragraph) and `valid_from`; "
        + (
            f"{', '.join(lacking)} lack them, so they cite nothing and are open from the "
            "start: add them and set version = 2"
            if lacking
            else "set version = 2"
        ),
    )


def _problems(code: str, raw: Any) -> list[str]:
    if not isinstance(raw, dict):
        return ["must be a table"]
    problems = []
    if not (code.isascii() and code.isupper() and code.replace("_", "").isalnum()):
        problems.append("the code must be upper-case letters, digits or _")
    expected = {**REQUIRED, **OPTIONAL}
    problems += [f"unknown setting {key!r}" for key in raw if key not in expected]
    problems += [f"setting {key!r} is missing" for key in REQUIRED if key not in raw]
    problems += [
        f"{key} has the wrong type"
        for key, kind in expected.items()
        if key in raw and type(raw[key]) is not kind
    ]
    if problems:
        return problems
    if not raw["steps"] or not all(type(n) is int and 1 <= n <= 9 for n in raw["steps"]):
        problems.append("steps must list step numbers 1–9")
    if not 1 <= raw["max_decision_days"] <= raw["max_total_days"]:
        problems.append("max_decision_days must be at least 1 and at most max_total_days")
    problems += _default_problems(raw)
    if "valid_from" in raw and "valid_until" in raw and raw["valid_from"] >= raw["valid_until"]:
        problems.append("valid_from must come before valid_until")
    if raw.get("total_scope", PLACEMENT) not in SCOPES:
        problems.append(f"total_scope must be one of {', '.join(SCOPES)}")
    if not raw["source"].strip():
        problems.append("source must name the regulation and paragraph that govern it")
    if not 1 <= raw.get("min_extent", 1) <= 100:
        problems.append("min_extent must be a percentage from 1 to 100")
    if not 1 <= raw.get("min_months", 1) <= MAX_DEFAULT["default_months"]:
        problems.append(f"min_months must be from 1 to {MAX_DEFAULT['default_months']}")
    if not 1 <= raw.get("min_training_share", 1) <= 100:
        problems.append("min_training_share must be a percentage from 1 to 100")
    return problems


def _default_problems(raw: Mapping[str, Any]) -> list[str]:
    """Exactly one default length, at least 1, never longer than one decision may be."""
    given = [key for key in ("default_months", "default_days") if key in raw]
    if len(given) != 1:
        return ["give exactly one of default_months and default_days"]
    if not 1 <= raw[given[0]] <= MAX_DEFAULT[given[0]]:
        return [f"{given[0]} must be from 1 to {MAX_DEFAULT[given[0]]}"]
    longest = max(_default_span(raw, start) for start in _FOUR_YEARS)
    if longest > raw["max_decision_days"]:
        return [f"{given[0]} plans up to {longest} days, more than max_decision_days"]
    return []


def _default_span(raw: Mapping[str, Any], start: date) -> int:
    if "default_months" in raw:
        return (months_from(start, raw["default_months"]) - start).days
    return int(raw["default_days"])


def _programme(code: str, raw: Mapping[str, Any]) -> Programme:
    return Programme(
        code=code,
        name_sv=raw["name_sv"],
        name_en=raw["name_en"],
        steps=frozenset(raw["steps"]),
        default_days=raw.get("default_days"),
        default_months=raw.get("default_months"),
        max_total_days=raw["max_total_days"],
        max_decision_days=raw["max_decision_days"],
        valid_from=None if raw["valid_from"] == date.min else raw["valid_from"],
        valid_until=raw.get("valid_until"),
        total_scope=raw.get("total_scope", PLACEMENT),
        min_training_share=raw.get("min_training_share"),
        las_exempt=raw.get("las_exempt", False),
        source=raw["source"],
        min_months=raw.get("min_months"),
        min_extent=raw.get("min_extent"),
    )


def las_exempt(code: str | None, catalogue: Catalogue | None = None) -> bool:
    """Whether LAS leaves employment under this programme out (LAS 1 §): then its stays
    neither count towards nor are judged by the fixed-term rules."""
    programme = (catalogue or default_catalogue()).find(code)
    return programme is not None and programme.las_exempt


def load_programmes_file(path: Path) -> Catalogue:
    text = read_settings_file(path, ProgrammesFileError, "programmes file")
    return parse_programmes(text, source=str(path))


@cache
def default_catalogue() -> Catalogue:
    text = resources.files("states").joinpath(DEFAULT_FILE).read_text(encoding="utf-8")
    return parse_programmes(text, source="default programmes")


# The checks: each returns a sentence when a decision breaks it, else None.


def closed(programme: Programme, decided_on: date) -> Message | None:
    if programme.open_on(decided_on):
        return None
    if programme.valid_until is not None and decided_on >= programme.valid_until:
        return Message(
            N_(
                "programme {programme} takes no new decisions or extensions on or after "
                "{until} (decision date {on})"
            ),
            {
                "programme": programme.code,
                "until": programme.valid_until.isoformat(),
                "on": decided_on.isoformat(),
            },
        )
    assert programme.valid_from is not None
    return Message(
        N_("programme {programme} takes decisions from {since} (decision date {on})"),
        {
            "programme": programme.code,
            "since": programme.valid_from.isoformat(),
            "on": decided_on.isoformat(),
        },
    )


def decision_too_long(programme: Programme, start: date, end: date) -> Message | None:
    """One decision (the first, or one extension) covers ``start`` to ``end``."""
    days = (end - start).days
    if days <= programme.max_decision_days:
        return None
    return Message(
        N_(
            "one decision under programme {programme} covers at most {most} days: "
            "{start} to {end} is {days} days"
        ),
        _span(programme, programme.max_decision_days, start, end, days),
    )


def total_too_long(programme: Programme, start: date, end: date) -> Message | None:
    """The whole placement, the original length and every extension together."""
    days = (end - start).days
    if days <= programme.max_total_days:
        return None
    return Message(
        N_(
            "a placement under programme {programme} lasts at most {most} days in total: "
            "{start} to {end} is {days} days"
        ),
        _span(programme, programme.max_total_days, start, end, days),
    )


def _span(programme: Programme, most: int, start: date, end: date, days: int) -> dict[str, Any]:
    return {
        "programme": programme.code,
        "most": most,
        "start": start.isoformat(),
        "end": end.isoformat(),
        "days": days,
    }


_SCOPED = {
    PARTICIPANT: N_(
        "placements under programme {programme} last at most {most} days in total: the "
        "participant's earlier ones ({before} days) and {start} to {end} are {days} days"
    ),
    WORKPLACE: N_(
        "placements under programme {programme} at one workplace last at most {most} days in "
        "total: the participant's earlier ones there ({before} days) and {start} to {end} "
        "are {days} days"
    ),
    EMPLOYER: N_(
        "placements under programme {programme} with one employer last at most {most} days "
        "in total: the participant's earlier ones with the employer ({before} days) and "
        "{start} to {end} are {days} days"
    ),
}


def scoped_total_too_long(
    programme: Programme, earlier: Iterable[tuple[date, date]], start: date, end: date
) -> Message | None:
    """For a programme whose total spans placements (``total_scope``: participant,
    workplace or employer): the participant's earlier placements under it in that scope
    (``earlier``: start and end of each) and this one, from ``start`` to ``end``,
    together, so falling back and advancing again never restarts the count. Each
    placement counts as ``total_too_long`` counts it."""
    if programme.total_scope == PLACEMENT:
        return None
    before = sum(max((e - s).days, 0) for s, e in earlier)
    days = before + (end - start).days
    if not before or days <= programme.max_total_days or total_too_long(programme, start, end):
        return None  # nothing earlier, within the total, or refused for this one alone
    params = _span(programme, programme.max_total_days, start, end, days)
    return Message(_SCOPED[programme.total_scope], {**params, "before": before})


def training_share_violation(programme: Programme, share: int | None) -> Violation | None:
    """For a programme that requires a share of the time in training or supervision (YA:
    15 %): too low refuses (``training-share-too-low``, blocking); not given is a warning
    (``training-share-missing``), so a placement is never opened without anyone noticing."""
    need = programme.min_training_share
    if need is None:
        return None
    if share is None:
        return violation(
            "training-share-missing",
            Message(
                N_(
                    "programme {programme} needs at least {need} % of the time in training "
                    "or supervision: record the planned share with {how}"
                ),
                {
                    "programme": programme.code,
                    "need": need,
                    "how": Hint("training_share", "--training-share"),
                },
            ),
            Severity.WARNING,
        )
    if share >= need:
        return None
    return violation(
        "training-share-too-low",
        Message(
            N_(
                "programme {programme} needs at least {need} % of the time in training or "
                "supervision, not {share} %"
            ),
            {"programme": programme.code, "need": need, "share": share},
        ),
    )


def too_short(programme: Programme, start: date, end: date | None) -> Violation | None:
    """For a programme whose employment must last (YA: at least 6 months, förordning
    2013:1157 6 §): a planned end before ``min_months`` calendar months from the start
    (``months_from``: both ends included) refuses (``programme-too-short``)."""
    if programme.min_months is None or end is None:
        return None
    shortest = months_from(start, programme.min_months)
    if end >= shortest:
        return None
    return violation(
        "programme-too-short",
        Message(
            N_(
                "programme {programme} is for an employment of at least {months} months: "
                "{start} to {end} ends before {shortest}"
            ),
            {
                "programme": programme.code,
                "months": programme.min_months,
                "start": start.isoformat(),
                "end": end.isoformat(),
                "shortest": shortest.isoformat(),
            },
        ),
    )


def extent_violation(programme: Programme, extent: int | None) -> Violation | None:
    """For a programme that requires a share of full time (YA: 75 %): too low refuses
    (``extent-too-low``), not given is a warning (``extent-missing``)."""
    need = programme.min_extent
    if need is None:
        return None
    if extent is None:
        return violation(
            "extent-missing",
            Message(
                N_(
                    "programme {programme} needs an employment of at least {need} % of full "
                    "time: record the planned extent with {how}"
                ),
                {"programme": programme.code, "need": need, "how": Hint("extent", "--extent")},
            ),
            Severity.WARNING,
        )
    if extent >= need:
        return None
    return violation(
        "extent-too-low",
        Message(
            N_(
                "programme {programme} needs an employment of at least {need} % of full time, "
                "not {extent} %"
            ),
            {"programme": programme.code, "need": need, "extent": extent},
        ),
    )


def extension_violations(
    programme: Programme,
    start: date,
    old_end: date,
    new_end: date,
    decided_on: date,
    earlier_here: Iterable[tuple[date, date]] = (),
) -> list[Violation]:
    """What the programme says about extending a placement from ``old_end`` to ``new_end``
    (``earlier_here``: the participant's earlier placements under it in its total's
    scope)."""
    checks = [
        ("programme-closed", closed(programme, decided_on)),
        ("programme-too-long", decision_too_long(programme, old_end, new_end)),
        (
            "programme-total-too-long",
            total_too_long(programme, start, new_end)
            or scoped_total_too_long(programme, earlier_here, start, new_end),
        ),
    ]
    return [violation(code, said, Severity.BLOCKING) for code, said in checks if said]
