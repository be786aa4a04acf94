"""The ``match`` scenario: ``kivo match place`` over the active cases and ``kivo match
case`` over the open places, beside a raw-SQL twin of the same pre-filter and score.

The generated caseload has neither profiles nor places, so the scenario adds them to its
working copy first (seeded, set-based): a profile for every participant of a case not
exited, and one open place per ten cases (10,000 at 100,000 cases). kivo's side is the
whole use case (pre-filter, score, the judge on the best candidates, the reasons); the
twin runs the pre-filter and score by hand on the driver and fetches the rows the use
case's first batch reads.
"""

from __future__ import annotations

import json
import random
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from benchmarks.caseload import TODAY
from pathway import matching
from states.matching import HOURS_POINTS, INTEREST_POINTS, MUNICIPALITY_POINTS, waiting_since
from states.profiles import AREAS, Profile, area_mask, capabilities, fold
from states.steps import Step

if TYPE_CHECKING:
    from benchmarks.rawsql import RawDatabase
    from benchmarks.scenarios import Bench, Result

LIMIT = 10
BATCH = max(2 * LIMIT, 20)  # the rows the use case's first batch reads
MUNICIPALITIES = ("Gotland", "Malmö", "Lund", "Eslöv", "Ystad")
PLACE_SHAPES: tuple[tuple[list[int], list[str], list[str]], ...] = (
    ([2], ["PRAKTIK"], ["swedish:A2"]),
    ([2, 3], ["PRAKTIK"], ["swedish:B1", "physical:medium"]),
    ([2], ["PRAKTIK"], ["swedish:A2", "driving-licence:B"]),
    ([3], ["PRAKTIK"], []),
    ([7], [], ["swedish:B1"]),
    ([2], ["PRAKTIK"], ["certificate:hygiene"]),
)
CHUNK = 5000


