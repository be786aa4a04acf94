"""The reports against a brute-force Python computation on random caseloads.

Hypothesis draws a caseload (people, enrolment dates, and a walk along the path for
each case), the test builds it through the real use cases, keeping its own list of every
move it made, then compares each report (computed in SQL) with the same numbers
computed here by plain loops over that list. Each example gives its cases a caseworker
of their own and asks the reports for that caseworker only, so the examples can share
one database.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pathway import directory, enrolment, followups, meetings, moves, reports
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.importing import import_participants
from states.case import Outcome
from states.import_rows import REQUIRED_COLUMNS
from states.reports import (
    FIRST_WORKPLACE_STEP,
    NO_GROUP,
    SIX_MONTHS_DAYS,
    STATE_LABELS,
    TWELVE_MONTHS_DAYS,
    Flow,
    OverdueLine,
    percentile,
)
from states.steps import Step
from tests.integration.support import personnummer

BASE = date(2025, 6, 1)
NOW = "2028-06-30T12:00"
ADVANCE_TO = (1, 2, 3, 4, 5, 6, 7, 9)  # 8 has eligibility rules this walk does not model
PLACEMENT_STEPS = {2, 3, 6, 7, 9}
GENDERS = ("woman", "man", "non-binary", "unknown")
GROUPS = ("newly-arrived", "disability", "unemployed")
CI_EXAMPLES = 30
# More examples in CI (CI=true), where the properties run on both databases; fewer on a
# developer's machine. 30 costs about a minute more on both databases than 5 (21 s to
# about 80 s for this file and test_report_twins, quiet 2-core machine).
EXAMPLES = settings(
    max_examples=CI_EXAMPLES if os.environ.get("CI") else 5,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@dataclass
class Event:
    kind: str
    source: str | None
    target: str
    on: date


@dataclass
class Built:
    case_id: int
    gender: str
    enrolled: date
    events: list[Event] = field(default_factory=list)
    first_placement: date | None = None
    outcome: str | None = None
    groups: tuple[str, ...] = ()
    worker: int | None = None

    @property
    def closed_on(self) -> date | None:
        last = self.events[-1]
        return last.on if last.kind == "exited" else None


person = st.fixed_dictionaries(
    {
        "gender": st.sampled_from(GENDERS),
        "groups": st.lists(st.sampled_from(GROUPS), unique=True, max_size=2),
        "who": st.integers(0, 1),
        "enrol": st.integers(0, 300),
        "walk": st.lists(st.tuples(st.integers(0, 90), st.integers(0, 10_000)), max_size=5),
    }
)
caseload = st.lists(person, min_size=1, max_size=5)
period = st.tuples(st.integers(0, 700), st.integers(0, 400))


@pytest.fixture
def kivo(make_kivo: Callable[..., Kivo]) -> Kivo:
    return make_kivo(now=NOW)


@dataclass(frozen=True)
class Place:
    workplace: int
    supervisor: int


def place_of(kivo: Kivo) -> Place:
    """A workplace and a supervisor of the example's own, trained before any drawn date."""
    workplace = directory.add_workplace(kivo, "Bageriet").id
    assert workplace is not None
    supervisor = directory.add_supervisor(
        kivo, "Sven", workplace_id=workplace, trained_on=date(2020, 1, 1), capacity=50
    ).id
    assert supervisor is not None
    return Place(workplace, supervisor)


_names = itertools.count(1)


def build(
    kivo: Kivo, drawn: list[dict[str, object]], *, workers: int = 1
) -> tuple[int, list[Built]]:
    """The drawn cases, all held by one new caseworker (the one returned), or with
    ``workers=2`` split between two new ones by the drawn ``who``."""
    staff = [
        directory.add_caseworker(kivo, f"Caseworker {next(_names)}").id for _ in range(workers)
    ]
    worker = staff[0]
    place = place_of(kivo)
    assert worker is not None
    built = []
    for plan in drawn:
        enrolled = BASE + timedelta(days=int(plan["enrol"]))  # type: ignore[call-overload]
        gender = str(plan["gender"])
        groups = tuple(str(g) for g in plan["groups"])  # type: ignore[attr-defined]
        holder = staff[int(plan["who"]) % workers]  # type: ignore[call-overload]
        case_id = enrolment.enrol(
            kivo,
            "P",
            gender=gender,
            groups=groups,
            caseworker_id=holder,
            consent=True,
            on=enrolled,
        ).case_id
        case = Built(
            case_id,
            gender,
            enrolled,
            [Event("enrolled", None, "enrolled", enrolled)],
            groups=groups,
            worker=holder,
        )
        walk(kivo, place, case, plan["walk"])  # type: ignore[arg-type]
        built.append(case)
    return worker, built


