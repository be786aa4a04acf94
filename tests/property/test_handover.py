"""Caseload handover as a specification: nothing falls between two chairs.

A hypothesis state machine enrols participants, moves their cases, books tripartite
meetings (also on cases it then exits: the exit cancels them, so no meeting of an exited
case is left for anyone to hold), transfers caseloads (whole or named cases) and
deactivates caseworkers through ``pathway`` on a freshly migrated database (SQLite
always, PostgreSQL too when ``KIVO_TEST_POSTGRES_URL`` is set) while days pass. After
every step: no open case, pending follow-up, scheduled meeting or pending reminder
belongs to an inactive caseworker; every case's history replays to its stored state; and
the ownership fold of the history ends with the case's current caseworker.
"""

from __future__ import annotations

import os
from contextlib import ExitStack, suppress
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from typing import ClassVar

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

from pathway import directory, enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.clock import clock_from
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.handover import deactivate_caseworker, transfer_caseload
from pathway.meetings import schedule_meeting
from states.case import Outcome
from states.errors import InvalidInput
from states.ownership import owners
from states.replay import Replayed, replay
from states.steps import Step
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import cases_with_histories, engine_of

settings.register_profile(
    "handover-ci",
    max_examples=100,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("handover-dev", settings.get_profile("handover-ci"), max_examples=50)
# PostgreSQL: a database per example costs more (CREATE DATABASE … TEMPLATE), so fewer.
settings.register_profile("handover-postgres", settings.get_profile("handover-ci"), max_examples=10)
HANDOVER_SETTINGS = settings.get_profile("handover-ci" if os.environ.get("CI") else "handover-dev")
HANDOVER_POSTGRES_SETTINGS = settings.get_profile("handover-postgres")
WORKERS = 4
ORPHANS = """
SELECT
  (SELECT count(*) FROM kivo_case c JOIN caseworker w ON w.id = c.caseworker_id
    WHERE NOT w.active AND c.state != 'exited')
+ (SELECT count(*) FROM followup f JOIN kivo_case c ON c.id = f.case_id
    JOIN caseworker w ON w.id = c.caseworker_id WHERE NOT w.active AND f.status = 'pending')
+ (SELECT count(*) FROM meeting m JOIN kivo_case c ON c.id = m.case_id
    JOIN caseworker w ON w.id = c.caseworker_id WHERE NOT w.active AND m.status = 'scheduled')
+ (SELECT count(*) FROM reminder r JOIN kivo_case c ON c.id = r.case_id
    JOIN caseworker w ON w.id = c.caseworker_id WHERE NOT w.active AND r.status = 'pending')
"""

LIVE_OWNED = """
SELECT id FROM kivo_case c WHERE caseworker_id = :w AND (state != 'exited'
  OR EXISTS (SELECT 1 FROM followup f WHERE f.case_id = c.id AND f.status = 'pending')
  OR EXISTS (SELECT 1 FROM meeting m WHERE m.case_id = c.id AND m.status = 'scheduled')
  OR EXISTS (SELECT 1 FROM reminder r WHERE r.case_id = c.id AND r.status = 'pending'))
"""


class Handover(RuleBasedStateMachine):
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
        self.supervisor = 0
        self.coordinator = 0  # who hands over and deactivates: only a coordinator may

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
    def open_a_fresh_database_with_caseworkers_and_a_workplace(self) -> None:
        self.url = self.resources.enter_context(self.databases.fresh())
        kivo = self.kivo
        for n in range(WORKERS):
            worker = directory.add_caseworker(kivo, f"Handläggare {n}")
            assert worker.id is not None
            self.workers.append(worker.id)
        self.active = set(self.workers)
        coordinator = directory.add_caseworker(kivo, "Samordnare", role="coordinator").id
        assert coordinator is not None
        self.coordinator = coordinator
        workplace = directory.add_workplace(kivo, "Bageriet").id
        assert workplace is not None
        trained = self.today - timedelta(days=300)
        supervisor = directory.add_supervisor(
            kivo, "Sven", workplace_id=workplace, trained_on=trained
        )
        assert supervisor.id is not None
        self.supervisor = supervisor.id

    def teardown(self) -> None:
        for kivo in self.kivos.values():
            kivo.close()
        self.resources.close()

    @rule(days=st.integers(1, 60))
    def time_passes(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(target=case_ids, worker=st.integers(0, WORKERS - 1))
    def enrol(self, worker: int) -> int:
        who = self.workers[worker]
        try:
            result = enrolment.enrol(self.kivo, "Deltagare", caseworker_id=who, consent=True)
        except InvalidInput:
            assert who not in self.active
            return -1
        assert who in self.active
        return result.case_id

    @rule(
        case_id=case_ids,
        to=st.sampled_from([Step.SHORT_PRACTICE, Step.VOCATIONAL_TRAINING, Step.PERMANENT]),
    )
    def advance(self, case_id: int, to: Step) -> None:
        if case_id < 0:
            return
        until = self.today + timedelta(days=90)
        with suppress(Refused):
            supervisor = self.supervisor if to.at_workplace else None  # none at school
            moves.advance(self.kivo, case_id, to, supervisor_id=supervisor, until=until)

    @rule(case_id=case_ids, outcome=st.sampled_from([Outcome.EMPLOYED, Outcome.MOVED]))
    def exit(self, case_id: int, outcome: Outcome) -> None:
        if case_id < 0:
            return
        with suppress(Refused):
            moves.exit_case(self.kivo, case_id, outcome=outcome)

    @rule(case_id=case_ids, days_ahead=st.integers(0, 30))
    def book_meeting(self, case_id: int, days_ahead: int) -> None:
        """Book a tripartite meeting the way ``kivo meeting schedule`` does."""
        if case_id < 0:
            return
        exited = case_id in self.cases_where("state = 'exited'")
        try:
            schedule_meeting(self.kivo, case_id, self.moment(days_ahead))
        except Refused:
            assert exited
            return
        assert not exited
        event("meeting booked")

    @rule(
        data=st.data(),
        days_ahead=st.integers(0, 30),
        outcome=st.sampled_from([Outcome.EMPLOYED, Outcome.MOVED]),
    )
    def book_a_meeting_then_exit_the_case(
        self, data: st.DataObject, days_ahead: int, outcome: Outcome
    ) -> None:
        """An exit cancels the case's booked meetings: nobody is left to meet."""
        open_cases = self.cases_where("state != 'exited'")
        if not open_cases:
            return
        case_id = data.draw(st.sampled_from(open_cases), label="case_id")
        meeting = schedule_meeting(self.kivo, case_id, self.moment(days_ahead))
        try:
            moves.exit_case(self.kivo, case_id, outcome=outcome)
        except Refused:
            event("meeting booked, exit refused")
            return
        assert self.meeting_status(meeting.id) == "cancelled"
        event("meeting booked on a case then exited")

    @rule(
        source=st.integers(0, WORKERS - 1),
        receiver=st.integers(0, WORKERS - 1),
        named=st.lists(case_ids, max_size=2) | st.none(),
        dry_run=st.booleans(),
    )
    def transfer(self, source: int, receiver: int, named: list[int] | None, dry_run: bool) -> None:
        frm, to = self.workers[source], self.workers[receiver]
        chosen = [c for c in named or [] if c >= 0] or None
        if chosen is not None:
            owned = self.owned_live(frm)
            chosen = [c for c in chosen if c in owned] or None
        before = self.live_owned_counts()
        try:
            result = transfer_caseload(
                self.kivo, frm, to, case_ids=chosen, dry_run=dry_run, by=self.coordinator
            )
        except Refused:
            assert frm == to or to not in self.active
            assert self.live_owned_counts() == before
            return
        assert frm != to
        assert to in self.active
        moved = len(set(chosen)) if chosen is not None else before.get(frm, 0)
        assert result.cases == moved
        after = self.live_owned_counts()
        if dry_run:
            assert after == before
        else:
            assert after.get(frm, 0) == before.get(frm, 0) - moved
            assert after.get(to, 0) == before.get(to, 0) + moved

    @rule(who=st.integers(0, WORKERS - 1), heir=st.integers(0, WORKERS - 1) | st.none())
    def deactivate(self, who: int, heir: int | None) -> None:
        worker = self.workers[who]
        successor = None if heir is None else self.workers[heir]
        owned = self.live_owned_counts().get(worker, 0)
        try:
            deactivate_caseworker(self.kivo, worker, handover_to=successor, by=self.coordinator)
        except Refused:
            assert (
                worker not in self.active
                or (successor is None and owned > 0)
                or successor == worker
                or (successor is not None and successor not in self.active)
            )
            return
        assert worker in self.active
        self.active.discard(worker)

    # --- reading back ---

    def moment(self, days_ahead: int) -> datetime:
        return datetime.combine(self.today + timedelta(days=days_ahead), time(13, 0))

    def cases_where(self, condition: str) -> list[int]:
        with engine_of(self.url).connect() as connection:
            rows = connection.execute(
                text(f"SELECT id FROM kivo_case WHERE {condition} ORDER BY id")
            ).all()
        return [row[0] for row in rows]

    def meeting_status(self, meeting_id: int) -> str:
        with engine_of(self.url).connect() as connection:
            found = connection.execute(
                text("SELECT status FROM meeting WHERE id = :m"), {"m": meeting_id}
            ).scalar_one()
        return str(found)

    def owned_live(self, worker: int) -> set[int]:
        """The worker's cases that still need someone: open, or with a pending follow-up,
        a scheduled meeting or a pending reminder (the test's own reading of DESIGN.md)."""
        with engine_of(self.url).connect() as connection:
            rows = connection.execute(text(LIVE_OWNED), {"w": worker}).all()
        return {row[0] for row in rows}

    def live_owned_counts(self) -> dict[int, int]:
        return {w: len(self.owned_live(w)) for w in self.workers if self.owned_live(w)}

    @invariant()
    def nothing_belongs_to_an_inactive_caseworker(self) -> None:
        if not self.url:
            return
        with engine_of(self.url).connect() as connection:
            assert connection.execute(text(ORPHANS)).scalar() == 0

    @invariant()
    def every_history_replays_and_ends_with_the_current_owner(self) -> None:
        if not self.url:
            return
        for case, events in cases_with_histories(self.url):
            assert replay(events) == Replayed(case.state, case.paused_from, case.outcome)
            assert owners(events, case.caseworker_id)[-1].caseworker_id == case.caseworker_id
            assert [e.seq for e in events] == list(range(1, len(events) + 1))


def test_after_any_handover_nothing_belongs_to_an_inactive_caseworker(
    sqlite_databases: SqliteDatabases,
) -> None:
    class HandoverOnSqlite(Handover):
        databases = sqlite_databases

    run_state_machine_as_test(HandoverOnSqlite, settings=HANDOVER_SETTINGS)


@pytest.mark.postgres
def test_after_any_handover_nothing_belongs_to_an_inactive_caseworker_on_postgresql(
    postgres_databases: PostgresDatabases,
) -> None:
    class HandoverOnPostgres(Handover):
        databases = postgres_databases

    run_state_machine_as_test(HandoverOnPostgres, settings=HANDOVER_POSTGRES_SETTINGS)
