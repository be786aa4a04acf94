"""Places and proposals as a specification: a hypothesis state machine opens and cancels
places, enrols participants, proposes them, declines, accepts and ends proposals, and
pauses, resumes and exits cases while days pass, all through ``pathway`` on SQLite and
PostgreSQL. Each call is judged against a model (refused exactly when the model says
so; an acceptance the model allows may still be refused by the move's rules, and then
changes nothing). After every step:

- filled positions ≤ positions, and each place's positions taken are its accepted
  proposals (a later acceptance of the same case, or ``end``, ended the earlier one and
  gave its position back);
- each acceptance (accepted or since ended) has exactly one placement, at the place's
  workplace in the step it moved into, and exactly one advance event naming it;
- a cancelled place has no open proposal;
- a case is in at most one accepted proposal, and a case in one is still in the place:
  in its step (or paused there) with the placement open (an exit, a fall back or an
  early placement end released the position in the same transaction);
- every proposal's status and every place's status are the model's.

Each example is cheap: a few steps on a database with one workplace, its supervisor and
a caseworker. SQLite copies the migrated template per example; PostgreSQL reuses one
database per test and empties it between examples (``TRUNCATE``, the append-only
triggers off for that statement only).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any, ClassVar

import pytest
from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import Engine, text

from pathway import directory, enrolment, moves, placements, places, proposals
from pathway.bootstrap import bootstrap
from pathway.clock import LOCAL, FixedClock
from pathway.context import Kivo
from pathway.errors import Refused
from persistence.engine import make_engine
from persistence.unit_of_work import SqlUnitOfWork
from states.case import Outcome
from states.places import PlaceStatus
from states.proposals import ProposalStatus, step_into
from states.steps import Step, parse_step
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.integration.support import engine_of

settings.register_profile(
    "proposals-ci",
    max_examples=200,
    stateful_step_count=8,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
settings.register_profile("proposals-dev", settings.get_profile("proposals-ci"), max_examples=30)
settings.register_profile(
    "proposals-postgres", settings.get_profile("proposals-ci"), max_examples=200
)
CI = bool(os.environ.get("CI"))
SQLITE_SETTINGS = settings.get_profile("proposals-ci" if CI else "proposals-dev")
POSTGRES_SETTINGS = settings.get_profile("proposals-postgres" if CI else "proposals-dev")
SEEN: Counter[str] = Counter()  # what the acceptances came to, per test
START = date(2026, 1, 5)
UNTIL_DAYS = 90  # a planned end every workplace step accepts
STEPS = ([2], [2, 7], [7], [3, 7])


@dataclass
class PlaceModel:
    positions: int
    steps: list[int]
    status: PlaceStatus = PlaceStatus.OPEN
    taken: int = 0


@dataclass
class ProposalModel:
    place_id: int
    case_id: int
    status: ProposalStatus = ProposalStatus.OPEN


@dataclass
class CaseModel:
    state: str = "enrolled"
    paused_from: str | None = None
    accepted: list[int] = field(default_factory=list)


class Proposals(RuleBasedStateMachine):
    databases: ClassVar[SqliteDatabases | PostgresDatabases]
    shared: ClassVar[dict[str, Any]]  # PostgreSQL: the one database and kivo of the test

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        self.today = START
        self.places: dict[int, PlaceModel] = {}
        self.proposals: dict[int, ProposalModel] = {}
        self.cases: dict[int, CaseModel] = {}

    # --- set-up -----------------------------------------------------------------------

    @initialize(
        positions=st.tuples(st.integers(1, 2), st.integers(1, 2)),
        steps=st.tuples(st.sampled_from(STEPS), st.sampled_from(STEPS)),
        consents=st.lists(st.sampled_from([True, True, True, False]), min_size=3, max_size=3),
    )
    def a_workplace_with_two_open_places_and_three_proposed_participants(
        self, positions: tuple[int, int], steps: tuple[list[int], list[int]], consents: list[bool]
    ) -> None:
        if isinstance(self.databases, PostgresDatabases):
            self.base = self._emptied_postgres()
        else:
            if "seeded" not in self.shared:
                url = self.shared["resources"].enter_context(self.databases.fresh())
                seeding = _kivo_on(url, self.shared)
                self.shared["staff"] = _staff(seeding)
                seeding.close()
                self.shared["seeded"] = url
            url = self.resources.enter_context(self.databases.copy(self.shared["seeded"]))
            self.base = _kivo_on(url, self.shared)
            self.resources.callback(self.base.close)
        self.workplace, self.supervisor, self.caseworker = self.shared["staff"]
        for count, suits in zip(positions, steps, strict=True):
            self.a_place_opens(count, suits)
        for consent in consents:
            self.a_participant_enrols(consent)
        first, second = sorted(self.places)
        for case_id in sorted(self.cases):
            self.a_participant_is_proposed(first - 1, case_id - 1)
        self.a_participant_is_proposed(second - 1, min(self.cases) - 1)

    def _emptied_postgres(self) -> Kivo:
        """The test's one PostgreSQL database with its staff, emptied of everything else
        (the append-only triggers off for the ``TRUNCATE`` only)."""
        if "kivo" not in self.shared:
            url = self.shared["resources"].enter_context(self.databases.fresh())
            with engine_of(url).begin() as db:  # commits need not wait for the disk
                db.execute(text(f'ALTER DATABASE "{_name(url)}" SET synchronous_commit = off'))
            first: Kivo = _kivo_on(url, self.shared)
            self.shared["kivo"] = first
            self.shared["staff"] = _staff(first)
            with _engine(first).connect() as db:
                names = db.execute(
                    text(
                        "SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND "
                        "tablename NOT IN ('alembic_version', 'workplace', 'supervisor', "
                        "'caseworker') ORDER BY tablename"
                    )
                ).scalars()
                self.shared["tables"] = ", ".join(f'"{name}"' for name in names)
            return first
        kivo: Kivo = self.shared["kivo"]
        with _engine(kivo).begin() as db:
            db.execute(text("SET LOCAL session_replication_role = replica"))
            db.execute(text(f"TRUNCATE {self.shared['tables']} RESTART IDENTITY CASCADE"))
        return kivo

    def teardown(self) -> None:
        self.resources.close()

    @property
    def kivo(self) -> Kivo:
        moment = datetime.combine(self.today, time(9), tzinfo=LOCAL)
        return replace(self.base, clock=FixedClock(moment))

    # --- rules ------------------------------------------------------------------------

    @rule(days=st.integers(0, 15))
    def days_pass(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(positions=st.integers(1, 2), steps=st.sampled_from(STEPS))
    def another_place_opens(self, positions: int, steps: list[int]) -> None:
        self.a_place_opens(positions, steps)

    def a_place_opens(self, positions: int, steps: list[int]) -> None:
        kivo = self.kivo
        place = places.add_place(
            kivo,
            self.workplace,
            title="Helper",
            positions=positions,
            steps=steps,
            supervisor_id=self.supervisor,
        ).place_id
        places.agree_place(kivo, place)
        places.open_place(kivo, place)
        self.places[place] = PlaceModel(positions, steps)

    @rule(pick=st.integers(0, 50))
    def a_place_is_cancelled(self, pick: int) -> None:
        if not self.places:
            return
        place_id = sorted(self.places)[pick % len(self.places)]
        model = self.places[place_id]
        allowed = model.status is PlaceStatus.OPEN
        done = _attempt(lambda: places.cancel_place(self.kivo, place_id, reason="closing"))
        if isinstance(done, Refused):
            assert not allowed, done.message
            return
        assert allowed
        model.status = PlaceStatus.CANCELLED
        for proposal in self.proposals.values():
            if proposal.place_id == place_id and proposal.status is ProposalStatus.OPEN:
                proposal.status = ProposalStatus.CLOSED

    @rule(consent=st.booleans())
    def another_participant_enrols(self, consent: bool) -> None:
        self.a_participant_enrols(consent)

    def a_participant_enrols(self, consent: bool) -> None:
        done = enrolment.enrol(
            self.kivo, "Amira Deltagare", caseworker_id=self.caseworker, consent=consent
        )
        self.cases[done.case_id] = CaseModel()

    @rule(place_pick=st.integers(0, 50), case_pick=st.integers(0, 50))
    def a_participant_is_proposed(self, place_pick: int, case_pick: int) -> None:
        if not self.places or not self.cases:
            return
        place_id = sorted(self.places)[place_pick % len(self.places)]
        case_id = sorted(self.cases)[case_pick % len(self.cases)]
        place, case = self.places[place_id], self.cases[case_id]
        open_already = any(
            p.place_id == place_id and p.case_id == case_id and p.status is ProposalStatus.OPEN
            for p in self.proposals.values()
        )
        there = any(self.proposals[a].place_id == place_id for a in case.accepted)
        allowed = (
            place.status is PlaceStatus.OPEN
            and case.state not in ("exited", "paused")
            and step_into(place.steps, case.state) is not None
            and not open_already
            and not there
        )
        done = _attempt(lambda: proposals.propose(self.kivo, place_id, case_id))
        if isinstance(done, Refused):
            assert not allowed, done.message
            return
        assert allowed, (place, case)
        self.proposals[done.id] = ProposalModel(place_id, case_id)

    @rule(pick=st.integers(0, 50), employer=st.booleans())
    def a_proposal_is_declined(self, pick: int, employer: bool) -> None:
        if not self.proposals:
            return
        proposal_id = sorted(self.proposals)[pick % len(self.proposals)]
        model = self.proposals[proposal_id]
        who = "employer" if employer else "participant"
        done = _attempt(
            lambda: proposals.decline(self.kivo, proposal_id, declined_by=who, reason="no")
        )
        if isinstance(done, Refused):
            assert model.status is not ProposalStatus.OPEN, done.message
            return
        assert model.status is ProposalStatus.OPEN
        model.status = ProposalStatus.DECLINED

    @rule(pick=st.integers(0, 50))
    def a_proposal_is_accepted(self, pick: int) -> None:
        if not self.proposals:
            return
        proposal_id = sorted(self.proposals)[pick % len(self.proposals)]
        model = self.proposals[proposal_id]
        place, case = self.places[model.place_id], self.cases[model.case_id]
        done = _attempt(
            lambda: proposals.accept(
                self.kivo, proposal_id, until=self.today + timedelta(days=UNTIL_DAYS)
            )
        )
        codes = [v.code for v in done.violations] if isinstance(done, Refused) else []
        event(f"accept: {', '.join(codes) or 'accepted'}")
        SEEN[", ".join(codes) or "accepted"] += 1
        if model.status is not ProposalStatus.OPEN:
            assert codes == ["proposal-not-open"], done
            return
        if place.status is not PlaceStatus.OPEN:
            assert codes == [f"place-{'full' if place.status.value == 'filled' else 'not-open'}"]
            return
        if step_into(place.steps, case.state) is None:  # moved past the place meanwhile
            assert codes == ["proposal-step-passed"], done
            return
        if isinstance(done, Refused):  # the move's rules refused it: nothing changed
            assert not any(code.startswith(("place-", "proposal-")) for code in codes), codes
            return
        assert case.state not in ("exited", "paused"), case
        self._left(case)  # the advance ends the earlier acceptance: its position given back
        case.accepted = [proposal_id]
        model.status = ProposalStatus.ACCEPTED
        place.taken += 1
        if place.taken == place.positions:
            place.status = PlaceStatus.FILLED
        step = step_into(place.steps, case.state)
        assert step is not None
        assert done.step == step.number
        case.state = step.slug

    @rule(pick=st.integers(0, 50))
    def an_acceptance_ends(self, pick: int) -> None:
        if not self.proposals:
            return
        proposal_id = sorted(self.proposals)[pick % len(self.proposals)]
        model = self.proposals[proposal_id]
        done = _attempt(lambda: proposals.end_acceptance(self.kivo, proposal_id, reason="left"))
        if isinstance(done, Refused):
            assert model.status is not ProposalStatus.ACCEPTED, done.message
            return
        assert model.status is ProposalStatus.ACCEPTED
        model.status = ProposalStatus.ENDED
        self.cases[model.case_id].accepted = []
        place = self.places[model.place_id]
        place.taken -= 1
        if place.status is PlaceStatus.FILLED:
            place.status = PlaceStatus.OPEN

    @rule(
        pick=st.integers(0, 50),
        kind=st.sampled_from(["pause", "resume", "exit", "fall_back", "end_placement"]),
    )
    def a_case_moves(self, pick: int, kind: str) -> None:
        """A pause keeps the case's place; an exit, a fall back out of the place's step
        or its placement ended early gives the position back in the same transaction."""
        if self.cases:
            self._moves(sorted(self.cases)[pick % len(self.cases)], kind)

    @rule(pick=st.integers(0, 50), kind=st.sampled_from(["exit", "fall_back", "end_placement"]))
    def a_placed_participant_leaves(self, pick: int, kind: str) -> None:
        """As ``a_case_moves``, of a case in a place (so the release is reached often)."""
        placed = sorted(i for i, case in self.cases.items() if case.accepted)
        if placed:
            self._moves(placed[pick % len(placed)], kind)

    def _moves(self, case_id: int, kind: str) -> None:
        case = self.cases[case_id]
        kivo = self.kivo
        moving = {
            "pause": lambda: moves.pause(kivo, case_id, reason="ill"),
            "resume": lambda: moves.resume(kivo, case_id),
            "exit": lambda: moves.exit_case(kivo, case_id, outcome=Outcome.OTHER),
            "fall_back": lambda: moves.fall_back(kivo, case_id, Step.INFORMATION, reason="x"),
            "end_placement": lambda: placements.end(kivo, case_id, on=self.today, reason="left"),
        }
        done = _attempt(moving[kind])
        event(f"{kind}: {'refused' if isinstance(done, Refused) else 'done'}")
        if isinstance(done, Refused):
            return
        if kind == "pause":
            case.paused_from, case.state = case.state, "paused"
            return
        if kind == "resume":
            case.state, case.paused_from = case.paused_from or case.state, None
            return
        if kind == "exit":
            case.state = "exited"
        elif kind == "fall_back":
            case.state = Step.INFORMATION.slug
        self._left(case)  # the placement ended early: the case stays in its step

    def _left(self, case: CaseModel) -> None:
        """The model of the release: the case's acceptance ends, its position is free."""
        for earlier in case.accepted:
            self.proposals[earlier].status = ProposalStatus.ENDED
            place = self.places[self.proposals[earlier].place_id]
            place.taken -= 1
            if place.status is PlaceStatus.FILLED:
                place.status = PlaceStatus.OPEN
            SEEN["released"] += 1
        case.accepted = []

    # --- invariants -------------------------------------------------------------------

    @invariant()
    def places_proposals_placements_and_events_agree(self) -> None:
        with self.kivo.uow(read_only=True) as uow:
            stored = {p.id: p for p in uow.places.listing()}
            found = {p.id: p for p in uow.proposals.listing()}
            session = uow.session  # type: ignore[attr-defined]
            placements = {
                row[0]: row[1:4]
                for row in session.execute(
                    text("SELECT id, case_id, workplace_id, step, ended_on FROM placement")
                ).all()
            }
            still_open = {
                row[0]
                for row in session.execute(
                    text("SELECT id FROM placement WHERE ended_on IS NULL")
                ).all()
            }
            where = {
                row[0]: row[1] if row[1] != "paused" else row[2]
                for row in session.execute(
                    text("SELECT id, state, paused_from FROM kivo_case")
                ).all()
            }
            advances = Counter(
                _data(row[0]).get("placement_id")
                for row in session.execute(
                    text("SELECT data FROM case_event WHERE kind = 'advanced'")
                ).all()
            )
        accepted_at = Counter(
            p.place_id for p in found.values() if p.status == ProposalStatus.ACCEPTED.value
        )
        for place_id, model in self.places.items():
            place = stored[place_id]
            assert (place.status, place.taken) == (model.status.value, model.taken)
            assert 0 <= place.taken <= place.positions
            assert place.taken == accepted_at[place_id]
        assert {i: p.status for i, p in found.items()} == {
            i: p.status.value for i, p in self.proposals.items()
        }
        per_case = Counter(
            p.case_id for p in found.values() if p.status == ProposalStatus.ACCEPTED.value
        )
        assert all(count <= 1 for count in per_case.values()), per_case
        for proposal in found.values():
            if proposal.status == ProposalStatus.OPEN.value:
                assert stored[proposal.place_id].status != PlaceStatus.CANCELLED.value
            if proposal.status in (ProposalStatus.ACCEPTED.value, ProposalStatus.ENDED.value):
                assert proposal.placement_id is not None
                case_id, workplace_id, step = placements[proposal.placement_id]
                assert (case_id, workplace_id, step) == (
                    proposal.case_id,
                    stored[proposal.place_id].workplace_id,
                    proposal.step,
                )
                assert advances[proposal.placement_id] == 1
            if proposal.status == ProposalStatus.ACCEPTED.value:
                # still in the place: in its step (or paused there), the placement open
                assert proposal.step is not None
                assert where[proposal.case_id] == parse_step(str(proposal.step)).slug
                assert proposal.placement_id in still_open