def walk(kivo: Kivo, staff: Place, case: Built, steps: list[tuple[int, int]]) -> None:
    state, paused_from, day = "enrolled", None, case.enrolled
    for gap, choice in steps:
        if state == "exited":
            return
        day += timedelta(days=gap)
        options = _options(state)
        kind, to = options[choice % len(options)]
        if kind == "advanced":
            _advance(kivo, staff, case, to, day)
            target = str(to)
        elif kind == "fell_back":
            moves.fall_back(kivo, case.case_id, Step(to), reason="fell back", on=day)
            target = str(to)
        elif kind == "paused":
            moves.pause(kivo, case.case_id, reason="pause", on=day)
            paused_from, target = state, "paused"
        elif kind == "resumed":
            moves.resume(kivo, case.case_id, on=day)
            assert paused_from is not None
            target = paused_from
        else:
            outcome = list(Outcome)[choice % len(Outcome)]
            moves.exit_case(kivo, case.case_id, outcome=outcome, on=day)
            target, case.outcome = "exited", outcome.value
        case.events.append(Event(kind, state, target, day))
        state = target


def _options(state: str) -> list[tuple[str, int]]:
    if state == "paused":
        return [("resumed", 0), ("exited", 0)]
    if state == "enrolled":
        return [("advanced", n) for n in ADVANCE_TO if n != 6] + [("exited", 0)]
    step = int(state)
    forward = [n for n in ADVANCE_TO if n > step and (n != 6 or step == 5)]
    return [
        *(("advanced", n) for n in forward),
        *(("fell_back", n) for n in range(1, step)),
        ("paused", 0),
        ("exited", 0),
    ]


def _advance(kivo: Kivo, staff: Place, case: Built, to: int, day: date) -> None:
    """Every stay at a workplace at a workplace of its own, so that no rule summing a
    participant's stays at one workplace or employer (a programme's total scope, the
    LAS limits) refuses a move the walk draws: the reports are under test, not those."""
    details: dict[str, object] = {}
    if to in PLACEMENT_STEPS:
        staff = place_of(kivo)
    if to in (2, 3):
        details = {"supervisor_id": staff.supervisor, "programme": "PRAKTIK"}
        details["until"] = day + timedelta(days=60)
    elif to == 6:
        details = {"supervisor_id": staff.supervisor}
    elif to == 7:
        details = {"workplace_id": staff.workplace, "until": day + timedelta(days=100)}
    elif to == 9:
        details = {"workplace_id": staff.workplace}
    moves.advance(kivo, case.case_id, Step(to), on=day, **details)  # type: ignore[arg-type]
    if to in PLACEMENT_STEPS and case.first_placement is None:
        case.first_placement = day


def _period(drawn: tuple[int, int]) -> tuple[date, date]:
    start = BASE + timedelta(days=drawn[0])
    return start, start + timedelta(days=drawn[1])


def _within(day: date, start: date, end: date) -> bool:
    return start <= day <= end


# -- the brute-force side -------------------------------------------------------------


def states_on(cases: list[Built], day: date) -> dict[str, int]:
    counts = Counter(
        [e.target for e in case.events if e.on <= day][-1] for case in cases if case.enrolled <= day
    )
    return {label: counts.get(label, 0) for label in STATE_LABELS}


def flows(cases: list[Built], start: date, end: date, kinds: tuple[str, ...]) -> list[Flow]:
    counts = Counter(
        (e.source, e.target, e.kind)
        for case in cases
        for e in case.events
        if e.kind in kinds and _within(e.on, start, end)
    )
    return sorted(
        (Flow(str(s), t, k, n) for (s, t, k), n in counts.items()),
        key=lambda f: (_rank(f.source), _rank(f.target), f.kind),
    )