def add_profiles_and_places(raw: RawDatabase, size: int, seed: int = 11) -> tuple[int, int]:
    """Profiles for the participants of cases not exited, and open places: their counts."""
    rng = random.Random(seed)
    if raw.one("SELECT count(*) FROM participant_profile")[0]:
        return (
            int(raw.one("SELECT count(*) FROM participant_profile")[0]),
            int(raw.one("SELECT count(*) FROM place")[0]),
        )
    people = [
        int(row[0])
        for row in raw.rows(
            "SELECT DISTINCT person_id FROM kivo_case WHERE state <> 'exited' ORDER BY person_id"
        )
    ]
    raw.begin()
    profiles: list[Sequence[Any]] = []
    tags: list[Sequence[Any]] = []
    for person in people:
        profile = _profile(rng, person)
        profiles.append(
            (
                person,
                raw.value(profile.interests),
                raw.value(profile.languages),
                raw.value(profile.licences),
                raw.value(profile.certificates),
                profile.max_hours,
                profile.municipality,
                fold(profile.municipality) if profile.municipality else None,
                raw.value(profile.adaptations),
                area_mask(profile.interests),
            )
        )
        tags += [(person, tag) for tag in sorted(capabilities(profile))]
    _many(
        raw,
        "INSERT INTO participant_profile (person_id, interests, languages, licences, "
        "certificates, max_hours, municipality, municipality_key, adaptations, interest_mask) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        profiles,
    )
    _many(raw, "INSERT INTO profile_capability (person_id, capability) VALUES (?, ?)", tags)
    workplaces = [int(r[0]) for r in raw.rows("SELECT id FROM workplace ORDER BY id")]
    supervisors = {
        int(r[1]): int(r[0]) for r in raw.rows("SELECT id, workplace_id FROM supervisor")
    }
    count = max(size // 10, 20)
    first = int(raw.one("SELECT COALESCE(MAX(id), 0) FROM place")[0]) + 1
    places: list[Sequence[Any]] = []
    needs: list[Sequence[Any]] = []
    for place_id in range(first, first + count):
        steps, programmes, requirements = rng.choice(PLACE_SHAPES)
        workplace = rng.choice(workplaces)
        areas = sorted(rng.sample(AREAS, k=rng.choice((1, 1, 2))))
        municipality = rng.choice(MUNICIPALITIES)
        opened = TODAY - timedelta(days=rng.randrange(0, 400))
        places.append(
            (
                place_id,
                workplace,
                f"Plats {place_id}",
                rng.choice((1, 1, 2, 3)),
                0,
                raw.value(steps),
                raw.value(programmes),
                raw.value([]),
                raw.value(sorted(requirements)),
                rng.choice((20, 25, 30, 40, None)),
                municipality,
                supervisors.get(workplace),
                "open",
                raw.value(opened),
                raw.value(opened - timedelta(days=30)),
                1,
                raw.value(areas),
                area_mask(areas),
                max(steps),
                fold(municipality),
            )
        )
        needs += [(place_id, r) for r in sorted(requirements)]
    _many(
        raw,
        "INSERT INTO place (id, workplace_id, title, positions, taken, steps, programmes, "
        "tasks, requirements, hours, municipality, supervisor_id, status, status_on, "
        "created_on, version, areas, area_mask, top_step, municipality_key) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        places,
    )
    _many(raw, "INSERT INTO place_requirement (place_id, requirement) VALUES (?, ?)", needs)
    raw.commit()
    if not raw.sqlite:
        raw.run("SELECT setval('place_id_seq', (SELECT MAX(id) FROM place))")
    raw.run("ANALYZE")
    return len(profiles), count


def _profile(rng: random.Random, person: int) -> Profile:
    level = rng.choice(("A1", "A2", "A2", "B1", "B1", "B2", "C1", "C2"))
    languages = [f"swedish:{level}"]
    if rng.random() < 0.4:
        languages.append(f"english:{rng.choice(('A2', 'B1', 'B2'))}")
    return Profile(
        person_id=person,
        interests=sorted(rng.sample(AREAS, k=rng.choice((0, 1, 2, 2, 3)))),
        languages=sorted(languages),
        licences=["B"] if rng.random() < 0.4 else [],
        certificates=["hygiene"] if rng.random() < 0.2 else [],
        max_hours=rng.choice((None, None, 20, 30, 40)),
        municipality=rng.choice((*MUNICIPALITIES, None)),
        adaptations=["no-heavy-lifting"] if rng.random() < 0.1 else [],
    )


def _many(raw: RawDatabase, sql: str, rows: Sequence[Sequence[Any]]) -> None:
    cursor = raw.conn.cursor()
    text = raw._text(sql)
    for start in range(0, len(rows), CHUNK):
        cursor.executemany(text, rows[start : start + CHUNK])


# -- the twins: the same pre-filter and score, by hand -----------------------------------


def _waiting_case(column: str, today: date, raw: RawDatabase, params: list[Any]) -> str:
    limits = waiting_since(today)
    whens = []
    for points in range(len(limits), 0, -1):
        whens.append(f"WHEN {column} <= ? THEN {points}")
        params.append(raw.value(limits[points - 1]))
    return f"CASE {' '.join(whens)} ELSE 0 END"


def raw_match_place(raw: RawDatabase, place_id: int, today: date = TODAY) -> list[Any]:
    """The cases the pre-filter keeps for the place, best first: the first batch."""
    row = raw.one(
        "SELECT steps, requirements, area_mask, municipality_key, hours FROM place WHERE id = ?",
        (place_id,),
    )
    steps = json.loads(row[0]) if isinstance(row[0], str) else row[0]
    requirements = json.loads(row[1]) if isinstance(row[1], str) else row[1]
    states = ["enrolled", *(s.slug for s in Step if s.number < max(steps))]
    params: list[Any] = []
    since = "COALESCE(c.last_move_on, c.opened_on)"
    score = [_waiting_case(since, today, raw, params)]
    if row[2]:
        score.append(
            f"CASE WHEN (COALESCE(pr.interest_mask, 0) & ?) <> 0 THEN {INTEREST_POINTS} ELSE 0 END"
        )
        params.append(row[2])
    if row[3]:
        score.append(f"CASE WHEN pr.municipality_key = ? THEN {MUNICIPALITY_POINTS} ELSE 0 END")
        params.append(row[3])
    if row[4] is not None:
        score.append(f"CASE WHEN pr.max_hours < ? THEN 0 ELSE {HOURS_POINTS} END")
        params.append(row[4])
    else:
        score.append(str(HOURS_POINTS))
    where = f"c.state IN ({', '.join('?' * len(states))}) AND c.consent_on <= ?"
    params += [*states, raw.value(today)]
    rare = ("certificate:", "driving-licence:")
    for index, requirement in enumerate(
        sorted(requirements, key=lambda r: (not r.startswith(rare), r))
    ):
        if index == 0 and requirement.startswith(rare):
            where += (
                " AND c.person_id IN (SELECT person_id FROM profile_capability "
                "WHERE capability = ?)"
            )
        else:
            where += (
                " AND EXISTS (SELECT 1 FROM profile_capability pc WHERE pc.person_id = c.person_id "
                "AND pc.capability = ?)"
            )
        params.append(requirement)
    return raw.rows(
        f"SELECT c.id, p.name, c.state, {since} AS since, pr.interests, pr.municipality, "
        f"pr.max_hours, pr.person_id, {' + '.join(score)} AS score FROM kivo_case c "
        "JOIN person p ON p.id = c.person_id "
        "LEFT JOIN participant_profile pr ON pr.person_id = c.person_id "
        f"WHERE {where} ORDER BY score DESC, since ASC, c.id ASC LIMIT {BATCH}",
        params,
    )


def raw_match_case(raw: RawDatabase, case_id: int, today: date = TODAY) -> list[Any]:
    """The open places the pre-filter keeps for the case, best first: the first batch."""
    case = raw.one(
        "SELECT c.step, pr.interest_mask, pr.municipality_key, pr.max_hours, c.person_id "
        "FROM kivo_case c LEFT JOIN participant_profile pr ON pr.person_id = c.person_id "
        "WHERE c.id = ?",
        (case_id,),
    )
    tags = [
        r[0]
        for r in raw.rows(
            "SELECT capability FROM profile_capability WHERE person_id = ?", (case[4],)
        )
    ]
    params: list[Any] = []
    score = [_waiting_case("pl.status_on", today, raw, params)]
    if case[1]:
        score.append(f"CASE WHEN (pl.area_mask & ?) <> 0 THEN {INTEREST_POINTS} ELSE 0 END")
        params.append(case[1])
    if case[2]:
        score.append(f"CASE WHEN pl.municipality_key = ? THEN {MUNICIPALITY_POINTS} ELSE 0 END")
        params.append(case[2])
    if case[3] is not None:
        score.append(f"CASE WHEN pl.hours > ? THEN 0 ELSE {HOURS_POINTS} END")
        params.append(case[3])
    else:
        score.append(str(HOURS_POINTS))
    unmet = "SELECT 1 FROM place_requirement r WHERE r.place_id = pl.id"
    if tags:
        unmet += f" AND r.requirement NOT IN ({', '.join('?' * len(tags))})"
    params += [case[0] or 0, *tags]
    return raw.rows(
        "SELECT pl.id, pl.workplace_id, pl.title, pl.steps, pl.programmes, pl.requirements, "
        "pl.areas, pl.hours, pl.municipality, pl.supervisor_id, pl.status_on, "
        f"{' + '.join(score)} AS score FROM place pl WHERE pl.status = 'open' "
        "AND pl.taken < pl.positions AND pl.top_step > ? "
        f"AND NOT EXISTS ({unmet}) "
        f"ORDER BY score DESC, pl.status_on ASC, pl.id ASC LIMIT {BATCH}",
        params,
    )


# -- the scenario --------------------------------------------------------------------------


def scenario(bench: Bench) -> list[Result]:
    from benchmarks.scenarios import Result, _fill, interleaved

    profiles, count = add_profiles_and_places(bench.raw, bench.size)
    active = int(bench.raw.one("SELECT count(*) FROM kivo_case WHERE state <> 'exited'")[0])
    places = bench.ids(
        "SELECT id FROM place WHERE status = 'open' AND top_step = 2 ORDER BY id LIMIT 50"
    ) or bench.ids("SELECT id FROM place WHERE status = 'open' ORDER BY id LIMIT 50")
    cases = bench.ids(
        "SELECT id FROM kivo_case WHERE state IN ('enrolled', 'information') "
        "AND consent_on IS NOT NULL ORDER BY id LIMIT 50"
    ) or bench.ids(
        "SELECT id FROM kivo_case WHERE state NOT IN ('exited', 'paused') ORDER BY id LIMIT 50"
    )
    if not places or not cases:
        skipped = Result("match", "kivo match place and case", "rankings", status="skipped")
        skipped.notes.append("no open place or no active case to match")
        return [skipped]
    found = {"place": 0, "case": 0}

    def kivo_place(repeat: int) -> None:
        ranked = matching.match_place(bench.kivo, places[repeat % len(places)], limit=LIMIT)
        found["place"] = max(found["place"], len(ranked.candidates))

    def raw_place(repeat: int) -> None:
        bench.raw.begin(write=False)
        raw_match_place(bench.raw, places[repeat % len(places)])
        bench.raw.rollback()

    def kivo_case(repeat: int) -> None:
        ranked = matching.match_case(bench.kivo, cases[repeat % len(cases)], limit=LIMIT)
        found["case"] = max(found["case"], len(ranked.places))

    def raw_case(repeat: int) -> None:
        bench.raw.begin(write=False)
        raw_match_case(bench.raw, cases[repeat % len(cases)])
        bench.raw.rollback()

    repeats = bench.repeats
    results = []
    for key, title, unit, kivo_run, raw_run, over in (
        (
            "match-place",
            "kivo match place (top 10, with reasons)",
            "rankings",
            kivo_place,
            raw_place,
            f"{active:,} cases not exited, {profiles:,} profiles",
        ),
        (
            "match-case",
            "kivo match case (top 10, with reasons)",
            "rankings",
            kivo_case,
            raw_case,
            f"{count:,} open places",
        ),
    ):
        result = Result(key, title, unit, count=1, target="≤ 100 ms on SQLite; ratio ≤ 2")
        _fill(result, *interleaved(repeats, kivo_run, raw_run))
        result.met = (result.kivo_s or 99.0) <= 0.1 and (result.ratio or 99.0) <= 2.0
        result.notes.append(over)
        results.append(result)
    results[0].notes.append(f"most candidates found in a run: {found['place']}")
    results[1].notes.append(f"most places found in a run: {found['case']}")
    return results
