"""Places as a specification: a hypothesis state machine adds places, agrees, opens and
cancels them, takes and releases positions, all through ``pathway.places`` on a freshly
migrated database (SQLite always, PostgreSQL too when ``KIVO_TEST_POSTGRES_URL`` is set)
while days pass. Each call is judged against a model of the lifecycle (refused exactly
when the model says so); after every step:

- every place's stored status and positions taken are the model's, and the replay of
  its events;
- no place has more positions taken than it has, and an open place is filled exactly
  when every position is taken;
- the events already written never change (append-only): each history starts with the
  one seen before.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import date, timedelta
from typing import ClassVar

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from pathway import directory, places
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.places import PlaceChange
from states.places import AUTOMATIC, LIFECYCLE, PlaceEvent, PlaceStatus, replay_place
from tests.databases import PostgresDatabases, SqliteDatabases

settings.register_profile(
    "places-ci",
    max_examples=40,
    stateful_step_count=25,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
settings.register_profile("places-dev", settings.get_profile("places-ci"), max_examples=15)
settings.register_profile("places-postgres", settings.get_profile("places-ci"), max_examples=8)
PLACES_SETTINGS = settings.get_profile("places-ci" if os.environ.get("CI") else "places-dev")
PLACES_POSTGRES_SETTINGS = settings.get_profile("places-postgres")
START = date(2026, 1, 5)


@dataclass
class Model:
    positions: int
    status: PlaceStatus = PlaceStatus.CONTACT
    taken: int = 0


def attempt(call: Callable[[], PlaceChange]) -> PlaceChange | Refused:
    """The call's result, or its refusal (for the model to judge)."""
    try:
        return call()
    except Refused as refused:
        return refused


class Places(RuleBasedStateMachine):
    databases: ClassVar[SqliteDatabases | PostgresDatabases]

    def __init__(self) -> None:
        super().__init__()
        self.resources = ExitStack()
        self.kivos: dict[date, Kivo] = {}
        self.today = START
        self.model: dict[int, Model] = {}
        self.seen: dict[int, list[PlaceEvent]] = {}

    @property
    def kivo(self) -> Kivo:
        if self.today not in self.kivos:
            self.kivos[self.today] = bootstrap(self.url, now=f"{self.today.isoformat()}T09:00")
        return self.kivos[self.today]

    @initialize()
    def open_a_fresh_database_with_a_workplace(self) -> None:
        self.url = self.resources.enter_context(self.databases.fresh())
        self.workplace = directory.add_workplace(self.kivo, "Bageriet").id or 0

    def teardown(self) -> None:
        for kivo in self.kivos.values():
            kivo.close()
        self.resources.close()

    @rule(days=st.integers(0, 20))
    def days_pass(self, days: int) -> None:
        self.today += timedelta(days=days)

    @rule(positions=st.integers(1, 3))
    def add_a_place(self, positions: int) -> None:
        done = places.add_place(
            self.kivo, self.workplace, title="Helper", positions=positions, steps=[2]
        )
        self.model[done.place_id] = Model(positions)

    @rule(pick=st.integers(0, 50), wanted=st.sampled_from(list(PlaceStatus)))
    def ask_for_a_status(self, pick: int, wanted: PlaceStatus) -> None:
        if not self.model:
            return
        place_id = sorted(self.model)[pick % len(self.model)]
        model = self.model[place_id]
        allowed = wanted in LIFECYCLE[model.status] and (model.status, wanted) not in AUTOMATIC
        done = attempt(
            lambda: places.change_status(self.kivo, place_id, wanted, reason="no longer needed")
        )
        if isinstance(done, Refused):
            assert not allowed, done.message
            assert [v.code for v in done.violations] == ["place-transition"]
            return
        assert allowed, (model.status, wanted)
        model.status = wanted

    @rule(pick=st.integers(0, 50))
    def take_a_position(self, pick: int) -> None:
        if not self.model:
            return
        place_id = sorted(self.model)[pick % len(self.model)]
        model = self.model[place_id]
        done = attempt(lambda: places.take(self.kivo, place_id))
        if isinstance(done, Refused):
            assert model.status is not PlaceStatus.OPEN, done.message
            return
        assert model.status is PlaceStatus.OPEN
        model.taken += 1
        if model.taken == model.positions:
            model.status = PlaceStatus.FILLED
        assert (done.taken, done.to_status) == (model.taken, model.status.value)

    @rule(pick=st.integers(0, 50))
    def release_a_position(self, pick: int) -> None:
        if not self.model:
            return
        place_id = sorted(self.model)[pick % len(self.model)]
        model = self.model[place_id]
        done = attempt(lambda: places.release(self.kivo, place_id))
        if isinstance(done, Refused):
            assert model.taken == 0, done.message
            return
        assert model.taken > 0
        model.taken -= 1
        if model.status is PlaceStatus.FILLED:
            model.status = PlaceStatus.OPEN

    @invariant()
    def every_place_is_its_model_and_the_replay_of_its_events(self) -> None:
        if not self.model:
            return
        with self.kivo.uow(read_only=True) as uow:
            stored = {p.id: p for p in uow.places.listing()}
            events = uow.places.events_of(list(self.model))
        for place_id, model in self.model.items():
            place = stored[place_id]
            assert (place.status, place.taken) == (model.status.value, model.taken)
            assert replay_place(events[place_id]) == (place.status, place.taken)
            assert 0 <= place.taken <= place.positions
            if place.status in ("open", "filled"):
                assert (place.status == "filled") == (place.taken == place.positions)
            before = self.seen.get(place_id, [])
            assert events[place_id][: len(before)] == before
            self.seen[place_id] = events[place_id]


def test_places_keep_their_lifecycle_and_positions(sqlite_databases: SqliteDatabases) -> None:
    class PlacesOnSqlite(Places):
        databases = sqlite_databases

    run_state_machine_as_test(PlacesOnSqlite, settings=PLACES_SETTINGS)


@pytest.mark.postgres
def test_places_keep_their_lifecycle_and_positions_on_postgresql(
    postgres_databases: PostgresDatabases,
) -> None:
    class PlacesOnPostgres(Places):
        databases = postgres_databases

    run_state_machine_as_test(PlacesOnPostgres, settings=PLACES_POSTGRES_SETTINGS)