def _rank(label: str) -> tuple[int, str]:
    ranks = {"enrolled": 0, "paused": 10, "exited": 11}
    return (ranks.get(label, int(label) if label.isdigit() else 12), label)


def stays(cases: list[Built], start: date, end: date) -> dict[int, tuple[list[int], list[int]]]:
    found: dict[int, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for case in cases:
        leaving = [
            e for e in case.events if e.kind in ("advanced", "fell_back", "exited") and e.on <= end
        ]
        for index, entered in enumerate(leaving):
            if entered.kind == "exited":
                continue
            step = int(entered.target)
            if index + 1 < len(leaving):
                left = leaving[index + 1].on
                if left >= start:
                    found[step][0].append((left - entered.on).days)
            else:
                found[step][1].append((end - entered.on).days)
    return found


# -- the properties -------------------------------------------------------------------


@EXAMPLES
@given(drawn=caseload, span=period, on=st.integers(0, 800))
def test_funnel_states_and_flows_match_a_replay_of_the_moves_made(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int], on: int
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    day = BASE + timedelta(days=on)
    found = reports.funnel(kivo, on=day, start=start, end=end, caseworker_id=worker)
    assert found.states == states_on(cases, day)
    assert found.flows == flows(cases, start, end, ("advanced", "fell_back", "exited"))


@EXAMPLES
@given(drawn=caseload, span=period)
def test_outcomes_by_gender_match_a_count_of_the_exits(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int]
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.outcomes(kivo, start=start, end=end, caseworker_id=worker)
    exits: Counter[tuple[str, str]] = Counter()
    for case in cases:
        if case.closed_on is not None and _within(case.closed_on, start, end):
            assert case.outcome is not None
            exits[(case.gender, case.outcome)] += 1
    per_gender: Counter[str] = Counter()
    for (gender, _), n in exits.items():
        per_gender[gender] += n
    assert found.total == sum(exits.values())
    assert [(r.breakdown, r.outcome, r.count) for r in found.rows] == sorted(
        (g, o, n) for (g, o), n in exits.items()
    )
    for row in found.rows:
        assert row.share == pytest.approx(row.count / per_gender[row.breakdown], abs=1e-4)


def _exits(cases: list[Built], start: date, end: date) -> list[Built]:
    return [c for c in cases if c.closed_on is not None and _within(c.closed_on, start, end)]


@EXAMPLES
@given(drawn=caseload, span=period)
def test_outcomes_by_group_count_each_exit_in_every_group_of_the_person(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int]
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.outcomes(kivo, start=start, end=end, by="group", caseworker_id=worker)
    exits: Counter[tuple[str, str]] = Counter()
    for case in _exits(cases, start, end):
        for group in case.groups or (NO_GROUP,):
            exits[(group, str(case.outcome))] += 1
    per_group: Counter[str] = Counter()
    for (group, _), n in exits.items():
        per_group[group] += n
    assert found.total == len(_exits(cases, start, end))
    assert [(r.breakdown, r.outcome, r.count) for r in found.rows] == sorted(
        (g, o, n) for (g, o), n in exits.items()
    )
    for row in found.rows:
        assert row.share == pytest.approx(row.count / per_group[row.breakdown], abs=1e-4)


@EXAMPLES
@given(drawn=caseload, span=period)
def test_outcomes_by_caseworker_count_the_exits_of_each_caseworkers_cases(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int]
) -> None:
    worker, cases = build(kivo, drawn, workers=2)
    mine = {case.worker for case in cases} | {worker}
    start, end = _period(span)
    exits = Counter((case.worker, str(case.outcome)) for case in _exits(cases, start, end))
    per_worker = Counter(case.worker for case in _exits(cases, start, end))
    # Unfiltered (other examples share the database): this example's caseworkers' rows.
    found = reports.outcomes(kivo, start=start, end=end, by="caseworker")
    rows = [r for r in found.rows if r.caseworker_id in mine]
    assert sorted((r.caseworker_id, r.outcome, r.count) for r in rows) == sorted(
        (w, o, n) for (w, o), n in exits.items()
    )
    for row in rows:
        assert row.breakdown.endswith(f"({row.caseworker_id})")
        assert row.share == pytest.approx(row.count / per_worker[row.caseworker_id], abs=1e-4)
    for who in mine:
        assert who is not None
        alone = reports.outcomes(kivo, start=start, end=end, by="caseworker", caseworker_id=who)
        assert alone.total == per_worker[who]
        assert [(r.caseworker_id, r.outcome, r.count) for r in alone.rows] == sorted(
            (w, o, n) for (w, o), n in exits.items() if w == who
        )