def _kivo_on(url: str, shared: dict[str, Any]) -> Kivo:
    """kivo on ``url`` with the rule set read once per test (parsing it is the dear part
    of ``bootstrap``)."""
    if "rules" not in shared:
        first = bootstrap(url)
        shared["rules"] = first.rules
        first.close()
    engine = make_engine(url, create=False)

    def unit_of_work(*, read_only: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(engine, read_only=read_only)

    return Kivo(
        uow=unit_of_work,
        clock=FixedClock(datetime.combine(START, time(9), tzinfo=LOCAL)),
        rules=shared["rules"],
        database=url,
        close=engine.dispose,
    )


def _staff(kivo: Kivo) -> tuple[int, int, int]:
    """A workplace, its trained supervisor (room for fifty) and a caseworker: ids."""
    workplace = directory.add_workplace(kivo, "Bageriet").id or 0
    supervisor = directory.add_supervisor(
        kivo,
        "Sven Handledare",
        workplace_id=workplace,
        trained_on=START - timedelta(days=30),
        capacity=50,
    )
    caseworker = directory.add_caseworker(kivo, "Hanna Handläggare")
    return workplace, supervisor.id or 0, caseworker.id or 0


def _name(url: str) -> str:
    from sqlalchemy.engine import make_url

    return str(make_url(url).database)


def _engine(kivo: Kivo) -> Engine:
    with kivo.uow() as uow:  # the engine, not the unit of work's own connection
        return uow.engine  # type: ignore[attr-defined, no-any-return]


def _data(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else json.loads(value)


def _attempt(call: Any) -> Any:
    try:
        return call()
    except Refused as refused:
        return refused


def test_proposals_never_fill_more_than_the_positions(sqlite_databases: SqliteDatabases) -> None:
    with ExitStack() as resources:

        class OnSqlite(Proposals):
            databases = sqlite_databases
            shared: ClassVar[dict[str, Any]] = {"resources": resources}

        SEEN.clear()
        run_state_machine_as_test(OnSqlite, settings=SQLITE_SETTINGS)
    assert SEEN["accepted"] > 0, SEEN  # the machine reached acceptances, not only refusals
    assert SEEN["released"] > 0, SEEN  # and participants leaving their places


@pytest.mark.postgres
def test_proposals_never_fill_more_than_the_positions_on_postgresql(
    postgres_databases: PostgresDatabases,
) -> None:
    with ExitStack() as resources:

        class OnPostgres(Proposals):
            databases = postgres_databases
            shared: ClassVar[dict[str, Any]] = {"resources": resources}

        SEEN.clear()
        try:
            run_state_machine_as_test(OnPostgres, settings=POSTGRES_SETTINGS)
        finally:
            if "kivo" in OnPostgres.shared:
                OnPostgres.shared["kivo"].close()
    assert SEEN["accepted"] > 0, SEEN
