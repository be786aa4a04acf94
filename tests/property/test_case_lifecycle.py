"""The case lifecycle as a specification, run against the real service layer and database.

A hypothesis state machine enrols participants, records consent and moves their cases
(advance, fall back, pause, resume, exit, dry-run advance) and corrects recorded moves
(``kivo correct``) through ``pathway`` on a
freshly migrated database (SQLite always, PostgreSQL too when ``KIVO_TEST_POSTGRES_URL``
is set), while simulated days pass. Beside it the test keeps its
own model of every case, built from DESIGN.md ("States of a case") and the shipped rule
set (``states/default_rules.toml``), never from the engine's transition table. For every
call the model says beforehand whether it must succeed and, if not, which violations
must be named; a refused call must leave the database exactly as it was.
"""

from __future__ import annotations

import calendar
import os
from collections import Counter
from collections.abc import Callable, Iterable
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from pathlib import Path
from typing import ClassVar, TypeVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    MultipleResults,
    RuleBasedStateMachine,
    initialize,
    invariant,
    multiple,
    precondition,
    rule,
    run_state_machine_as_test,
)

from pathway import batch, directory, enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.clock import clock_from
from pathway.context import Kivo
from pathway.corrections import correct
from pathway.errors import Refused
from pathway.results import MoveResult
from states import fixed_term
from states.case import ENROLLED, EXITED, PAUSED, Group, Outcome
from states.errors import InvalidInput, NotFound
from states.machine import path_machine
from states.records import Case, CaseEvent, Followup, Person, Placement, Reminder
from states.replay import replay
from states.steps import Step
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.property import strategies as s
from tests.property.strategies import (
    Actor,
    BirthYearClaim,
    Participant,
    PlacementChoice,
    When,
    WhenKind,
)

T = TypeVar("T")