@EXAMPLES
@given(drawn=caseload, span=period, window=st.integers(0, 120))
def test_fallbacks_match_a_scan_of_every_step_left(
    kivo: Kivo,
    drawn: list[dict[str, object]],
    span: tuple[int, int],
    window: int,
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.fallbacks(kivo, start=start, end=end, window_days=window, caseworker_id=worker)
    assert found.moves == flows(cases, start, end, ("fell_back",))
    left: dict[int, set[int]] = defaultdict(set)
    fell: dict[int, set[int]] = defaultdict(set)
    moves_back: Counter[int] = Counter()
    for case in cases:
        for index, e in enumerate(case.events):
            if e.kind not in ("advanced", "fell_back") or not _within(e.on, start, end):
                continue
            if e.source in (None, "enrolled", "paused"):
                continue
            step = int(e.source)
            left[step].add(case.case_id)
            moves_back[step] += e.kind == "fell_back"
            if any(
                later.kind == "fell_back" and (later.on - e.on).days <= window
                for later in case.events[index:]
            ):
                fell[step].add(case.case_id)
    expected = {step: (moves_back[step], len(left[step]), len(fell[step])) for step in sorted(left)}
    assert {s.step: (s.fell_back, s.left, s.fell_back_within) for s in found.steps} == expected
    for s in found.steps:
        assert s.share == pytest.approx(s.fell_back_within / s.left, abs=1e-4)


@EXAMPLES
@given(drawn=caseload, span=period)
def test_time_in_step_matches_nearest_rank_percentiles_of_every_stay(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int]
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.time_in_step(kivo, start=start, end=end, caseworker_id=worker)
    expected = {
        step: (
            len(closed),
            percentile(closed, 50),
            percentile(closed, 90),
            len(still),
            percentile(still, 50),
            percentile(still, 90),
        )
        for step, (closed, still) in stays(cases, start, end).items()
    }
    assert {
        s.step: (s.closed, s.closed_median, s.closed_p90, s.open, s.open_median, s.open_p90)
        for s in found.steps
    } == expected


_born = itertools.count()


def import_cases(kivo: Kivo, worker: int, drawn: list[tuple[int, int, int]]) -> list[Imported]:
    """Import cases for ``worker``: (enrolment day, step 0-9 with 0 none, days to the
    step); what an import writes, no placement."""
    rows = [[*REQUIRED_COLUMNS, "step_on"]]
    found = []
    for enrol, step, gap in drawn:
        n = next(_born)
        born = (date(1960, 1, 1) + timedelta(days=n // 800)).strftime("%Y%m%d")
        enrolled = BASE + timedelta(days=enrol)
        step_on = enrolled + timedelta(days=gap if step else 0)
        rows.append(
            ["I", personnummer(born, f"{100 + n % 800:03d}"), "", "", "", str(worker),
             enrolled.isoformat(), str(step or ""), "", step_on.isoformat()]
        )  # fmt: skip
        found.append(Imported(enrolled, step, step_on))
    assert import_participants(kivo, rows).imported == len(drawn)
    return found


@dataclass(frozen=True)
class Imported:
    enrolled: date
    step: int
    step_on: date


imports = st.lists(
    st.tuples(st.integers(0, 300), st.integers(0, 9), st.integers(0, 200)), max_size=3
)


@EXAMPLES
@given(drawn=caseload, span=period, imported=imports)
def test_lead_time_matches_the_first_placement_of_each_case(
    kivo: Kivo,
    drawn: list[dict[str, object]],
    span: tuple[int, int],
    imported: list[tuple[int, int, int]],
) -> None:
    worker, cases = build(kivo, drawn)
    also = import_cases(kivo, worker, imported)
    start, end = _period(span)
    found = reports.lead_time(kivo, start=start, end=end, caseworker_id=worker)
    waits = [
        (case.first_placement - case.enrolled).days
        for case in cases
        if case.first_placement is not None and _within(case.first_placement, start, end)
    ]
    assert (found.cases, found.median, found.p90) == (
        len(waits),
        percentile(waits, 50),
        percentile(waits, 90),
    )
    assert found.over_6_months == sum(w > SIX_MONTHS_DAYS for w in waits)
    assert found.over_12_months == sum(w > TWELVE_MONTHS_DAYS for w in waits)
    waiting = [
        (end - case.enrolled).days
        for case in cases
        if case.enrolled <= end
        and (case.closed_on is None or case.closed_on > end)
        and (case.first_placement is None or case.first_placement > end)
    ]
    # Imported cases have no placement; those the import put in or past a workplace
    # step by the period's end have an unknown one, the others are waiting.
    unknown = [c for c in also if c.step >= FIRST_WORKPLACE_STEP and c.step_on <= end]
    waiting += [(end - c.enrolled).days for c in also if c.enrolled <= end and c not in unknown]
    assert found.placement_unknown == len(unknown)
    assert (found.waiting, found.waiting_over_6_months, found.waiting_over_12_months) == (
        len(waiting),
        sum(w > SIX_MONTHS_DAYS for w in waiting),
        sum(w > TWELVE_MONTHS_DAYS for w in waiting),
    )


@EXAMPLES
@given(drawn=caseload, span=period, by=st.sampled_from(("gender", "group", "caseworker")))
def test_lead_time_by_a_breakdown_matches_the_first_placements_of_its_cases(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int], by: str
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.lead_time(kivo, start=start, end=end, by=by, caseworker_id=worker)
    name = f"{_caseworker_name(kivo, worker)} ({worker})"
    placed: dict[str, list[int]] = defaultdict(list)
    waiting: dict[str, list[int]] = defaultdict(list)
    for case in cases:
        keys = {"gender": (case.gender,), "group": case.groups or (NO_GROUP,)}.get(by, (name,))
        for key in keys:
            if case.first_placement is not None and _within(case.first_placement, start, end):
                placed[key].append((case.first_placement - case.enrolled).days)
            elif (
                case.enrolled <= end
                and (case.closed_on is None or case.closed_on > end)
                and (case.first_placement is None or case.first_placement > end)
            ):
                waiting[key].append((end - case.enrolled).days)
    expected = [
        (
            key,
            len(placed[key]),
            percentile(placed[key], 50),
            percentile(placed[key], 90),
            sum(w > SIX_MONTHS_DAYS for w in placed[key]),
            sum(w > TWELVE_MONTHS_DAYS for w in placed[key]),
            len(waiting[key]),
            sum(w > SIX_MONTHS_DAYS for w in waiting[key]),
            sum(w > TWELVE_MONTHS_DAYS for w in waiting[key]),
        )
        for key in sorted(placed.keys() | waiting.keys())
    ]
    assert [
        (
            r.breakdown,
            r.cases,
            r.median,
            r.p90,
            r.over_6_months,
            r.over_12_months,
            r.waiting,
            r.waiting_over_6_months,
            r.waiting_over_12_months,
        )
        for r in found.rows
    ] == expected
    assert {r.caseworker_id for r in found.rows} <= ({worker} if by == "caseworker" else {None})


def _caseworker_name(kivo: Kivo, worker: int) -> str:
    return next(c.name for c in directory.list_caseworkers(kivo) if c.id == worker)


@EXAMPLES
@given(drawn=caseload, span=period)
def test_esf_has_one_row_per_case_open_in_the_period(
    kivo: Kivo, drawn: list[dict[str, object]], span: tuple[int, int]
) -> None:
    worker, cases = build(kivo, drawn)
    start, end = _period(span)
    found = reports.esf(kivo, start=start, end=end, caseworker_id=worker)
    expected = [
        case.case_id
        for case in cases
        if case.enrolled <= end and (case.closed_on is None or case.closed_on >= start)
    ]
    assert [r.case_id for r in found.rows] == sorted(expected)
    genders = {case.case_id: case.gender for case in cases}
    for row in found.rows:
        assert row.gender == (None if genders[row.case_id] == "unknown" else genders[row.case_id])


@EXAMPLES
@given(drawn=caseload)
def test_targets_count_the_placements_started_in_each_year(
    kivo: Kivo, drawn: list[dict[str, object]]
) -> None:
    worker, cases = build(kivo, drawn)
    for year in (2025, 2026, 2027):
        started = sum(
            1
            for case in cases
            for e in case.events
            if e.kind == "advanced" and e.target in ("2", "3") and e.on.year == year
        )
        found = reports.targets(kivo, year=year, caseworker_id=worker)
        assert [(r.programme, r.started, r.extended) for r in found] == (
            [("PRAKTIK", started, 0)] if started else []
        )


@EXAMPLES
@given(drawn=caseload, on=st.lists(st.integers(-30, 1200), max_size=3))
def test_the_funnel_from_the_current_states_equals_a_full_replay_today_and_on_past_days(
    kivo: Kivo, drawn: list[dict[str, object]], on: list[int]
) -> None:
    worker, cases = build(kivo, drawn)
    moved = {e.on for case in cases for e in case.events}
    days = {kivo.today(), *moved, *(d - timedelta(days=1) for d in moved)}
    days |= {BASE + timedelta(days=n) for n in on}
    assert reports.funnel(kivo).states == _replayed(kivo, kivo.today(), None)
    for day in sorted(days):
        for who in (worker, None):
            found = reports.funnel(kivo, on=day, caseworker_id=who).states
            assert found == _replayed(kivo, day, who)
        assert reports.funnel(kivo, on=day, caseworker_id=worker).states == states_on(cases, day)


def _replayed(kivo: Kivo, day: date, caseworker_id: int | None) -> dict[str, int]:
    """The funnel's states by replaying every case's whole history up to ``day``."""
    with kivo.uow(read_only=True) as uow:
        found = uow.reports.replayed_states_on(day, caseworker_id=caseworker_id)
    return {label: found.get(label, 0) for label in STATE_LABELS}


@EXAMPLES
@given(
    drawn=caseload,
    booked=st.lists(
        st.tuples(st.integers(0, 10), st.integers(0, 900), st.integers(7, 17)), max_size=4
    ),
    on=st.lists(st.integers(0, 1200), min_size=1, max_size=3),
)
def test_overdue_matches_a_count_of_every_pending_item_and_unrecorded_meeting(
    kivo: Kivo,
    drawn: list[dict[str, object]],
    booked: list[tuple[int, int, int]],
    on: list[int],
) -> None:
    worker, cases = build(kivo, drawn)
    held = [case for case in cases if case.closed_on is None]
    times = []
    for which, offset, hour in booked:
        if held:
            case = held[which % len(held)]
            # A meeting is booked no earlier than the case's latest move (its enrolment,
            # or the start of the placement it belongs to).
            day = max(BASE + timedelta(days=offset), max(e.on for e in case.events))
            at = datetime.combine(day, time(hour), LOCAL)
            meetings.schedule_meeting(kivo, case.case_id, at)
            times.append(at)
    items = followups.list_followups(kivo, caseworker_id=worker, status="all")
    name = _caseworker_name(kivo, worker)
    for shift in on:
        day = BASE + timedelta(days=shift)
        late = [i for i in items if i.status == "pending" and i.due < day]
        kinds = Counter(i.kind for i in late)
        unrecorded = sum(at < datetime.combine(day, time(), LOCAL) for at in times)
        expected = (
            [
                OverdueLine(
                    worker,
                    name,
                    kinds["follow-up"],
                    kinds["meeting"],
                    kinds["decision"],
                    unrecorded,
                    min((i.due for i in late), default=None),
                )
            ]
            if late or unrecorded
            else []
        )
        assert reports.overdue(kivo, on=day, caseworker_id=worker).caseworkers == expected
        everyone = reports.overdue(kivo, on=day).caseworkers
        assert [line for line in everyone if line.caseworker_id == worker] == expected
