"""Matching as a specification: for any profile and any place, the database's
pre-filter and score agree with the pure rules.

Each example enrols a case with a random profile and opens a place with random
requirements, areas, municipality and hours, through the use cases, on a freshly
migrated database (SQLite always, PostgreSQL too when ``KIVO_TEST_POSTGRES_URL`` is
set). Then the case is a candidate of ``match place`` exactly when ``--why-not`` (the
requirements checked in Python, the rules judged) finds nothing that excludes it, and
its score in the ranking (ordered in SQL) is the sum of the points its reasons give.
"""

from __future__ import annotations

import itertools
import os
from collections.abc import Iterator
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, event, example, given, settings
from hypothesis import strategies as st

from pathway import directory, enrolment, matching, places, profiles
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from states.places import LEVELS
from states.profiles import ADAPTATIONS, AREAS
from tests.conftest import DEFAULT_NOW
from tests.databases import PostgresDatabases, SqliteDatabases

TODAY = date(2026, 3, 2)
EXAMPLES = 40 if os.environ.get("CI") else 15
LANGUAGES = ("swedish", "english", "arabic")
CERTIFICATES = ("hygiene", "forklift")
LICENCES = ("B", "C", "CE", "D")
REQUIREMENTS = st.lists(
    st.sampled_from(
        [
            *(f"{language}:{level}" for language in LANGUAGES for level in ("A2", "B1", "C1")),
            "driving-licence:B",
            "driving-licence:C",
            "certificate:hygiene",
            "certificate:forklift",
            "physical:light",
            "physical:medium",
            "physical:heavy",
        ]
    ),
    max_size=3,
    unique_by=lambda r: r.rpartition(":")[0] if not r.startswith("certificate") else r,
)
MUNICIPALITIES = st.sampled_from([None, "Visby", " visby ", "Lund"])


@st.composite
def profile_fields(draw: st.DrawFn) -> dict[str, object]:
    languages = draw(st.lists(st.sampled_from(LANGUAGES), unique=True, max_size=3))
    return {
        "interests": draw(st.lists(st.sampled_from(AREAS[:5]), unique=True, max_size=2)),
        "languages": [f"{name}:{draw(st.sampled_from(LEVELS))}" for name in languages],
        "licences": draw(st.lists(st.sampled_from(LICENCES), unique=True, max_size=2)),
        "certificates": draw(st.lists(st.sampled_from(CERTIFICATES), unique=True, max_size=2)),
        "max_hours": draw(st.one_of(st.none(), st.integers(10, 40))),
        "municipality": draw(MUNICIPALITIES),
        "adaptations": draw(
            st.lists(st.sampled_from(sorted(ADAPTATIONS)), unique=True, max_size=2)
        ),
    }


PROFILES: st.SearchStrategy[dict[str, object]] = st.one_of(
    st.just({}), profile_fields()
)  # {}: no profile set at all


@st.composite
def place_fields(draw: st.DrawFn) -> dict[str, object]:
    return {
        "requires": draw(REQUIREMENTS),
        "areas": draw(st.lists(st.sampled_from(AREAS[:5]), unique=True, max_size=2)),
        "municipality": draw(MUNICIPALITIES),
        "hours": draw(st.one_of(st.none(), st.integers(10, 40))),
    }


@pytest.fixture
def sqlite_kivo(sqlite_databases: SqliteDatabases) -> Iterator[Kivo]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo
        finally:
            kivo.close()


@pytest.fixture
def postgres_kivo(postgres_databases: PostgresDatabases) -> Iterator[Kivo]:
    with postgres_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            yield kivo
        finally:
            kivo.close()


class Agreement:
    """One database; each example adds a case and a place to it."""

    def __init__(self, kivo: Kivo) -> None:
        self.kivo = kivo
        self.worker = _id(directory.add_caseworker(kivo, "Hanna Handläggare").id)
        self.workplace = _id(directory.add_workplace(kivo, "Hamnens kök").id)
        self.supervisor = _id(
            directory.add_supervisor(
                kivo,
                "Sven",
                workplace_id=self.workplace,
                trained_on=date(2025, 9, 1),
                capacity=50,
            ).id
        )
        self.serial = itertools.count(1)

    def check(self, profile: dict[str, object], place: dict[str, object], days: int) -> None:
        kivo = self.kivo
        case = enrolment.enrol(
            kivo,
            f"Deltagare {next(self.serial)}",
            caseworker_id=self.worker,
            consent=True,
            on=TODAY - timedelta(days=days),
        ).case_id
        if any(profile.values()):
            given = {k: v for k, v in profile.items() if v not in (None, [])}
            profiles.set_profile(kivo, case, by=self.worker, **given)  # type: ignore[arg-type]
        added = places.add_place(
            kivo,
            self.workplace,
            title="Diskare",
            positions=1,
            steps=[2],
            programmes=["praktik"],
            supervisor_id=self.supervisor,
            on=TODAY,
            **place,  # type: ignore[arg-type]
        ).place_id
        places.agree_place(kivo, added)
        places.open_place(kivo, added)
        ranked = matching.match_place(kivo, added, limit=1000, why_not=case)
        why = ranked.why_not
        assert why is not None
        found = [m for m in ranked.candidates if m.case_id == case]
        assert bool(found) is (not why.excluded), why.reasons
        event("a candidate" if found else f"excluded by {why.constraint}")
        if found:
            assert found[0].score == why.score == sum(r["points"] for r in found[0].reasons)
        scores = [(m.score, m.days_waiting, -m.case_id) for m in ranked.candidates]
        assert scores == sorted(scores, reverse=True)  # the SQL order is the rank order


def _id(value: int | None) -> int:
    assert value is not None
    return value


SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


NO_PROFILE_PHYSICAL = {
    "requires": ["physical:light"],
    "areas": [],
    "municipality": None,
    "hours": None,
}


@SETTINGS
@given(profile=PROFILES, place=place_fields(), days=st.integers(0, 500))
@example(profile={}, place=NO_PROFILE_PHYSICAL, days=0)  # no profile meets no requirement
def test_the_database_pre_filter_and_score_agree_with_the_pure_rules(
    sqlite_kivo: Kivo, profile: dict[str, object], place: dict[str, object], days: int
) -> None:
    agreement = _agreement(sqlite_kivo)
    agreement.check(profile, place, days)


@pytest.mark.postgres
@settings(SETTINGS, max_examples=max(EXAMPLES // 4, 5))
@given(profile=PROFILES, place=place_fields(), days=st.integers(0, 500))
def test_the_database_pre_filter_and_score_agree_with_the_pure_rules_on_postgresql(
    postgres_kivo: Kivo, profile: dict[str, object], place: dict[str, object], days: int
) -> None:
    agreement = _agreement(postgres_kivo)
    agreement.check(profile, place, days)


_AGREEMENTS: dict[int, Agreement] = {}


def _agreement(kivo: Kivo) -> Agreement:
    """The staff of this database, added on its first example."""
    found = _AGREEMENTS.get(id(kivo))
    if found is None or found.kivo is not kivo:
        found = _AGREEMENTS[id(kivo)] = Agreement(kivo)
    return found