settings.register_profile(
    "lifecycle-ci",
    max_examples=200,
    stateful_step_count=30,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("lifecycle-dev", settings.get_profile("lifecycle-ci"), max_examples=50)
LIFECYCLE_SETTINGS = settings.get_profile(
    "lifecycle-ci" if os.environ.get("CI") else "lifecycle-dev"
)
# PostgreSQL: a database per example (CREATE DATABASE … TEMPLATE) costs more, so fewer.
settings.register_profile(
    "lifecycle-postgres", settings.get_profile("lifecycle-ci"), max_examples=60
)

# --- the model's own reading of the documented path and the shipped default rules ---

ADVANCE, FALL_BACK, PAUSE, RESUME, EXIT = "advanced", "fell_back", "paused", "resumed", "exited"
PLACEMENT_STARTED = "placement_started"
POSITION = {ENROLLED: 0, **{step.slug: step.number for step in Step}}  # enrolled, steps 1–9
AT_A_WORKPLACE = frozenset({2, 3, 6, 7, 8, 9})  # consent-missing, workplace-missing


@dataclass(frozen=True)
class ProgrammeModel:
    """What the shipped catalogue says about the programmes the strategies name."""

    code: str
    steps: frozenset[int]
    default_months: int
    max_decision_days: int
    max_total_days: int
    valid_until: date | None = None
    las_exempt: bool = False  # LAS 1 §: sheltered employment is not under LAS
    per_participant: bool = False  # total_scope: every placement of the participant counts


def calendar_months_end(start: date, months: int) -> date:
    """The last day of ``months`` whole calendar months from ``start``: the day before the
    same date that many months later, or that month's last day if it has no such date."""
    year, month = divmod(start.year * 12 + start.month - 1 + months, 12)
    last = calendar.monthrange(year, month + 1)[1]
    if start.day > last:
        return date(year, month + 1, last)
    return date(year, month + 1, start.day) - timedelta(days=1)


PROGRAMMES = {
    # Arbetsförmedlingen: PIS is at most 6 months for the participant, in all.
    "pis": ProgrammeModel("PIS", frozenset({2, 3}), 3, 184, 184, per_participant=True),
    # MBJ was a time-limited employment: step 7 only, never permanent employment.
    "MBJ": ProgrammeModel("MBJ", frozenset({7}), 12, 366, 731, date(2019, 1, 1)),
    "lönestöd": ProgrammeModel("LONESTOD", frozenset({7, 9}), 12, 366, 1461),
    "osa": ProgrammeModel("OSA", frozenset({7, 9}), 12, 366, 1461, las_exempt=True),
}
LAS_EXEMPT = frozenset(p.code for p in PROGRAMMES.values() if p.las_exempt)
# --employment-kind as typed, and what kivo records; "allmän visstid" is no kind LAS 5 §
# now names (bad input).
KINDS = {"SÄVA": "sava", "vikariat": "vikariat", "säsong": "sasong"}
LAS_2022 = date(2022, 10, 1)  # SFS 2022:835 in force
AVA_AS_SAVA_FROM = date(2022, 3, 1)  # its transitional rule for 5 a §
WITH_A_SUPERVISOR = frozenset({2, 3, 6, 8})  # supervisor-missing, supervisor-untrained
CAPACITY = 2  # supervisor-full: every supervisor here has the default capacity
WORKPLACE_LEARNING, VOCATIONAL_TRAINING, FIXED_TERM, VOCATIONAL_INTRO = 6, 5, 7, 8
YA_AGES = range(15, 25)  # ya-not-eligible: min_age 15, max_age 24
# newly-arrived counts only with a residence-permit date, which no participant here has.
YA_GROUPS = frozenset({Group.LONG_TERM_UNEMPLOYED.value})
LEFT_WITHOUT_A_MEETING = frozenset({2, 3, 6, 7, 8})  # meeting-not-held, a warning
NOT_PERMITTED = "override-not-permitted"
UNKNOWN_CASE = 10_000


@dataclass(frozen=True)
class PersonModel:
    birth_date: date | None  # known only from a personnummer
    birth_year: int | None
    groups: frozenset[str]

    def age_on(self, day: date) -> int | None:
        if self.birth_date is not None:
            born = self.birth_date
            return day.year - born.year - ((day.month, day.day) < (born.month, born.day))
        return None if self.birth_year is None else day.year - self.birth_year


@dataclass(frozen=True)
class SupervisorModel:
    id: int
    workplace_id: int
    trained_on: date | None


@dataclass(frozen=True)
class EventModel:
    kind: str
    on: date
    from_state: str | None
    to_state: str | None
    actor_id: int | None
    reason: str | None = None
    overrides: frozenset[str] = frozenset()
    warnings: frozenset[str] = frozenset()


@dataclass(frozen=True)
class PlacementModel:
    step: int
    start: date
    workplace_id: int | None
    supervisor_id: int | None
    programme: str | None
    planned_end: date | None
    ended_on: date | None = None
    end_reason: str | None = None
    employment_kind: str | None = None


@dataclass(frozen=True)
class CaseModel:
    person: PersonModel
    person_key: int | None  # index of a known person (personnummer), if any
    opened_on: date
    caseworker_id: int | None
    consent_on: date | None
    last_move_on: date
    events: tuple[EventModel, ...]
    state: str = ENROLLED
    paused_from: str | None = None
    version: int = 1
    outcome: str | None = None
    closed_on: date | None = None
    placements: tuple[PlacementModel, ...] = ()
    withdrawn_on: date | None = None  # the latest withdrawal of consent
    # The moves in force, oldest first: each one's number and the case before it (what a
    # correction of it puts back).
    in_force: tuple[tuple[int, CaseModel], ...] = ()

    @property
    def step(self) -> int | None:
        """The step the case is in (for a paused case: the step it was paused in)."""
        state = self.paused_from if self.state == PAUSED and self.paused_from else self.state
        return POSITION.get(state) or None

    def moved(self, kind: str, on: date, to_state: str, event: EventModel) -> CaseModel:
        """The case after a successful move: leaving moves close the open placement."""
        placements = self.placements
        if kind in (ADVANCE, FALL_BACK, EXIT):
            placements = tuple(
                replace(p, ended_on=on, end_reason=kind) if p.ended_on is None else p
                for p in placements
            )
        return replace(
            self,
            state=to_state,
            paused_from=self.state if to_state == PAUSED else None,
            last_move_on=on,
            version=self.version + 1,
            events=(*self.events, event),
            placements=placements,
            in_force=(*self.in_force, (len(self.events) + 1, self)),
        )

    def corrected(self, seq: int, event: EventModel) -> CaseModel:
        """The case after a correction of its last move in force (``seq``): as before that
        move (its placement gone, the ones it ended open again), consent as it is now."""
        last, before = self.in_force[-1]
        assert last == seq
        return replace(
            self,
            state=before.state,
            paused_from=before.paused_from,
            last_move_on=before.last_move_on,
            outcome=before.outcome,
            closed_on=before.closed_on,
            placements=before.placements,
            version=self.version + 1,
            events=(*self.events, event),
            in_force=self.in_force[:-1],
        )


CORRECTABLE = frozenset({ADVANCE, FALL_BACK, PAUSE, RESUME, EXIT, PLACEMENT_STARTED})


def structural_refusal(case: CaseModel, kind: str, to: int | None = None) -> str | None:
    """DESIGN.md, "States of a case": the one code a path refusal must carry, if any."""
    if case.state == EXITED:
        return "case-exited"  # nothing moves an exited case
    if case.state == PAUSED:
        if kind == PAUSE:
            return "already-paused"  # a move to the state the case is already in
        return None if kind in (RESUME, EXIT) else "case-paused"
    if kind == RESUME:
        return "not-paused"
    if kind in (PAUSE, EXIT):
        return None
    current = POSITION[case.state]
    if to == current:
        return "same-step"
    if kind == ADVANCE:
        return None if to is not None and to > current else "not-forward"
    if current == 0:
        return "no-step-yet"
    return None if to is not None and to < current else "not-backward"


def start_refusal(case: CaseModel) -> str | None:
    """A placement starts in the workplace step the case is in, when it has none open."""
    if case.state == EXITED:
        return "case-exited"
    if case.state == PAUSED:
        return "case-paused"
    if POSITION[case.state] not in AT_A_WORKPLACE:
        return "no-workplace-step"
    if any(p.ended_on is None for p in case.placements):
        return "placement-open"
    return None


def date_refusals(case: CaseModel, on: date, today: date) -> set[str]:
    """A move happens no later than today and no earlier than the case's last change."""
    found = set()
    if on > today:
        found.add("date-in-future")
    if on < case.last_move_on:
        found.add("date-before-last-move")
    return found


def leaving_warnings(case: CaseModel, kind: str) -> set[str]:
    """Leaving a placement step (advance, fall back, exit; a pause stays in it) warns when
    no tripartite meeting was held in it. This machine records no meetings."""
    if kind in (ADVANCE, FALL_BACK, EXIT) and case.step in LEFT_WITHOUT_A_MEETING:
        return {"meeting-not-held"}
    return set()


def same_person(cases: Iterable[CaseModel], case: CaseModel) -> list[CaseModel]:
    """The case and every other case of its participant (known by personnummer)."""
    return [
        c
        for c in cases
        if c is case or (c.person_key is not None and c.person_key == case.person_key)
    ]


Span = tuple[date, date]


def more_than(days: int, months: int, on: date) -> bool:
    """More than ``months`` calendar months ending on ``on``."""
    return days > fixed_term.months_before(on, months)


def within(spans: Iterable[Span], on: date, years: int) -> int:
    first = fixed_term.add_months(on, -12 * years) + timedelta(days=1)
    return fixed_term.days_within(spans, first, on)


def run_start(spans: Iterable[Span], on: date) -> date | None:
    """The first day of the run of employments that succeeded one another (each begun
    within 6 months of the last day before it) and reaches ``on``."""
    first: date | None = None
    last: date | None = None
    for start, end in sorted(spans):
        if last is None or start > fixed_term.add_months(last, 6):
            first = start
        last = end if last is None else max(last, end)
    reaches = last is not None and on <= fixed_term.add_months(last, 6)
    return first if reaches else None


def las_flags(stays: list[tuple[date, date, str]], start: date, on: date, kind: str) -> set[str]:
    """LAS for a stay of ``kind`` begun ``start``, counted up to ``on`` with ``stays``
    (this one included when it has an end): 5 a § (2022) for SÄVA, within 5 years or over
    a run of succeeding fixed-term employments, allmän visstid from 2022-03-01 counted as
    SÄVA; the older 5 § (2 years in 5) for a stay begun before 2022-10-01; vikariat 2
    years in 5; 25 §: 12 months in 3 years, SÄVA from 2022-10-01 already 9 months."""
    spans = [(s, min(e, on)) for s, e, _ in stays if s <= on]
    sava = [(max(s, AVA_AS_SAVA_FROM), e) for s, e, k in stays if k == "sava"]
    sava = [(s, min(e, on)) for s, e in sava if s <= min(e, on)]
    flags = set()
    general = more_than(within(spans, on, 3), 12, on)
    sava_since_2022 = [(max(s, LAS_2022), e) for s, e in sava if e >= LAS_2022]
    nine = kind == "sava" and start >= LAS_2022 and more_than(within(sava_since_2022, on, 3), 9, on)
    if general or nine:
        flags.add("preferential-right")
    if kind == "sava" and start >= LAS_2022:
        first = run_start(spans, on)
        chained = 0 if first is None else fixed_term.days_within(sava, first, on)
        if more_than(max(within(sava, on, 5), chained), 12, on):
            flags.add("las-permanent")
    elif kind == "sava":
        ava = [(s, min(e, on)) for s, e, k in stays if k == "sava" and s < LAS_2022]
        if more_than(within(ava, on, 5), 24, on):
            flags.add("las-permanent")
    vikariat = [(s, min(e, on)) for s, e, k in stays if k == "vikariat" and s <= on]
    if kind == "vikariat" and more_than(within(vikariat, on, 5), 24, on):
        flags.add("las-vikariat")
    return flags


def fixed_term_warnings(
    cases: Iterable[CaseModel],
    case: CaseModel,
    to: int,
    on: date,
    workplace_id: int | None,
    until: date | None,
    programme: ProgrammeModel | None = None,
    kind: str = "sava",
) -> set[str]:
    """Entering fixed-term employment (7) at a workplace: the participant's step-7 stays
    there (every case of the person; the two workplaces here have no employer, so each
    counts alone), each with its kind, and this planned stay, judged as ``las_flags``
    says. Sheltered employment (OSA) is not under LAS (1 §): neither judged nor counted.
    The calendar arithmetic is ``states.fixed_term``'s, specified in
    tests/unit/test_fixed_term.py; what is counted is the model's own reading of LAS."""
    if to != FIXED_TERM or workplace_id is None:
        return set()
    if programme is not None and programme.las_exempt:
        return set()
    stays = [
        (p.start, end, p.employment_kind or "sava")
        for c in same_person(cases, case)
        for p in c.placements
        if p.step == FIXED_TERM
        and p.workplace_id == workplace_id
        and p.programme not in LAS_EXEMPT
        and (end := p.ended_on or p.planned_end) is not None
    ]
    counted_on = on
    if until is not None and until >= on:
        stays.append((on, until, kind))
        counted_on = until
    return las_flags(stays, on, counted_on, kind)


def earlier_days(
    cases: Iterable[CaseModel], case: CaseModel, programme: ProgrammeModel | None, on: date
) -> int:
    """For a programme capped per participant (PIS): the days of the participant's
    placements under it begun before ``on``, each cut off there (an open one ends)."""
    if programme is None or not programme.per_participant:
        return 0
    return sum(
        max((min(end, on) - p.start).days, 0)
        for c in same_person(cases, case)
        for p in c.placements
        if p.programme == programme.code
        and p.start < on
        and (end := p.ended_on or p.planned_end) is not None
    )


def rule_violations(
    case: CaseModel,
    to: int,
    on: date,
    workplace_id: int | None,
    supervisor: SupervisorModel | None,
    until: date | None,
    programme: ProgrammeModel | None = None,
    load: int = 0,
    earlier: int = 0,
) -> set[str]:
    """The shipped default blocking rules for an advance into step ``to``; ``load`` is
    the supervisor's open placements on other cases (the case's own ends with the move),
    ``earlier`` the days the programme's total already holds (``earlier_days``)."""
    found = set()
    if supervisor is not None and load >= CAPACITY:
        found.add("supervisor-full")
    if programme is not None and to >= 2:
        if to not in programme.steps:
            found.add("programme-not-in-step")
        if programme.valid_until is not None and on >= programme.valid_until:
            found.add("programme-closed")
        if until is not None and (until - on).days > programme.max_decision_days:
            found.add("programme-too-long")
        if until is not None and (until - on).days + earlier > programme.max_total_days:
            found.add("programme-total-too-long")
    if to in AT_A_WORKPLACE:
        if case.consent_on is None or case.consent_on > on:
            found.add("consent-missing")
        if workplace_id is None:
            found.add("workplace-missing")
    if to in WITH_A_SUPERVISOR:
        if supervisor is None:
            found.add("supervisor-missing")
        elif supervisor.trained_on is None or supervisor.trained_on > on:
            found.add("supervisor-untrained")
    if to == WORKPLACE_LEARNING and case.step != VOCATIONAL_TRAINING:
        found.add("apl-outside-training")
    if to == FIXED_TERM and until is None:
        found.add("end-date-missing")
    if to >= 2 and until is not None and until <= on:
        found.add("end-before-start")
    eligible = case.person.groups & YA_GROUPS or case.person.age_on(on) in YA_AGES
    if to == VOCATIONAL_INTRO and not eligible:
        found.add("ya-not-eligible")
    return found


# --- what the database holds, read through a read-only unit of work ---


@dataclass
class Stored:
    """Everything a move may write. The model predicts the first four; follow-ups and
    reminders (planned by moves) are only compared before and after a call that must
    write nothing."""

    cases: dict[int, Case]
    events: dict[int, list[CaseEvent]]
    placements: dict[int, list[Placement]]
    people: dict[int, Person]
    followups: list[Followup]
    reminders: list[Reminder]


def read_everything(kivo: Kivo) -> Stored:
    with kivo.uow(read_only=True) as uow:
        cases = {ident(case.id): case for case in uow.cases.all()}
        events = {case_id: uow.events.for_case(case_id) for case_id in cases}
        placements: dict[int, list[Placement]] = {case_id: [] for case_id in cases}
        for placement in uow.placements.all():
            placements[placement.case_id].append(placement)
        people = {ident(person.id): person for person in uow.people.all()}
        followups, reminders = uow.followups.all(), uow.reminders.all()
    return Stored(cases, events, placements, people, followups, reminders)


def ident(value: int | None) -> int:
    assert value is not None, "a stored record has no id"
    return value


@dataclass(frozen=True)
class Expectation:
    """What the model says a call must do: fail as bad input, be refused, or succeed."""

    invalid: bool = False
    refusals: frozenset[str] = frozenset()
    # Another caseworker's case: answered as an unknown case (bad input found first may
    # still be reported as such).
    hidden: bool = False

    @property
    def succeeds(self) -> bool:
        return not self.invalid and not self.refusals and not self.hidden


@dataclass
class Directory:
    coordinator: int
    caseworker: int
    workplaces: list[int]
    supervisors: list[SupervisorModel]
    known_people: list[tuple[str, date]]  # personnummer and birth date
    person_ids: dict[int, int] = field(default_factory=dict)  # known person → person id

    def actor(self, actor: Actor) -> int | None:
        if actor is Actor.NOBODY:
            return None
        return self.caseworker if actor is Actor.CASEWORKER else self.coordinator

    def workplace(self, index: int | None) -> int | None:
        return None if index is None else self.workplaces[index]

    def supervisor(self, index: int | None) -> SupervisorModel | None:
        return None if index is None else self.supervisors[index]


@dataclass(frozen=True)
class AdvanceModel:
    """What the model says of one advance before it is asked for."""

    case_id: int
    to: Step
    case: CaseModel
    on: date | None  # the date passed (``None``: the service's today)
    effective: date
    named: int | None  # the workplace passed
    workplace_id: int | None  # the workplace the placement is at
    supervisor: SupervisorModel | None
    until: date | None
    known: ProgrammeModel | None
    recorded_kind: str | None
    invalid: bool
    refusals: frozenset[str]  # as a refusal names them, its warnings included
    blocking: frozenset[str]  # what refuses it (empty: it moves)
    rules: frozenset[str]  # the blocking rules an override lifts
    warnings: frozenset[str]
    actor_id: int | None


class CaseLifecycle(RuleBasedStateMachine):
    """Every move of every case, judged by the model first and by kivo second."""

    case_ids = Bundle[int]("case_ids")

    databases: ClassVar[SqliteDatabases | PostgresDatabases]  # the session's migrated template

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        self.url = ""
        self.kivos: dict[date, Kivo] = {}
        self.today = date(2026, 3, 2)
        self.cases: dict[int, CaseModel] = {}
        self.stored = Stored({}, {}, {}, {}, [], [])
        self.dry_run: tuple[Stored, Stored] | None = None

    # --- the simulated world ---

    @property
    def kivo(self) -> Kivo:
        """kivo on the simulated today. Its clock is fixed per instance, so each day gets
        its own; all share the first one's engine (and so its warm statement cache)."""
        if self.today not in self.kivos:
            now = f"{self.today.isoformat()}T10:00:00"
            first = next(iter(self.kivos.values()), None)
            self.kivos[self.today] = (
                bootstrap(self.url, now=now)
                if first is None
                else replace(first, clock=clock_from(now))
            )
        return self.kivos[self.today]

    @initialize(
        target=case_ids,
        start=st.dates(date(2020, 1, 1), date(2032, 12, 31)),
        births=st.lists(st.integers(14 * 365, 45 * 365), min_size=3, max_size=3),
        first=st.lists(s.participants(), min_size=1, max_size=3),
    )
    def open_a_fresh_database_with_its_people_and_places(
        self, start: date, births: list[int], first: list[Participant]
    ) -> MultipleResults[int]:
        """The directory, and the first enrolments (rules may be switched off at random
        in an example, enrolment included: these keep every example about cases)."""
        self.url = self.resources.enter_context(self.databases.fresh())
        self.today = start
        kivo = self.kivo
        coordinator = directory.add_caseworker(kivo, "Karin Samordnare", role="coordinator")
        caseworker = directory.add_caseworker(kivo, "Olle Handläggare")
        workplaces = [ident(directory.add_workplace(kivo, name).id) for name in ("Ica", "Vården")]
        trained = [
            (workplaces[0], start - timedelta(days=400)),
            (workplaces[0], start),  # trained today: untrained for moves dated earlier
            (workplaces[0], None),
            (workplaces[1], start - timedelta(days=200)),
            (workplaces[1], None),
        ]
        supervisors = [
            SupervisorModel(
                ident(
                    directory.add_supervisor(
                        kivo, f"Handledare {n}", workplace_id=w, trained_on=on
                    ).id
                ),
                w,
                on,
            )
            for n, (w, on) in enumerate(trained)
        ]
        assert len(workplaces) == s.WORKPLACES
        assert len(supervisors) == s.SUPERVISORS
        known = [start - timedelta(days=days) for days in births]
        self.directory = Directory(
            coordinator=ident(coordinator.id),
            caseworker=ident(caseworker.id),
            workplaces=workplaces,
            supervisors=supervisors,
            known_people=[(s.personnummer(born, 100 + n), born) for n, born in enumerate(known)],
        )
        self.stored = read_everything(kivo)
        enrolled = [self.enrolled(who) for who in first]
        return multiple(*(case_id for case_id in enrolled if case_id is not None))

    @rule(days=st.integers(1, 3) | st.integers(4, 400))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    def teardown(self) -> None:
        for kivo in self.kivos.values():
            kivo.close()  # disposing the shared engine again is harmless
        self.resources.close()
        if self.url.startswith("sqlite:///"):
            path = Path(self.url.removeprefix("sqlite:///"))
            for suffix in ("", "-wal", "-shm"):
                path.with_name(path.name + suffix).unlink(missing_ok=True)

    # --- calling kivo and holding it to the model ---

    def attempt(self, what: str, call: Callable[[], T], expected: Expectation) -> T | None:
        """Run one service call; it succeeds exactly when the model says so, and a
        refused call (bad input or a refusal) leaves the database as it was."""
        before = self.stored
        failure: InvalidInput | Refused | NotFound | None = None
        try:
            result = call()
        except (InvalidInput, Refused, NotFound) as error:
            failure = error
        self.stored = read_everything(self.kivo)
        event(f"{what}: {'succeeded' if failure is None else type(failure).__name__}")
        if failure is None:
            assert expected.succeeds, f"succeeded although the model expected {expected}"
            return result
        if isinstance(failure, NotFound):
            assert expected.hidden, f"not found: {failure.message}; model: {expected}"
            assert failure.params.get("what") == "case", failure.message
            assert self.stored == before, "a hidden case's refusal changed the database"
            return None
        if isinstance(failure, InvalidInput):
            assert expected.invalid, f"bad input: {failure.message}; model: {expected}"
            assert self.stored == before, "bad input changed the database"
            return None
        codes = {violation.code for violation in failure.violations}
        for code in codes:
            event(f"{what} refused: {code}")
        assert not expected.invalid, f"refused ({codes}) where bad input was expected"
        assert codes == expected.refusals, f"refused with {codes}; model: {expected}"
        assert self.stored == before, f"a refusal ({codes}) changed the database"
        return None

    def hidden(self, case: CaseModel, actor_id: int | None) -> bool:
        """Whether the case is another caseworker's to the one acting (a coordinator and
        no one named see every case)."""
        return actor_id == self.directory.caseworker and case.caseworker_id != actor_id

    def load_of(self, supervisor_id: int, case_id: int) -> int:
        """Open placements with the supervisor on cases other than ``case_id``."""
        return sum(
            1
            for other_id, other in self.cases.items()
            if other_id != case_id
            for p in other.placements
            if p.supervisor_id == supervisor_id and p.ended_on is None
        )

    def when(self, when: When, anchor: date) -> tuple[date | None, date]:
        """The date to pass (``None``: the default) and the date the service will use."""
        on = when.resolve(today=self.today, anchor=anchor)
        return on, on or self.today

    def check_move(
        self, result: MoveResult, case_id: int, before: CaseModel, to_state: str
    ) -> None:
        after = self.cases[case_id]
        moved = (result.case_id, result.from_state, result.to_state)
        assert moved == (case_id, before.state, to_state), f"the result says {moved}"
        version = before.version if result.dry_run else after.version
        assert result.version == version, f"the result says version {result.version}"

    # --- enrolment and consent ---

    @rule(target=case_ids, who=s.participants())
    def enrol(self, who: Participant) -> MultipleResults[int]:
        case_id = self.enrolled(who)
        return multiple() if case_id is None else multiple(case_id)

    def enrolled(self, who: Participant) -> int | None:
        on, effective = self.when(who.when, self.today)
        claimed = None if who.age is None else self.today.year - who.age
        known = who.known
        pnr, born = self.directory.known_people[known] if known is not None else (None, None)
        if born is not None:
            claimed = {
                BirthYearClaim.NONE: None,
                BirthYearClaim.MATCHING: born.year,
                BirthYearClaim.CONTRADICTING: born.year + 1,
            }[who.claim]
        birth_year = claimed if born is None else born.year
        invalid = not who.name.strip() or claimed not in (None, birth_year)
        invalid |= birth_year is not None and not 1900 <= birth_year <= self.today.year
        refusals: set[str] = set()
        earlier = [c for c in self.cases.values() if known is not None and c.person_key == known]
        if effective > self.today:
            refusals.add("date-in-future")
        elif any(c.state != EXITED for c in earlier):
            refusals.add("already-enrolled")
        actor_id = self.directory.actor(who.by)
        named = caseworker_id = self.directory.actor(who.caseworker)
        if actor_id == self.directory.caseworker:  # their own caseload only (none: theirs)
            if named not in (None, actor_id) and "date-in-future" not in refusals:
                refusals = {"coordinator-only"}  # before the person is looked up
            caseworker_id = actor_id
        groups = frozenset(g.value for g in who.groups)
        result = self.attempt(
            "enrol",
            lambda: enrolment.enrol(
                self.kivo,
                who.name,
                personnummer=pnr,
                gender=who.gender.value,
                birth_year=claimed,
                groups=sorted(groups),
                caseworker_id=named,
                consent=who.consent,
                on=on,
                by=actor_id,
            ),
            Expectation(invalid, frozenset(refusals)),
        )
        if result is None:
            return None
        assert result.case_id not in self.cases
        assert result.opened_on == effective
        person = PersonModel(born, birth_year, groups)
        if known is not None and earlier:  # a known person keeps their first facts
            person = earlier[0].person
            assert not result.new_person
            assert result.person_id == self.directory.person_ids[known]
        elif known is not None:
            assert result.new_person
            self.directory.person_ids[known] = result.person_id
        events = [EventModel("enrolled", effective, None, ENROLLED, actor_id)]
        if who.consent:
            events.append(EventModel("consent", effective, None, None, actor_id))
        self.cases[result.case_id] = CaseModel(
            person=person,
            person_key=known,
            opened_on=effective,
            caseworker_id=caseworker_id,
            consent_on=effective if who.consent else None,
            last_move_on=effective,
            events=tuple(events),
        )
        return result.case_id

    @rule(case_id=case_ids, when=s.whens(), by=s.actors())
    def record_consent(self, case_id: int, when: When, by: Actor) -> None:
        case = self.cases[case_id]
        on, effective = self.when(when, case.opened_on)
        refusals = set()
        if effective > self.today:
            refusals.add("date-in-future")  # checked before the case is even read
        else:
            if case.state == EXITED:
                refusals.add("case-exited")
            if case.consent_on is not None:
                refusals.add("consent-already-recorded")
            if effective < case.opened_on:
                refusals.add("date-before-enrolment")
            if case.withdrawn_on is not None and effective < case.withdrawn_on:
                refusals.add("date-before-withdrawal")
        actor_id = self.directory.actor(by)
        hidden = effective <= self.today and self.hidden(case, actor_id)
        result = self.attempt(
            "consent",
            lambda: enrolment.record_consent(self.kivo, case_id, on=on, by=actor_id),
            Expectation(refusals=frozenset() if hidden else frozenset(refusals), hidden=hidden),
        )
        if result is not None:
            assert result == effective
            self.cases[case_id] = replace(
                case,
                consent_on=effective,
                version=case.version + 1,
                events=(*case.events, EventModel("consent", effective, None, None, actor_id)),
            )

    @rule(case_id=case_ids, when=s.whens(), by=s.actors())
    def withdraw_consent(self, case_id: int, when: When, by: Actor) -> None:
        case = self.cases[case_id]
        on, effective = self.when(when, case.consent_on or case.opened_on)
        refusals = set()
        if effective > self.today:
            refusals.add("date-in-future")  # checked before the case is even read
        else:
            if case.state == EXITED:
                refusals.add("case-exited")
            if case.consent_on is None:
                refusals.add("consent-not-recorded")
            elif effective < case.consent_on:
                refusals.add("date-before-consent")
            if effective < case.opened_on:
                refusals.add("date-before-enrolment")
        actor_id = self.directory.actor(by)
        hidden = effective <= self.today and self.hidden(case, actor_id)
        result = self.attempt(
            "withdraw consent",
            lambda: enrolment.withdraw_consent(self.kivo, case_id, on=on, by=actor_id),
            Expectation(refusals=frozenset() if hidden else frozenset(refusals), hidden=hidden),
        )
        if result is not None:
            assert result.withdrawn_on == effective
            open_here = [p for p in case.placements if p.ended_on is None]
            assert len(result.placements) == len(open_here), "open placements to resolve"
            self.cases[case_id] = replace(
                case,
                consent_on=None,
                withdrawn_on=effective,
                version=case.version + 1,
                events=(
                    *case.events,
                    EventModel("consent_withdrawn", effective, None, None, actor_id),
                ),
            )

    # --- moves ---

    def expect_advance(
        self,
        case_id: int,
        to: Step,
        where: PlacementChoice,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        override: str | None,
        kind: str | None = None,
        *,
        starting: bool = False,
    ) -> AdvanceModel:
        """What the model says an advance must do, before it is asked for; ``starting``:
        a placement start in the case's own step ``to``, judged as entering it is (but
        not on the way in: APL from vocational training), leaving nothing."""
        case = self.cases[case_id]
        on, effective = self.when(when, case.last_move_on)
        recorded_kind = KINDS.get(kind or "SÄVA") if to.number == FIXED_TERM else None
        if kind is not None and recorded_kind is None:
            recorded_kind = "sava"  # refused as bad input: neither judged nor recorded
        supervisor = self.directory.supervisor(where.supervisor)
        named = self.directory.workplace(where.workplace)
        if starting:  # at the supervisor's workplace, or at a workplace: one, not both
            invalid = (supervisor is None) == (named is None)
        else:
            if supervisor is not None and where.own_workplace:
                named = supervisor.workplace_id
            invalid = supervisor is not None and named not in (None, supervisor.workplace_id)
            # A step at no workplace takes no workplace and no supervisor's place.
            invalid = invalid or (
                to.number not in AT_A_WORKPLACE and (named is not None or supervisor is not None)
            )
        invalid = invalid or (override is not None and not override.strip())  # unwritten
        invalid = invalid or (kind is not None and (to.number != FIXED_TERM or kind not in KINDS))
        workplace_id = named  # without a workplace, the supervisor's own is implied
        if supervisor is not None and named is None:
            workplace_id = supervisor.workplace_id
        until = None if until_days is None else effective + timedelta(days=until_days)
        known = PROGRAMMES[programme] if programme else None
        if until is None and known is not None and to.number in AT_A_WORKPLACE:
            until = calendar_months_end(effective, known.default_months)  # the default
        structural = (
            start_refusal(case) if starting else structural_refusal(case, ADVANCE, to.number)
        )
        fixed = date_refusals(case, effective, self.today) | ({structural} if structural else set())
        load = 0 if supervisor is None else self.load_of(supervisor.id, case_id)
        rules = (
            set()
            if structural
            else rule_violations(
                case,
                to.number,
                effective,
                workplace_id,
                supervisor,
                until,
                known,
                load,
                earlier_days(self.cases.values(), case, known, effective),
            )
        )
        if starting:
            rules.discard("apl-outside-training")  # the way in, which the case took already
        warnings = (
            set()
            if structural
            else (set() if starting else leaving_warnings(case, ADVANCE))
            | fixed_term_warnings(
                self.cases.values(),
                case,
                to.number,
                effective,
                workplace_id,
                until,
                known,
                recorded_kind or "sava",
            )
        )
        actor_id = self.directory.actor(by)
        refusals = fixed | rules
        if override and refusals:
            if actor_id != self.directory.coordinator:
                refusals |= {NOT_PERMITTED}
            elif not fixed and "consent-missing" not in rules:
                refusals = set()  # a written override lifts every rule but the consent
        blocking = frozenset(refusals)
        if refusals:
            refusals |= warnings  # a refusal names the warnings too
        return AdvanceModel(
            case_id,
            to,
            case,
            on,
            effective,
            named,
            workplace_id,
            supervisor,
            until,
            known,
            recorded_kind,
            invalid,
            frozenset(refusals),
            blocking,
            frozenset(rules),
            frozenset(warnings),
            actor_id,
        )

    def record_advance(
        self,
        plan: AdvanceModel,
        override: str | None,
        placement_id: int | None = None,
        kind: str = ADVANCE,
    ) -> None:
        """The model after the advance (or placement start, ``kind``) ``plan`` moved its
        case; ``placement_id``: the result's (``None`` from a batch, which does not say)."""
        case, to, effective, known = plan.case, plan.to, plan.effective, plan.known
        overridden = plan.rules if override else frozenset()
        used = override if overridden else None  # the history names an override it used
        recorded = EventModel(
            kind,
            effective,
            case.state,
            to.slug,
            plan.actor_id,
            used,
            overridden,
            plan.warnings,
        )
        after = case.moved(kind, effective, to.slug, recorded)
        if to.number in AT_A_WORKPLACE:
            opened = PlacementModel(
                to.number,
                effective,
                plan.workplace_id,
                None if plan.supervisor is None else plan.supervisor.id,
                known.code if known else None,
                plan.until,
                employment_kind=plan.recorded_kind,
            )
            after = replace(after, placements=(*after.placements, opened))
        self.cases[plan.case_id] = after

    def _advance(
        self,
        case_id: int,
        to: Step,
        where: PlacementChoice,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        override: str | None,
        dry_run: bool,
        kind: str | None = None,
    ) -> None:
        plan = self.expect_advance(
            case_id, to, where, until_days, programme, when, by, override, kind
        )
        case = plan.case
        result = self.attempt(
            "dry-run advance" if dry_run else "advance",
            lambda: moves.advance(
                self.kivo,
                case_id,
                to,
                on=plan.on,
                workplace_id=plan.named,
                supervisor_id=None if plan.supervisor is None else plan.supervisor.id,
                programme=programme,
                until=plan.until,
                by=plan.actor_id,
                override=override,
                dry_run=dry_run,
                employment_kind=kind,
            ),
            Expectation(
                plan.invalid,
                frozenset() if self.hidden(case, plan.actor_id) else plan.refusals,
                self.hidden(case, plan.actor_id),
            ),
        )
        if result is None:
            return
        overridden = plan.rules if override else set()
        assert set(result.overridden) == overridden, f"overridden: {result.overridden}"
        assert {w["code"] for w in result.warnings} == plan.warnings, f"warned: {result.warnings}"
        assert result.dry_run == dry_run, "a dry run must say so"
        if dry_run:
            assert result.placement_id is None, "a dry run opened a placement"
            self.check_move(result, case_id, case, to.slug)
            return
        opens = to.number in AT_A_WORKPLACE
        assert (result.placement_id is not None) == opens, "the advance's placement"
        self.record_advance(plan, override, result.placement_id)
        self.check_move(result, case_id, case, to.slug)

    @precondition(lambda self: bool(self.cases))
    @rule(
        data=st.data(),
        until_days=st.none() | st.integers(-30, 400),
        programme=st.none() | s.programmes(),
        when=st.builds(
            When,
            st.sampled_from([WhenKind.DEFAULT, WhenKind.TODAY, WhenKind.TODAY, WhenKind.FUTURE]),
            st.integers(1, 30),
        ),
        by=s.actors(),
        chunk=st.integers(1, 3),
    )
    def advance_several_in_one_batch(
        self,
        data: st.DataObject,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        chunk: int,
    ) -> None:
        """The same pipeline with many cases (``batch.batch_advance``): each case moves or
        is refused exactly as the model says a single advance would be, a refusal leaves
        its case as it was and the others go on."""
        # Mostly cases that can move, into a step that needs no workplace (a batch names
        # none): the moves that succeed; the rest any case and any step.
        movable = sorted(i for i, c in self.cases.items() if c.state in POSITION)
        pool = st.sampled_from(movable) if movable else st.sampled_from(sorted(self.cases))
        ids = data.draw(
            st.lists(
                pool | st.sampled_from(sorted(self.cases)), min_size=1, max_size=4, unique=True
            ),
            label="case_ids",
        )
        here = min(POSITION.get(self.cases[i].state, 0) for i in ids)
        forward = [step for step in list(Step)[here:] if not step.at_workplace]
        to = data.draw((st.sampled_from(forward) if forward else s.steps()) | s.steps(), label="to")
        nowhere = PlacementChoice(None, None, False)
        plans = [
            self.expect_advance(i, to, nowhere, until_days, programme, when, by, None) for i in ids
        ]
        first = plans[0]
        done = batch.batch_advance(
            self.kivo,
            ids,
            to,
            on=first.on,
            by=first.actor_id,
            until=first.until if until_days is not None else None,
            programme=programme,
            chunk=chunk,
        )
        self.stored = read_everything(self.kivo)
        hidden = {plan.case_id for plan in plans if self.hidden(plan.case, plan.actor_id)}
        refused = [plan for plan in plans if plan.blocking and plan.case_id not in hidden]
        moved = len(plans) - len(refused) - len(hidden)
        event(f"batch advance: {moved} moved, {len(refused)} refused, {len(hidden)} hidden")
        assert done.refused_ids == [plan.case_id for plan in refused], done
        assert (done.moved, done.not_found) == (moved, len(hidden)), done
        expected = Counter(code for plan in refused for code in plan.blocking)
        assert done.refusals == dict(expected), f"refusals {done.refusals}; model {expected}"
        for plan in plans:
            if not plan.blocking and plan.case_id not in hidden:
                self.record_advance(plan, None)

    @rule(
        case_id=case_ids,
        to=s.steps(),
        where=s.placements(),
        until_days=st.none() | st.integers(-30, 400),
        programme=s.programmes(),
        when=s.whens(),
        by=s.actors(),
        override=s.overrides(),
        kind=s.employment_kinds(),
    )
    def advance(
        self,
        case_id: int,
        to: Step,
        where: PlacementChoice,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        override: str | None,
        kind: str | None,
    ) -> None:
        self._advance(case_id, to, where, until_days, programme, when, by, override, False, kind)

    # Most real moves are well prepared. The rules above pick any case and any step, so
    # most of what they ask is refused; the three below pick a case that can move and a
    # step the path allows, or the step the case is already in (the boundary), so that
    # cases travel far enough to reach every transition. kivo's answer is still checked
    # against the full model, never assumed.

    def cases_in(self, positions: range) -> list[int]:
        """Cases in ``enrolled`` (0) or a step (1–9) whose position is in ``positions``."""
        return sorted(i for i, c in self.cases.items() if POSITION.get(c.state, -1) in positions)

    @precondition(lambda self: bool(self.cases_in(range(9))))
    @rule(
        data=st.data(),
        where=s.prepared_placements(),
        until_days=st.integers(1, 400),
        programme=s.programmes(),
        when=s.valid_move_dates(),
        override=s.overrides(),
    )
    def advance_a_case_that_can_move_forward(
        self,
        data: st.DataObject,
        where: PlacementChoice,
        until_days: int,
        programme: str | None,
        when: When,
        override: str | None,
    ) -> None:
        case_id = data.draw(st.sampled_from(self.cases_in(range(9))), label="case_id")
        here = POSITION[self.cases[case_id].state]
        to = data.draw(st.sampled_from(list(Step)[max(here - 1, 0) :]), label="to")
        if not to.at_workplace:  # a step at no workplace takes none
            where = PlacementChoice(None, None, False)
        by = Actor.COORDINATOR
        kind = None
        if to.number == FIXED_TERM:
            kind = data.draw(st.none() | st.sampled_from(sorted(KINDS)), label="kind")
        self._advance(case_id, to, where, until_days, programme, when, by, override, False, kind)

    @precondition(lambda self: bool(self.cases_in(range(7))))
    @rule(
        data=st.data(),
        workplace=st.integers(0, s.WORKPLACES - 1),
        first=st.integers(30, 300),
        gap=st.integers(1, 400),
        second=st.integers(30, 300),
        kinds=st.tuples(s.valid_employment_kinds(), s.valid_employment_kinds()),
    )
    def return_to_fixed_term_with_the_same_employer(
        self,
        data: st.DataObject,
        workplace: int,
        first: int,
        gap: int,
        second: int,
        kinds: tuple[str | None, str | None],
    ) -> None:
        """Fixed-term employment (7) for ``first`` days, back to step 1, and after ``gap``
        days fixed-term again at the same workplace: LAS counts both stays, each by its
        kind (SÄVA within 5 years whatever the gap, or as succeeding employments;
        vikariat; the preferential right)."""
        case_id = data.draw(st.sampled_from(self.cases_in(range(7))), label="case_id")
        where = s.PlacementChoice(workplace, None, False)
        today, boss = s.When(s.WhenKind.DEFAULT, 1), Actor.COORDINATOR
        self._advance(
            case_id, Step.FIXED_TERM, where, first, None, today, boss, None, False, kinds[0]
        )
        if self.cases[case_id].state != Step.FIXED_TERM.slug:
            return
        self.time_passes(first)
        self.fall_back(case_id, Step.INFORMATION, "the contract ended", today, boss)
        self.time_passes(gap)
        self._advance(
            case_id, Step.FIXED_TERM, where, second, None, today, boss, None, False, kinds[1]
        )

    def _start_placement(
        self,
        case_id: int,
        where: PlacementChoice,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        override: str | None,
    ) -> None:
        """``kivo placement start``: the same judging and planning as an advance into the
        case's own step, the case staying in it."""
        case = self.cases[case_id]
        to = Step(case.step) if case.step else Step.INFORMATION  # (refused: no step)
        plan = self.expect_advance(
            case_id, to, where, until_days, programme, when, by, override, starting=True
        )
        result = self.attempt(
            "placement start",
            lambda: moves.start_placement(
                self.kivo,
                case_id,
                supervisor_id=None if plan.supervisor is None else plan.supervisor.id,
                workplace_id=plan.named,
                programme=programme,
                until=plan.until,
                on=plan.on,
                by=plan.actor_id,
                override=override,
            ),
            Expectation(
                plan.invalid,
                frozenset() if self.hidden(case, plan.actor_id) else plan.refusals,
                self.hidden(case, plan.actor_id),
            ),
        )
        if result is None:
            return
        overridden = plan.rules if override else set()
        assert set(result.overridden) == overridden, f"overridden: {result.overridden}"
        assert {w["code"] for w in result.warnings} == plan.warnings, f"warned: {result.warnings}"
        assert result.placement_id is not None, "a placement start opened no placement"
        self.record_advance(plan, override, result.placement_id, kind=PLACEMENT_STARTED)
        self.check_move(result, case_id, case, to.slug)

    @rule(
        case_id=case_ids,
        where=s.placements(),
        until_days=st.none() | st.integers(-30, 400),
        programme=s.programmes(),
        when=s.whens(),
        by=s.actors(),
        override=s.overrides(),
    )
    def start_a_placement(
        self,
        case_id: int,
        where: PlacementChoice,
        until_days: int | None,
        programme: str | None,
        when: When,
        by: Actor,
        override: str | None,
    ) -> None:
        self._start_placement(case_id, where, until_days, programme, when, by, override)

    def cases_without_a_placement(self) -> list[int]:
        """Cases in a workplace step with no open placement (they fell back into it)."""
        return sorted(
            i
            for i, c in self.cases.items()
            if POSITION.get(c.state, 0) in AT_A_WORKPLACE
            and all(p.ended_on is not None for p in c.placements)
        )

    @precondition(lambda self: bool(self.cases_without_a_placement()))
    @rule(
        data=st.data(),
        where=s.prepared_placements(),
        until_days=st.integers(1, 400),
        when=s.valid_move_dates(),
    )
    def start_the_missing_placement(
        self, data: st.DataObject, where: PlacementChoice, until_days: int, when: When
    ) -> None:
        case_id = data.draw(st.sampled_from(self.cases_without_a_placement()), label="case_id")
        where = PlacementChoice(None, where.supervisor, False)
        self._start_placement(case_id, where, until_days, None, when, Actor.COORDINATOR, None)

    @precondition(lambda self: bool(self.cases_in(range(3, 10))))
    @rule(
        data=st.data(),
        where=s.prepared_placements(),
        until_days=st.integers(1, 400),
        programme=s.programmes(),
    )
    def fall_back_into_a_workplace_step_and_start_its_placement(
        self,
        data: st.DataObject,
        where: PlacementChoice,
        until_days: int,
        programme: str | None,
    ) -> None:
        """The case the issue names: fallen back into a workplace step, no placement."""
        case_id = data.draw(st.sampled_from(self.cases_in(range(3, 10))), label="case_id")
        here = POSITION[self.cases[case_id].state]
        below = [step for step in list(Step)[: here - 1] if step.at_workplace]
        to = data.draw(st.sampled_from(below), label="to")
        today, boss = When(WhenKind.DEFAULT, 1), Actor.COORDINATOR
        self.fall_back(case_id, to, "the placement broke down", today, boss)
        if self.cases[case_id].state != to.slug:
            return
        where = PlacementChoice(None, where.supervisor, False)
        self._start_placement(case_id, where, until_days, programme, today, boss, None)

    @precondition(lambda self: bool(self.cases_in(range(2, 10))))
    @rule(data=st.data(), reason=s.real_reasons(), when=s.valid_move_dates(), by=s.actors())
    def fall_back_a_case_that_can_move_back(
        self, data: st.DataObject, reason: str, when: When, by: Actor
    ) -> None:
        case_id = data.draw(st.sampled_from(self.cases_in(range(2, 10))), label="case_id")
        here = POSITION[self.cases[case_id].state]
        to = data.draw(st.sampled_from(list(Step)[:here]), label="to")
        self.fall_back(case_id, to, reason, when, by)

    @precondition(lambda self: any(c.state == PAUSED for c in self.cases.values()))
    @rule(data=st.data(), note=s.optional_notes(), when=s.valid_move_dates(), by=s.actors())
    def resume_a_paused_case(
        self, data: st.DataObject, note: str | None, when: When, by: Actor
    ) -> None:
        paused = sorted(i for i, c in self.cases.items() if c.state == PAUSED)
        case_id = data.draw(st.sampled_from(paused), label="case_id")
        self.resume(case_id, note, when, by)

    @rule(
        case_id=case_ids,
        to=s.steps(),
        where=s.placements(),
        until_days=st.none() | st.integers(-30, 400),
        when=s.whens(),
        by=s.actors(),
        override=s.overrides(),
    )
    def advance_as_a_dry_run(
        self,
        case_id: int,
        to: Step,
        where: PlacementChoice,
        until_days: int | None,
        when: When,
        by: Actor,
        override: str | None,
    ) -> None:
        before = self.stored
        self._advance(case_id, to, where, until_days, None, when, by, override, True)
        self.dry_run = (before, self.stored)

    def _move(
        self,
        case_id: int,
        kind: str,
        to_state: str | None,
        when: When,
        by: Actor,
        reason: str | None,
        call: Callable[[date | None, int | None], MoveResult],
        to: int | None = None,
        invalid: bool = False,
        closing: Outcome | None = None,
    ) -> None:
        case = self.cases[case_id]
        on, effective = self.when(when, case.last_move_on)
        structural = structural_refusal(case, kind, to)
        refusals = date_refusals(case, effective, self.today)
        warnings = set() if structural else leaving_warnings(case, kind)
        if structural:
            refusals.add(structural)
        if refusals:
            refusals |= warnings
        actor_id = self.directory.actor(by)
        hidden = self.hidden(case, actor_id)
        result = self.attempt(
            kind,
            lambda: call(on, actor_id),
            Expectation(invalid, frozenset() if hidden else frozenset(refusals), hidden),
        )
        if result is None:
            return
        target = to_state or case.paused_from
        assert target is not None
        assert {w["code"] for w in result.warnings} == warnings
        recorded = EventModel(
            kind, effective, case.state, target, actor_id, reason, warnings=frozenset(warnings)
        )
        after = case.moved(kind, effective, target, recorded)
        if closing is not None:
            after = replace(after, outcome=closing.value, closed_on=effective)
        self.cases[case_id] = after
        self.check_move(result, case_id, case, target)

    @rule(case_id=case_ids, to=s.steps(), reason=s.reasons(), when=s.whens(), by=s.actors())
    def fall_back(self, case_id: int, to: Step, reason: str, when: When, by: Actor) -> None:
        self._move(
            case_id,
            FALL_BACK,
            to.slug,
            when,
            by,
            reason.strip(),
            lambda on, actor: moves.fall_back(
                self.kivo, case_id, to, reason=reason, on=on, by=actor
            ),
            to=to.number,
            invalid=not reason.strip(),
        )

    @rule(case_id=case_ids, reason=s.reasons(), when=s.whens(), by=s.actors())
    def pause(self, case_id: int, reason: str, when: When, by: Actor) -> None:
        self._move(
            case_id,
            PAUSE,
            PAUSED,
            when,
            by,
            reason.strip(),
            lambda on, actor: moves.pause(self.kivo, case_id, reason=reason, on=on, by=actor),
            invalid=not reason.strip(),
        )

    @rule(case_id=case_ids, note=s.optional_notes(), when=s.whens(), by=s.actors())
    def resume(self, case_id: int, note: str | None, when: When, by: Actor) -> None:
        self._move(
            case_id,
            RESUME,
            None,  # back to where the case was paused
            when,
            by,
            note,
            lambda on, actor: moves.resume(self.kivo, case_id, on=on, by=actor, reason=note),
        )

    @rule(
        case_id=case_ids,
        outcome=s.outcomes(),
        note=s.optional_notes(),
        when=s.whens(),
        by=s.actors(),
    )
    def exit_case(
        self, case_id: int, outcome: Outcome, note: str | None, when: When, by: Actor
    ) -> None:
        self._move(
            case_id,
            EXIT,
            EXITED,
            when,
            by,
            note,
            lambda on, actor: moves.exit_case(
                self.kivo, case_id, outcome=outcome, on=on, by=actor, reason=note
            ),
            closing=outcome,
        )

    @rule(case_id=case_ids, data=st.data(), reason=s.real_reasons(), by=s.actors())
    def correct_a_recorded_event(
        self, case_id: int, data: st.DataObject, reason: str, by: Actor
    ) -> None:
        """Any event of a case: the model says which are not moves, already corrected,
        or followed by a move in force, and who may not correct."""
        case = self.cases[case_id]
        seq = data.draw(st.integers(1, len(case.events)), label="event")
        self._correct(case_id, seq, reason, by)

    @precondition(lambda self: any(case.in_force for case in self.cases.values()))
    @rule(data=st.data(), reason=s.real_reasons(), by=st.just(Actor.COORDINATOR) | s.actors())
    def correct_a_recorded_move(self, data: st.DataObject, reason: str, by: Actor) -> None:
        """A move in force, mostly the last (a coordinator's correction of it succeeds)."""
        moved = sorted(case_id for case_id, case in self.cases.items() if case.in_force)
        case_id = data.draw(st.sampled_from(moved), label="case")
        numbers = [number for number, _ in self.cases[case_id].in_force]
        seq = data.draw(st.just(numbers[-1]) | st.sampled_from(numbers), label="event")
        self._correct(case_id, seq, reason, by)

    def _correct(self, case_id: int, seq: int, reason: str, by: Actor) -> None:
        case = self.cases[case_id]
        kind = case.events[seq - 1].kind
        in_force = {number for number, _ in case.in_force}
        refusals: set[str] = set()
        invalid = by is Actor.NOBODY
        if by is Actor.CASEWORKER:
            refusals.add("correction-not-permitted")
        elif not invalid and kind not in CORRECTABLE:
            invalid = True
        elif not invalid and seq not in in_force:
            refusals.add("already-corrected")
        elif not invalid and any(number > seq for number in in_force):
            refusals.add("later-event")
        actor_id = self.directory.actor(by)
        result = self.attempt(
            "correct",
            lambda: correct(self.kivo, case_id, seq, reason=reason, by=actor_id),
            Expectation(invalid, frozenset(refusals)),
        )
        if result is None:
            return
        before = case.in_force[-1][1]
        recorded = EventModel(
            "correction", self.today, case.state, before.state, actor_id, reason.strip()
        )
        self.cases[case_id] = case.corrected(seq, recorded)
        assert (result.event, result.from_state, result.to_state) == (
            seq,
            case.state,
            before.state,
        )

    @rule(to=s.steps())
    def moving_an_unknown_case_is_not_found(self, to: Step) -> None:
        before = self.stored
        with pytest.raises(NotFound):
            moves.advance(self.kivo, UNKNOWN_CASE, to)
        self.stored = read_everything(self.kivo)
        assert self.stored == before, "moving an unknown case changed the database"

    # --- invariants ---

    @invariant()
    def every_stored_state_is_the_replay_of_its_history(self) -> None:
        for case_id, case in self.stored.cases.items():
            replayed = replay(self.stored.events[case_id])
            assert (replayed.state, replayed.paused_from, replayed.outcome) == (
                case.state,
                case.paused_from,
                case.outcome,
            )

    @invariant()
    def the_shared_machine_holds_no_case(self) -> None:
        assert path_machine().model_count() == 0

    @invariant()
    def every_case_is_stored_as_the_model_says(self) -> None:
        assert self.stored.cases.keys() == self.cases.keys()
        for case_id, model in self.cases.items():
            case = self.stored.cases[case_id]
            assert (
                case.state,
                case.paused_from,
                case.consent_on,
                case.opened_on,
                case.last_move_on,
                case.closed_on,
                case.outcome,
                case.version,
                case.caseworker_id,
            ) == (
                model.state,
                model.paused_from,
                model.consent_on,
                model.opened_on,
                model.last_move_on,
                model.closed_on,
                model.outcome,
                model.version,
                model.caseworker_id,
            ), f"case {case_id}"
            person = self.stored.people[case.person_id]
            assert (person.birth_year, frozenset(person.groups)) == (
                model.person.birth_year,
                model.person.groups,
            )
            events = self.stored.events[case_id]
            assert [e.seq for e in events] == list(range(1, len(events) + 1))
            assert [
                EventModel(
                    e.kind,
                    e.on,
                    e.from_state,
                    e.to_state,
                    e.actor_id,
                    e.reason,
                    frozenset(e.overrides),
                    frozenset(w["code"] for w in e.warnings),
                )
                for e in events
            ] == list(model.events), f"history of case {case_id}"
            assert [
                PlacementModel(
                    p.step,
                    p.start,
                    p.workplace_id,
                    p.supervisor_id,
                    p.programme,
                    p.planned_end,
                    p.ended_on,
                    p.end_reason,
                    p.employment_kind,
                )
                for p in sorted(self.stored.placements[case_id], key=lambda p: ident(p.id))
            ] == list(model.placements), f"placements of case {case_id}"

    @invariant()
    def a_dry_run_wrote_nothing(self) -> None:
        if self.dry_run is not None:
            before, after = self.dry_run
            assert after == before, "a dry run changed the database"
            self.dry_run = None


def test_every_move_of_a_case_is_judged_and_recorded_exactly(
    sqlite_databases: SqliteDatabases,
) -> None:
    class CaseLifecycleOnSqlite(CaseLifecycle):
        databases = sqlite_databases

    run_state_machine_as_test(CaseLifecycleOnSqlite, settings=LIFECYCLE_SETTINGS)


@pytest.mark.postgres
def test_every_move_of_a_case_is_judged_and_recorded_exactly_on_postgresql(
    postgres_databases: PostgresDatabases,
) -> None:
    class CaseLifecycleOnPostgres(CaseLifecycle):
        databases = postgres_databases

    run_state_machine_as_test(
        CaseLifecycleOnPostgres, settings=settings.get_profile("lifecycle-postgres")
    )
