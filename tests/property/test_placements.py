"""Placements, extensions, early ends and handovers as a specification.

A hypothesis state machine enrols participants, places them with supervisors of small
capacity under programmes, extends placements (sometimes beyond the programme's limits,
sometimes with a coordinator's override), gives them other supervisors, ends them early,
books tripartite meetings, moves and exits cases, transfers caseloads, deactivates
caseworkers and supervisors, all through ``pathway`` on a freshly migrated database
(SQLite always, PostgreSQL too when ``KIVO_TEST_POSTGRES_URL`` is set) while days pass.
Each call is checked against what the database said just before it (the supervisor's
load, the placement's dates); after every step:

- the extensions of a placement add up to its planned end, and never beyond the
  programme's total maximum unless a coordinator's override of it was recorded;
- no supervisor has more open placements than their capacity unless one of them was
  opened with them, or given to them, with a recorded ``supervisor-full`` override;
- no open case, pending follow-up, scheduled meeting or pending reminder belongs to an
  inactive caseworker;
- every case's stored state is the replay of its history.
"""

from __future__ import annotations

import os
from contextlib import ExitStack
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import text
from sqlmodel import Session, col, select

from pathway import directory, enrolment, moves, placements
from pathway.bootstrap import bootstrap
from pathway.clock import clock_from
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.handover import deactivate_caseworker, transfer_caseload
from pathway.meetings import schedule_meeting
from pathway.supervisor_change import change_supervisor
from persistence.tables import CaseEventRow, PlacementRow, SupervisorRow
from states.case import Outcome
from states.errors import InvalidInput
from states.replay import Replayed, replay
from states.steps import Step
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import cases_with_histories, engine_of
from tests.property.test_handover import LIVE_OWNED, ORPHANS

