"""What the reports for steering groups and funders say, as plain values.

The numbers are computed in the database (``persistence.report_queries``); this module
holds their shapes and the few pure definitions every report shares, so that the SQL,
the brute-force checks in the tests and the README all mean the same thing:

- A period is a range of whole days, **both ends included**: a move on ``--to`` counts.
- Percentiles are **nearest-rank**: the p-th percentile of n sorted values is the value
  at rank ``ceil(p * n / 100)`` (1-based), so it is always a value that occurred; the
  median of an even count is the lower of the two middle values.
- Month thresholds are counted in days: more than 6 months is more than 183 days, more
  than 12 months is more than 365 days.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from states.calendar_bounds import EARLIEST, LATEST
from states.case import ALL_STATES, Characteristic, Gender, Group, Outcome
from states.errors import InvalidInput
from states.messages import N_, Hint, Message
from states.steps import step_by_slug

SIX_MONTHS_DAYS = 183
TWELVE_MONTHS_DAYS = 365
DEFAULT_FALLBACK_WINDOW_DAYS = 90
FIRST_WORKPLACE_STEP = 2
"""Step 2 (short practice) is the first step at a workplace: a case an import put in it or
in a later step had a placement before kivo, which the import does not record."""

BREAKDOWNS = (N_("gender"), N_("group"), N_("caseworker"))
"""What a report may break down by; marked, as a table names its column after it."""
NO_GROUP = N_("(none)")
UNASSIGNED = N_("(unassigned)")
YES, NO = N_("yes"), N_("no")

# The history's moves: ``enrolled`` starts a case, these change its state.
STATE_EVENTS = ("enrolled", "advanced", "fell_back", "paused", "resumed", "exited")
# A flow leaves one step (or enrolment, or a pause) for another step or the exit.
FLOW_EVENTS = ("advanced", "fell_back", "exited")
# Moves that end a stay in a step (a pause does not: the paused time is part of the stay).
LEAVING_EVENTS = ("advanced", "fell_back", "exited")

AFTER_4_WEEKS = "after-employment-4w"
AFTER_LEAVING_6_MONTHS = "after-exit-6m"
"""The follow-up six months after leaving, planned at every exit (ESF+ longer-term
result: "in employment, including self-employment, six months after leaving")."""

UPON_LEAVING = {
    Outcome.EMPLOYED.value: "employed",
    Outcome.SELF_EMPLOYED.value: "employed",
    Outcome.STUDIES.value: "in-education",
    Outcome.JOB_SEEKING.value: "job-searching",
}
"""The ESF+ immediate result upon leaving, from the exit's outcome: in employment
(self-employment included), in education or training, job-searching; none for a move,
a refusal or another reason."""
EMPLOYED_FINDINGS = ("employed", "self-employed")

ESF_GENDERS = {Gender.WOMAN.value, Gender.MAN.value, Gender.NON_BINARY.value}
ENTRY_STATUS_GROUPS = {
    Group.LONG_TERM_UNEMPLOYED.value: N_("long-term unemployed"),
    Group.UNEMPLOYED.value: N_("unemployed"),
    Group.INACTIVE.value: N_("inactive"),
    Group.EMPLOYED.value: N_("employed"),
}
"""ESF+ employment status at entry, from the person's group codes; the first in this
order wins, so long-term unemployment is reported before plain unemployment."""
EDUCATION_GROUPS = {
    Group.ISCED_0_2.value: "ISCED 0-2",
    Group.ISCED_3_4.value: "ISCED 3-4",
    Group.ISCED_5_8.value: "ISCED 5-8",
}
"""ESF+ education level (ISCED band) from group codes, where recorded."""


PERIOD_HINTS = {
    "first": Hint("from", "--from"),
    "last": Hint("to", "--to"),
    "year": Hint("year", "--year"),
}
"""The options (or fields, or keys) a period is given with, as its refusals name them."""


@dataclass(frozen=True)
class Period:
    """Whole days from ``start`` to ``end``, both included."""

    start: date
    end: date

    def __post_init__(self) -> None:
        if self.start > self.end:
            said = N_(
                "the period starts ({start}) after it ends ({end}): "
                "{first} must be on or before {last}"
            )
            days = {"start": self.start.isoformat(), "end": self.end.isoformat()}
            raise InvalidInput(Message(said, {**days, **PERIOD_HINTS}), field="from")

    def __contains__(self, day: date) -> bool:
        return self.start <= day <= self.end


def period_of(
    today: date, *, start: date | None = None, end: date | None = None, year: int | None = None
) -> Period:
    """The period asked for: ``--year``, or ``--from``/``--to``; by default the year to date.

    Without ``--from`` a period starts on 1 January of the year it ends in; without
    ``--to`` it ends today.
    """
    if year is not None:
        if start is not None or end is not None:
            said = N_("give either {year} or {first}/{last}, not both")
            raise InvalidInput(Message(said, PERIOD_HINTS), field="year")
        return Period(date(check_year(year), 1, 1), date(year, 12, 31))
    last = end or today
    return Period(start or date(last.year, 1, 1), last)


def check_year(year: int) -> int:
    if not EARLIEST.year <= year <= LATEST.year:
        said = N_("year {year} is outside the years kivo accepts ({first}–{last})")
        raise InvalidInput(
            Message(said, {"year": year, "first": EARLIEST.year, "last": LATEST.year}),
            field="year",
        )
    return year


def check_breakdown(by: str) -> str:
    wanted = by.strip().lower()
    if wanted not in BREAKDOWNS:
        said = N_("unknown breakdown {by}: choose one of {choices}")
        raise InvalidInput(
            Message(said, {"by": repr(by), "choices": ", ".join(BREAKDOWNS)}), field="by"
        )
    return wanted


def nearest_rank(percent: int, count: int) -> int:
    """The 1-based rank of the ``percent``-th percentile among ``count`` sorted values."""
    return (percent * count + 99) // 100


def percentile(values: list[int], percent: int) -> int | None:
    """Nearest-rank percentile (the SQL picks the same row with ROW_NUMBER)."""
    if not values:
        return None
    return sorted(values)[nearest_rank(percent, len(values)) - 1]


def state_label(state: str) -> str:
    """How a state is named in a report: ``enrolled``, ``1``…``9``, ``paused``, ``exited``."""
    step = step_by_slug(state)
    return str(step.number) if step is not None else state


STATE_LABELS: tuple[str, ...] = tuple(state_label(state) for state in ALL_STATES)


def age_on(born: date, day: date) -> int:
    """Whole years from ``born`` to ``day``: 1996-11-28 to 2026-01-10 is 29."""
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def age_band(
    entry: date, *, birth_date: date | None = None, birth_year: int | None = None
) -> str | None:
    """The ESF+ age band at entry (<18, 18–29, 30–54, 55+) from the date of birth.

    With only a birth year the age at entry is one of two; the band is given only when
    both fall in it, else it is unknown (empty) rather than guessed.
    """
    if birth_date is not None:
        return _band(age_on(birth_date, entry))
    if birth_year is None:
        return None
    older, younger = _band(entry.year - birth_year), _band(entry.year - birth_year - 1)
    return older if older == younger else None


def _band(age: int) -> str:
    if age < 18:
        return "<18"
    if age < 30:
        return "18-29"
    if age < 55:
        return "30-54"
    return "55+"


def esf_gender(gender: str) -> str | None:
    """ESF+ gender: woman, man, non-binary; any other stated value as reported; unknown
    as empty."""
    return None if gender == Gender.UNKNOWN.value else gender


def entry_status(groups: list[str]) -> str | None:
    return next((label for g, label in ENTRY_STATUS_GROUPS.items() if g in groups), None)


def education_band(groups: list[str]) -> str | None:
    return next((label for g, label in EDUCATION_GROUPS.items() if g in groups), None)


CHARACTERISTIC_GROUPS = (
    Characteristic.DISABILITY.value,
    Characteristic.THIRD_COUNTRY_NATIONAL.value,
    Characteristic.FOREIGN_BACKGROUND.value,
)
"""Characteristics a person's groups could already say (yes only: not in the group is
not a no)."""
MASKED = "****"


def esf_characteristics(recorded: dict[str, bool], groups: list[str]) -> dict[str, str]:
    """Each characteristic known for the person, ``yes`` or ``no``: as recorded, else yes
    from the group of the same name; the others are unknown and left out."""
    known = {name: YES for name in CHARACTERISTIC_GROUPS if name in groups}
    known |= {name: YES if value else NO for name, value in recorded.items()}
    return {c.value: known[c.value] for c in Characteristic if c.value in known}


def masked_characteristics(known: dict[str, str]) -> dict[str, str]:
    """What was recorded stays visible, never the answer (as a personnummer's digits)."""
    return dict.fromkeys(known, MASKED)


def upon_leaving(outcome: str | None) -> str | None:
    return UPON_LEAVING.get(outcome) if outcome is not None else None


@dataclass(frozen=True)
class Flow:
    """How many moves went from one state to another in the period."""

    source: str
    target: str
    kind: str
    count: int


@dataclass(frozen=True)
class Funnel:
    """Cases per state at the end of ``on`` and the flows between states in the period."""

    on: date
    start: date
    end: date
    states: dict[str, int]
    flows: list[Flow]


@dataclass(frozen=True)
class OutcomeCount:
    breakdown: str
    outcome: str
    count: int
    share: float  # of the exits in the same breakdown value
    caseworker_id: int | None = None  # by caseworker: the caseworker's id (None: unassigned)


@dataclass(frozen=True)
class Outcomes:
    start: date
    end: date
    by: str
    total: int
    rows: list[OutcomeCount]


@dataclass(frozen=True)
class FallbackStep:
    step: int
    fell_back: int  # fall-back moves from this step in the period
    left: int  # cases that left this step (advance or fall back) in the period
    fell_back_within: int  # of those, cases that fell back within the window
    share: float | None


@dataclass(frozen=True)
class Fallbacks:
    start: date
    end: date
    window_days: int
    moves: list[Flow]
    steps: list[FallbackStep]


@dataclass(frozen=True)
class StepTimes:
    """Days in one step: stays that ended in the period, and stays still open at its end."""

    step: int
    closed: int
    closed_median: int | None
    closed_p90: int | None
    open: int
    open_median: int | None
    open_p90: int | None


@dataclass(frozen=True)
class TimeInStep:
    start: date
    end: date
    steps: list[StepTimes]


@dataclass(frozen=True)
class LeadTime:
    """Days from enrolment to the first placement start, for first placements started in
    the period; and the cases still waiting at its end (open, no placement started yet),
    by how long they had waited then. Cases an import put in or past a workplace step
    (``FIRST_WORKPLACE_STEP``) with no placement recorded are not waiting: their first
    placement is unknown, and they are counted apart (``placement_unknown``)."""

    start: date
    end: date
    cases: int
    median: int | None
    p90: int | None
    over_6_months: int
    over_12_months: int
    waiting: int = 0
    waiting_over_6_months: int = 0
    waiting_over_12_months: int = 0
    placement_unknown: int = 0
    by: str | None = None
    rows: list[LeadTimeRow] = field(default_factory=list)
    """With ``by``: the same numbers per gender, group or caseworker."""


@dataclass(frozen=True)
class LeadTimeRow:
    """``LeadTime``'s numbers for one gender, group or caseworker (``caseworker_id``: by
    caseworker, None for cases without one)."""

    breakdown: str
    caseworker_id: int | None
    cases: int
    median: int | None
    p90: int | None
    over_6_months: int
    over_12_months: int
    waiting: int
    waiting_over_6_months: int
    waiting_over_12_months: int
    placement_unknown: int


@dataclass(frozen=True)
class TargetResult:
    programme: str
    year: int
    target: int | None
    started: int
    extended: int


@dataclass(frozen=True)
class Target:
    programme: str
    year: int
    count: int


@dataclass(frozen=True)
class OverdueLine:
    caseworker_id: int | None
    caseworker: str | None
    followups: int
    meetings: int
    decisions: int
    unrecorded_meetings: int
    oldest_due: date | None


@dataclass(frozen=True)
class Overdue:
    on: date
    caseworkers: list[OverdueLine]


@dataclass(frozen=True)
class EsfRow:
    case_id: int
    person_id: int
    personnummer: str | None
    gender: str | None
    age_band: str | None
    entry_status: str | None
    education: str | None
    groups: list[str]
    entry: date
    exit: date | None
    outcome: str | None
    after_4_weeks: str | None
    after_6_months: str | None
    upon_leaving: str | None = None
    """The immediate result upon leaving (``UPON_LEAVING``); empty while the case is open."""
    characteristics: dict[str, str] = field(default_factory=dict)
    """Sensitive characteristics known for the person: ``yes``, ``no``, or ``MASKED``."""
    qualification: bool = False
    """The exit recorded a qualification gained upon leaving."""


@dataclass(frozen=True)
class EsfReport:
    start: date
    end: date
    rows: list[EsfRow] = field(default_factory=list)


@dataclass(frozen=True)
class EsfIndicator:
    """One line of the funder's template: participants counted by gender."""

    indicator: str
    woman: int
    man: int
    non_binary: int
    total: int  # every participant, a gender not stated included


@dataclass(frozen=True)
class EsfSummary:
    start: date
    end: date
    indicators: list[EsfIndicator] = field(default_factory=list)


ESF_INDICATORS: tuple[tuple[str, Callable[[EsfRow], bool]], ...] = (
    (N_("participants"), lambda r: True),
    (
        N_("unemployed, including long-term unemployed"),
        lambda r: r.entry_status in ("unemployed", "long-term unemployed"),
    ),
    (N_("long-term unemployed"), lambda r: r.entry_status == "long-term unemployed"),
    (N_("inactive"), lambda r: r.entry_status == "inactive"),
    (N_("employed, including self-employed"), lambda r: r.entry_status == "employed"),
    (N_("below 18 years of age"), lambda r: r.age_band == "<18"),
    (N_("aged 18-29"), lambda r: r.age_band == "18-29"),
    (N_("aged 30-54"), lambda r: r.age_band == "30-54"),
    (N_("aged 55 and above"), lambda r: r.age_band == "55+"),
    (N_("ISCED 0-2"), lambda r: r.education == "ISCED 0-2"),
    (N_("ISCED 3-4"), lambda r: r.education == "ISCED 3-4"),
    (N_("ISCED 5-8"), lambda r: r.education == "ISCED 5-8"),
    (N_("with disabilities"), lambda r: r.characteristics.get("disability") == "yes"),
    (
        N_("third-country nationals"),
        lambda r: r.characteristics.get("third-country-national") == "yes",
    ),
    (
        N_("with a foreign background"),
        lambda r: r.characteristics.get("foreign-background") == "yes",
    ),
    (
        N_("minorities (including marginalised communities such as the Roma)"),
        lambda r: r.characteristics.get("minority") == "yes",
    ),
    (
        N_("homeless or affected by housing exclusion"),
        lambda r: r.characteristics.get("homeless") == "yes",
    ),
    (N_("from rural areas"), lambda r: r.characteristics.get("rural") == "yes"),
    (N_("job-searching upon leaving"), lambda r: r.upon_leaving == "job-searching"),
    (N_("in education or training upon leaving"), lambda r: r.upon_leaving == "in-education"),
    (N_("gaining a qualification upon leaving"), lambda r: r.qualification),
    (
        N_("in employment, including self-employment, upon leaving"),
        lambda r: r.upon_leaving == "employed",
    ),
    (
        N_("in employment, including self-employment, six months after leaving"),
        lambda r: r.after_6_months in EMPLOYED_FINDINGS,
    ),
)
"""The common indicators of regulation (EU) 2021/1057 Annex I that kivo records, in
the template's order: at entry, upon leaving, six months after leaving."""


def esf_summary(report: EsfReport) -> EsfSummary:
    """Count each indicator over the report's rows, by gender and in total."""
    lines = []
    for name, counts in ESF_INDICATORS:
        matching = [row.gender for row in report.rows if counts(row)]
        lines.append(
            EsfIndicator(
                name,
                matching.count(Gender.WOMAN.value),
                matching.count(Gender.MAN.value),
                matching.count(Gender.NON_BINARY.value),
                len(matching),
            )
        )
    return EsfSummary(report.start, report.end, lines)