settings.register_profile(
    "placements-ci",
    max_examples=50,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("placements-dev", settings.get_profile("placements-ci"), max_examples=25)
# PostgreSQL: a database per example costs more (CREATE DATABASE … TEMPLATE), so fewer.
settings.register_profile(
    "placements-postgres", settings.get_profile("placements-ci"), max_examples=10
)
PLACEMENT_SETTINGS = settings.get_profile(
    "placements-ci" if os.environ.get("CI") else "placements-dev"
)
PLACEMENT_POSTGRES_SETTINGS = settings.get_profile("placements-postgres")

WORKERS = 3
CAPACITIES = (1, 2, 1)  # supervisors 0 and 1 at workplace 0, supervisor 2 at workplace 1
SUPERVISOR_AT = (0, 0, 1)  # the workplace of each supervisor
OVERRIDE = "coordinator decision: the employer takes responsibility"


@dataclass(frozen=True)
class ProgrammeModel:
    """What the shipped catalogue (states/programmes.toml) says, read independently."""

    code: str
    max_decision_days: int
    max_total_days: int


PRACTICE = (
    ProgrammeModel("PRAKTIK", 184, 184),
    ProgrammeModel("ARBETSTRANING", 184, 366),
    ProgrammeModel("PIS", 184, 184),
)
BY_STEP = {
    Step.SHORT_PRACTICE: PRACTICE,
    Step.STUDY_PRACTICE: PRACTICE[::-1],
    Step.FIXED_TERM: (
        ProgrammeModel("LONESTOD", 366, 1461),
        ProgrammeModel("SAVA", 366, 366),
        ProgrammeModel("OSA", 366, 1461),
    ),
}
PROGRAMMES = {p.code: p for choices in BY_STEP.values() for p in choices}
# What each programme's total maximum counts besides the placement itself (total_scope):
# every placement of the participant under it (PIS, arbetsträning), or those with one
# employer (praktik: "at most 6 months in total with the same employer").
PER_PARTICIPANT = frozenset({"PIS", "ARBETSTRANING"})
PER_EMPLOYER = frozenset({"PRAKTIK"})
# Both workplaces belong to one employer, written two ways (kivo folds case and spaces):
# a praktik at the one counts towards a praktik at the other.
EMPLOYERS = ("Region Gotland", "region  gotland")
# Warnings a fixed-term extension may carry beside its refusals (never overridden).
FIXED_TERM_WARNINGS = frozenset({"preferential-right", "las-permanent", "las-vikariat"})
# The path's own refusals: with one of them, the rules are not judged at all.
PATH_CODES = frozenset(
    {
        "case-exited",
        "already-paused",
        "case-paused",
        "not-paused",
        "same-step",
        "not-forward",
        "no-step-yet",
        "not-backward",
    }
)


class Placements(RuleBasedStateMachine):
    case_ids = Bundle[int]("case_ids")
    databases: ClassVar[SqliteDatabases | PostgresDatabases]

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        self.kivos: dict[date, Kivo] = {}
        self.today = date(2026, 3, 2)
        self.url = ""
        self.workers: list[int] = []
        self.active: set[int] = set()
        self.coordinator = 0
        self.workplaces: list[int] = []
        self.supervisors: list[int] = []
        self.inactive_supervisors: set[int] = set()

    @property
    def kivo(self) -> Kivo:
        if self.today not in self.kivos:
            now = f"{self.today.isoformat()}T10:00:00"
            first = next(iter(self.kivos.values()), None)
            self.kivos[self.today] = (
                bootstrap(self.url, now=now)
                if first is None
                else replace(first, clock=clock_from(now))
            )
        return self.kivos[self.today]

    @initialize()
    def open_a_fresh_database_with_caseworkers_workplaces_and_small_supervisors(self) -> None:
        self.url = self.resources.enter_context(self.databases.fresh())
        kivo = self.kivo
        for n in range(WORKERS):
            self.workers.append(ident(directory.add_caseworker(kivo, f"Handläggare {n}").id))
        self.active = set(self.workers)
        self.coordinator = ident(
            directory.add_caseworker(kivo, "Samordnare", role="coordinator").id
        )
        self.workplaces = [
            ident(directory.add_workplace(kivo, name, employer=employer).id)
            for name, employer in zip(("Bageriet", "Vården"), EMPLOYERS, strict=True)
        ]
        trained = self.today - timedelta(days=300)
        for n, capacity in enumerate(CAPACITIES):
            workplace = self.workplaces[SUPERVISOR_AT[n]]
            added = directory.add_supervisor(
                kivo,
                f"Handledare {n}",
                workplace_id=workplace,
                trained_on=trained,
                capacity=capacity,
            )
            self.supervisors.append(ident(added.id))

    def teardown(self) -> None:
        for kivo in self.kivos.values():
            kivo.close()
        self.resources.close()

    @rule(days=st.integers(1, 40))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(target=case_ids, worker=st.integers(0, WORKERS - 1))
    def enrol(self, worker: int) -> int:
        """Enrol with an active caseworker (refusing an inactive one is the handover
        machine's business)."""
        active = sorted(self.active)
        who = active[worker % len(active)]
        result = enrolment.enrol(self.kivo, "Deltagare", caseworker_id=who, consent=True)
        event("enrolled")
        return result.case_id

    @rule(
        case_id=case_ids,
        to=st.sampled_from(list(BY_STEP)),
        supervisor=st.sampled_from([0, 0, 1, 1, 2, 2, None]),
        programme=st.integers(0, 2),
        until_days=st.sampled_from([30, 60, 91, 120, 150, 184]) | st.integers(185, 400),
        override=st.sampled_from([False, False, True]),
        coordinator=st.booleans(),
    )
    def place(
        self,
        case_id: int,
        to: Step,
        supervisor: int | None,
        programme: int,
        until_days: int,
        override: bool,
        coordinator: bool,
    ) -> None:
        if case_id < 0:
            return
        supervisor_id = None if supervisor is None else self.supervisors[supervisor]
        workplace_id = self.workplaces[0] if supervisor_id is None else None
        load, capacity = (0, 0) if supervisor_id is None else self.load(supervisor_id, case_id)
        code = BY_STEP[to][programme].code
        at = self.workplaces[SUPERVISOR_AT[supervisor]] if supervisor is not None else None
        start, until = self.today, self.today + timedelta(days=until_days)
        earlier = self.earlier_days(case_id, code, at or self.workplaces[0], start)
        over_total = until_days + earlier > PROGRAMMES[code].max_total_days
        try:
            result = moves.advance(
                self.kivo,
                case_id,
                to,
                workplace_id=workplace_id,
                supervisor_id=supervisor_id,
                programme=code,
                until=until,
                by=self.coordinator if coordinator else None,
                override=OVERRIDE if override else None,
            )
        except Refused as refused:
            codes = {v.code for v in refused.violations}
            event(f"place refused: {sorted(codes)}")
            if codes & PATH_CODES:
                return
            assert ("programme-total-too-long" in codes) == over_total, (codes, earlier)
            if supervisor_id is None:
                return
            full = load >= capacity
            assert ("supervisor-full" in codes) == full, (codes, load, capacity)
            inactive = supervisor_id in self.inactive_supervisors
            assert ("supervisor-inactive" in codes) == inactive, codes
            return
        overridden = set(result.overridden)
        event(f"placed, overriding {sorted(overridden)}")
        assert ("programme-total-too-long" in overridden) == over_total, (overridden, earlier)
        if override and overridden:
            assert coordinator
        if supervisor_id is not None:
            assert ("supervisor-full" in overridden) == (load >= capacity), (load, capacity)
            inactive = supervisor_id in self.inactive_supervisors
            assert ("supervisor-inactive" in overridden) == inactive

    @rule(
        case_id=case_ids,
        days=st.integers(1, 120) | st.integers(121, 500),
        decided_back=st.integers(0, 10),
        override=st.booleans(),
        coordinator=st.booleans(),
    )
    def extend(
        self, case_id: int, days: int, decided_back: int, override: bool, coordinator: bool
    ) -> None:
        if case_id < 0:
            return
        placement = self.open_placement(case_id)
        on = max(self.today - timedelta(days=decided_back), date(2026, 3, 2))
        base = None if placement is None else (placement.planned_end or placement.start)
        until = (base or self.today) + timedelta(days=days)
        try:
            result = placements.extend(
                self.kivo,
                case_id,
                until=until,
                on=on,
                by=self.coordinator if coordinator else None,
                override=OVERRIDE if override else None,
            )
        except InvalidInput:
            assert placement is not None
            assert on < placement.start, (on, placement)
            event("extension decided before the placement started: bad input")
            return
        except Refused as refused:
            codes = {v.code for v in refused.violations if v.blocking} - FIXED_TERM_WARNINGS
            event(f"extension refused: {sorted(codes)}")
            if placement is None:
                assert codes == {"no-open-placement"}
                return
            expected = self.extension_limits(placement, until, on)
            assert expected, f"refused ({codes}) within the programme's limits"
            assert codes - {"override-not-permitted"} == expected
            assert ("override-not-permitted" in codes) == (override and not coordinator)
            return
        assert placement is not None
        assert on >= placement.start, "a decision before the placement started was taken"
        expected = self.extension_limits(placement, until, on)
        assert set(result.overridden) == expected
        assert not expected or (override and coordinator)
        event(f"extended, overriding {sorted(expected)}")

    # Most real placements and extensions are of cases that can have them; the two rules
    # below pick such a case (kivo's answer is still checked, never assumed).

    @rule(
        data=st.data(),
        to=st.sampled_from(list(BY_STEP)),
        supervisor=st.sampled_from([0, 1, 2]),
        programme=st.integers(0, 2),
        override=st.sampled_from([False, False, True]),
    )
    def place_a_waiting_case(
        self, data: st.DataObject, to: Step, supervisor: int, programme: int, override: bool
    ) -> None:
        waiting = self.cases_where("state = 'enrolled'")
        if waiting:
            case_id = data.draw(st.sampled_from(waiting), label="case_id")
            self.place(case_id, to, supervisor, programme, 91, override, coordinator=True)

    @rule(
        data=st.data(),
        programme=st.integers(0, 2),
        days=st.integers(20, 120),
        supervisors=st.tuples(st.sampled_from([0, 1, 2]), st.sampled_from([0, 1, 2])),
        until_days=st.sampled_from([91, 120, 150]),
        override=st.booleans(),
    )
    def practise_then_move_on_under_the_same_programme(
        self,
        data: st.DataObject,
        programme: int,
        days: int,
        supervisors: tuple[int, int],
        until_days: int,
        override: bool,
    ) -> None:
        """A waiting case practises (2), days pass, and it moves on to study practice (3)
        under the same programme, here or at the other workplace: the programme's total
        counts the practice the move ends."""
        waiting = self.cases_where("state = 'enrolled'")
        if not waiting:
            return
        case_id = data.draw(st.sampled_from(waiting), label="case_id")
        self.place(case_id, Step.SHORT_PRACTICE, supervisors[0], programme, 120, False, True)
        self.time_passes(days)
        placement = self.open_placement(case_id)
        if placement is None or placement.step != Step.SHORT_PRACTICE.number:
            return
        same = [p.code for p in BY_STEP[Step.STUDY_PRACTICE]].index(placement.programme or "")
        to = Step.STUDY_PRACTICE
        self.place(case_id, to, supervisors[1], same, until_days, override, coordinator=True)

    @rule(
        data=st.data(),
        days=st.integers(1, 120) | st.integers(121, 500),
        override=st.booleans(),
        coordinator=st.booleans(),
    )
    def extend_an_open_placement(
        self, data: st.DataObject, days: int, override: bool, coordinator: bool
    ) -> None:
        placed = self.cases_where("id IN (SELECT case_id FROM placement WHERE ended_on IS NULL)")
        if placed:
            case_id = data.draw(st.sampled_from(placed), label="case_id")
            self.extend(case_id, days, 0, override, coordinator)

    @rule(
        case_id=case_ids,
        supervisor=st.integers(0, len(CAPACITIES) - 1),
        back=st.sampled_from([0, 0, 1, 30]),
        override=st.sampled_from([False, False, True]),
        coordinator=st.booleans(),
    )
    def change_supervisor(
        self, case_id: int, supervisor: int, back: int, override: bool, coordinator: bool
    ) -> None:
        """Checked against the placement and the new supervisor's load read just before."""
        if case_id < 0:
            return
        placement = self.open_placement(case_id)
        new = self.supervisors[supervisor]
        on = self.today - timedelta(days=back)
        load, capacity = self.load(new, case_id)
        blocking = {"supervisor-full"} if load >= capacity else set()
        blocking |= {"supervisor-inactive"} if new in self.inactive_supervisors else set()
        bad = placement is not None and (
            new == placement.supervisor_id
            or SUPERVISOR_AT[supervisor] != self.workplaces.index(ident(placement.workplace_id))
            or on < placement.start
        )
        try:
            result = change_supervisor(
                self.kivo,
                case_id,
                new,
                on=on,
                by=self.coordinator if coordinator else None,
                override=OVERRIDE if override else None,
            )
        except InvalidInput:
            assert bad, "a supervisor change that could be right was bad input"
            event("supervisor change: bad input")
            return
        except Refused as refused:
            codes = {v.code for v in refused.violations}
            event(f"supervisor change refused: {sorted(codes)}")
            if placement is None:
                assert codes == {"no-open-placement"}
                return
            assert not bad, "bad input was judged by the rules"
            assert blocking, f"refused ({codes}) with a supervisor who has room"
            assert codes - {"override-not-permitted"} == blocking
            assert ("override-not-permitted" in codes) == (override and not coordinator)
            return
        assert placement is not None
        assert not bad, "bad input was taken"
        assert set(result.overridden) == blocking
        assert not blocking or (override and coordinator)
        assert (result.old_supervisor_id, result.new_supervisor_id) == (
            placement.supervisor_id,
            new,
        )
        now_open = self.open_placement(case_id)
        assert now_open is not None
        assert now_open.supervisor_id == new
        event(f"supervisor changed, overriding {sorted(blocking)}")

    @rule(
        data=st.data(),
        override=st.sampled_from([False, False, True]),
        coordinator=st.booleans(),
    )
    def change_an_open_placements_supervisor(
        self, data: st.DataObject, override: bool, coordinator: bool
    ) -> None:
        """Another supervisor of the placement's own workplace, from today."""
        placed = self.cases_where("id IN (SELECT case_id FROM placement WHERE ended_on IS NULL)")
        if not placed:
            return
        case_id = data.draw(st.sampled_from(placed), label="case_id")
        placement = self.open_placement(case_id)
        assert placement is not None
        workplace = self.workplaces.index(ident(placement.workplace_id))
        others = [
            n
            for n, at in enumerate(SUPERVISOR_AT)
            if at == workplace and self.supervisors[n] != placement.supervisor_id
        ]
        if others:
            supervisor = data.draw(st.sampled_from(others), label="supervisor")
            self.change_supervisor(case_id, supervisor, 0, override, coordinator)

    def cases_where(self, condition: str) -> list[int]:
        with engine_of(self.url).connect() as connection:
            rows = connection.execute(
                text(f"SELECT id FROM kivo_case WHERE {condition} ORDER BY id")
            ).all()
        return [row[0] for row in rows]

    def extension_limits(self, placement: PlacementRow, until: date, on: date) -> set[str]:
        """The blocking refusals an extension to ``until`` decided ``on`` must meet: a
        decision after the planned end, one decision's maximum, and the programme's total
        (with the participant's earlier placements in its scope)."""
        found = set()
        if placement.planned_end is not None and on > placement.planned_end:
            found.add("extension-after-end")
        programme = PROGRAMMES.get(placement.programme or "")
        if programme is None:
            return found
        old_end = placement.planned_end or placement.start
        if (until - old_end).days > programme.max_decision_days:
            found.add("programme-too-long")
        earlier = self.earlier_days(
            placement.case_id,
            programme.code,
            placement.workplace_id,
            placement.start,
            excluding=placement.id,
        )
        if (until - placement.start).days + earlier > programme.max_total_days:
            found.add("programme-total-too-long")
        return found

    def earlier_days(
        self,
        case_id: int,
        programme: str,
        workplace_id: int | None,
        start: date,
        excluding: int | None = None,
    ) -> int:
        """For a programme counted per participant or per employer: the days of the
        participant's earlier placements under it in that scope (an earlier one still
        running at ``start`` counts up to that start). Both workplaces here have one
        employer, so per employer is every workplace here."""
        if programme not in PER_PARTICIPANT | PER_EMPLOYER:
            return 0
        query = text(
            "SELECT p.start, coalesce(p.ended_on, p.planned_end) FROM placement p "
            "JOIN kivo_case c ON c.id = p.case_id "
            "WHERE c.person_id = (SELECT person_id FROM kivo_case WHERE id = :case) "
            "AND p.id <> :id AND p.programme = :programme"
        )
        params = {"case": case_id, "id": excluding or -1, "programme": programme}
        with engine_of(self.url).connect() as connection:
            rows = connection.execute(query, params).all()
        assert programme in PER_PARTICIPANT or workplace_id in self.workplaces
        spans = [(day(begun), day(end)) for begun, end in rows if end is not None]
        return sum(max((min(end, start) - begun).days, 0) for begun, end in spans if begun < start)

    @rule(case_id=case_ids, back=st.integers(0, 30))
    def end_early(self, case_id: int, back: int) -> None:
        if case_id < 0:
            return
        placement = self.open_placement(case_id)
        on = self.today - timedelta(days=back)
        try:
            placements.end(self.kivo, case_id, on=on, reason="the employer closed")
        except Refused:
            assert placement is None
            return
        except InvalidInput:
            assert placement is not None
            assert on < placement.start
            return
        assert placement is not None
        assert on >= placement.start

    @rule(case_id=case_ids, outcome=st.sampled_from([Outcome.EMPLOYED, Outcome.MOVED]))
    def exit(self, case_id: int, outcome: Outcome) -> None:
        if case_id < 0:
            return
        try:
            moves.exit_case(self.kivo, case_id, outcome=outcome)
        except Refused:
            return
        assert self.open_placement(case_id) is None

    @rule(case_id=case_ids, days_ahead=st.integers(0, 30))
    def book_meeting(self, case_id: int, days_ahead: int) -> None:
        """Book a tripartite meeting (an exit later cancels it)."""
        if case_id < 0:
            return
        moment = datetime.combine(self.today + timedelta(days=days_ahead), time(13, 0))
        exited = case_id in self.cases_where("state = 'exited'")
        try:
            schedule_meeting(self.kivo, case_id, moment)
        except Refused:
            assert exited
            return
        assert not exited
        event("meeting booked")

    @rule(supervisor=st.integers(0, len(CAPACITIES) - 1))
    def deactivate_supervisor(self, supervisor: int) -> None:
        supervisor_id = self.supervisors[supervisor]
        done = directory.deactivate_supervisor(self.kivo, supervisor_id)
        assert done.was_active == (supervisor_id not in self.inactive_supervisors)
        self.inactive_supervisors.add(supervisor_id)
        with Session(engine_of(self.url)) as session:
            still_open = session.exec(
                select(PlacementRow.id).where(
                    PlacementRow.supervisor_id == supervisor_id,
                    col(PlacementRow.ended_on).is_(None),
                )
            ).all()
        assert sorted(p.placement_id for p in done.placements) == sorted(
            ident(i) for i in still_open
        )

    @rule(
        source=st.integers(0, WORKERS - 1),
        receiver=st.integers(0, WORKERS - 1),
        named=st.lists(case_ids, max_size=2) | st.none(),
    )
    def transfer(self, source: int, receiver: int, named: list[int] | None) -> None:
        frm, to = self.workers[source], self.workers[receiver]
        chosen = [c for c in named or [] if c >= 0 and c in self.owned(frm)] or None
        try:
            transfer_caseload(self.kivo, frm, to, case_ids=chosen, by=self.coordinator)
        except Refused:
            assert frm == to or to not in self.active
            return
        assert frm != to
        assert to in self.active

    @rule(who=st.integers(0, WORKERS - 1), heir=st.integers(0, WORKERS - 1))
    def deactivate_caseworker(self, who: int, heir: int) -> None:
        worker, successor = self.workers[who], self.workers[heir]
        try:
            deactivate_caseworker(self.kivo, worker, handover_to=successor, by=self.coordinator)
        except Refused:
            assert worker not in self.active or successor == worker or successor not in self.active
            return
        self.active.discard(worker)

    # --- reading back ---

    def load(self, supervisor_id: int, case_id: int) -> tuple[int, int]:
        """The supervisor's open placements on other cases, and their capacity."""
        with Session(engine_of(self.url)) as session:
            supervisor = session.get(SupervisorRow, supervisor_id)
            assert supervisor is not None
            others = session.exec(
                select(PlacementRow).where(
                    PlacementRow.supervisor_id == supervisor_id,
                    col(PlacementRow.ended_on).is_(None),
                    PlacementRow.case_id != case_id,
                )
            ).all()
            return len(others), supervisor.capacity

    def open_placement(self, case_id: int) -> PlacementRow | None:
        with Session(engine_of(self.url)) as session:
            found = session.exec(
                select(PlacementRow).where(
                    PlacementRow.case_id == case_id, col(PlacementRow.ended_on).is_(None)
                )
            ).all()
        assert len(found) <= 1, "a case has more than one open placement"
        return found[0] if found else None

    def owned(self, worker: int) -> set[int]:
        """The worker's cases that still need someone (open, or with a pending follow-up,
        a scheduled meeting or a pending reminder)."""
        with engine_of(self.url).connect() as connection:
            rows = connection.execute(text(LIVE_OWNED), {"w": worker}).all()
        return {row[0] for row in rows}

    def events_by_placement(self, session: Session) -> dict[int, list[CaseEventRow]]:
        found: dict[int, list[CaseEventRow]] = {}
        for row in session.exec(select(CaseEventRow).order_by(col(CaseEventRow.id))).all():
            placement_id = row.data.get("placement_id")
            if isinstance(placement_id, int):
                found.setdefault(placement_id, []).append(row)
        return found

    # --- invariants ---

    @invariant()
    def extensions_add_up_and_never_pass_the_programmes_total_unless_overridden(self) -> None:
        if not self.url:
            return
        with Session(engine_of(self.url)) as session:
            events = self.events_by_placement(session)
            for placement in session.exec(select(PlacementRow)).all():
                assert placement.id is not None
                mine = events.get(placement.id, [])
                opened = [e for e in mine if e.kind == "advanced"]
                extended = [e for e in mine if e.kind == "extended"]
                assert len(opened) == 1, f"placement {placement.id} opened {len(opened)} times"
                end = opened[0].data.get("until")
                for extension in extended:  # a chain from the first planned end
                    assert extension.data["old_end"] == end
                    end = extension.data["new_end"]
                assert end == _iso(placement.planned_end)
                programme = PROGRAMMES.get(placement.programme or "")
                if programme is None or placement.planned_end is None:
                    continue
                days = (placement.planned_end - placement.start).days
                overridden = any("programme-total-too-long" in e.overrides for e in mine)
                assert days <= programme.max_total_days or overridden, (
                    f"placement {placement.id} runs {days} days under {programme.code}"
                )

    @invariant()
    def no_supervisor_is_above_capacity_unless_an_override_was_recorded(self) -> None:
        if not self.url:
            return
        with Session(engine_of(self.url)) as session:
            events = self.events_by_placement(session)
            for supervisor in session.exec(select(SupervisorRow)).all():
                open_ones = session.exec(
                    select(PlacementRow).where(
                        PlacementRow.supervisor_id == supervisor.id,
                        col(PlacementRow.ended_on).is_(None),
                    )
                ).all()
                if len(open_ones) <= supervisor.capacity:
                    continue
                overrides = [  # on opening the placement, or giving it this supervisor
                    "supervisor-full" in e.overrides
                    for p in open_ones
                    for e in events.get(ident(p.id), [])
                    if supervisor.id
                    in (e.data.get("supervisor_id"), e.data.get("new_supervisor_id"))
                ]
                assert any(overrides), (
                    f"supervisor {supervisor.id} has {len(open_ones)} participants, "
                    f"capacity {supervisor.capacity}, and no override was recorded"
                )

    @invariant()
    def nothing_belongs_to_an_inactive_caseworker(self) -> None:
        if not self.url:
            return
        with engine_of(self.url).connect() as connection:
            assert connection.execute(text(ORPHANS)).scalar() == 0

    @invariant()
    def every_stored_state_is_the_replay_of_its_history(self) -> None:
        if not self.url:
            return
        for case, history in cases_with_histories(self.url):
            assert replay(history) == Replayed(case.state, case.paused_from, case.outcome)


def day(value: Any) -> date:
    """A date column as SQLite (text) or PostgreSQL (date) returns it."""
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def ident(value: int | None) -> int:
    assert value is not None
    return value


def _iso(day: date | None) -> Any:
    return day.isoformat() if day else None


def test_placements_extensions_and_handovers_keep_every_invariant(
    sqlite_databases: SqliteDatabases,
) -> None:
    class PlacementsOnSqlite(Placements):
        databases = sqlite_databases

    run_state_machine_as_test(PlacementsOnSqlite, settings=PLACEMENT_SETTINGS)


@pytest.mark.postgres
def test_placements_extensions_and_handovers_keep_every_invariant_on_postgresql(
    postgres_databases: PostgresDatabases,
) -> None:
    class PlacementsOnPostgres(Placements):
        databases = postgres_databases

    run_state_machine_as_test(PlacementsOnPostgres, settings=PLACEMENT_POSTGRES_SETTINGS)
