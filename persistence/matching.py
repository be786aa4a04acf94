"""Participant profiles, and the set-based pre-filter and score of matching.

The pre-filter keeps, in one statement, only what can pass the hard constraints SQL can
express (the case's state before the place's last step, its consent where the rules ask
for it, every requirement of the place met by the profile's capabilities; for a case:
open places with a position free), and orders them by the same points
``states.matching`` gives, highest first, ties by the longest wait, then the id. The
use case judges them in that order (``pathway.matching``) until it has enough.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import delete, text
from sqlmodel import Session

from persistence.mapping import driver_reads, json_value
from persistence.profile_tables import ProfileCapabilityRow, ProfileRow
from states.matching import (
    HOURS_POINTS,
    INTEREST_POINTS,
    MUNICIPALITY_POINTS,
    CaseCandidate,
    PlaceCandidate,
    PlaceSettings,
    waiting_since,
)
from states.profiles import Profile, area_mask, capabilities, fold
from states.records import Supervisor


class ProfileRepository:
    """A person's profile, with its capability rows rewritten on every save."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def get(self, person_id: int) -> Profile | None:
        row = self.session.get(ProfileRow, person_id)
        if row is None:
            return None
        return Profile(
            person_id=row.person_id,
            interests=list(row.interests),
            languages=list(row.languages),
            licences=list(row.licences),
            certificates=list(row.certificates),
            max_hours=row.max_hours,
            municipality=row.municipality,
            adaptations=list(row.adaptations),
        )

    def save(self, profile: Profile) -> None:
        row = self.session.get(ProfileRow, profile.person_id)
        if row is None:
            row = ProfileRow(person_id=profile.person_id)
            self.session.add(row)
        row.interests = list(profile.interests)
        row.languages = list(profile.languages)
        row.licences = list(profile.licences)
        row.certificates = list(profile.certificates)
        row.max_hours = profile.max_hours
        row.municipality = profile.municipality
        row.municipality_key = fold(profile.municipality) if profile.municipality else None
        row.adaptations = list(profile.adaptations)
        row.interest_mask = area_mask(profile.interests)
        self.session.flush()
        self.session.execute(
            delete(ProfileCapabilityRow).where(
                ProfileCapabilityRow.person_id == profile.person_id  # type: ignore[arg-type]
            )
        )
        for tag in sorted(capabilities(profile)):
            self.session.add(ProfileCapabilityRow(person_id=profile.person_id, capability=tag))
        self.session.flush()


def _marks(prefix: str, values: Sequence[Any], params: dict[str, Any]) -> str:
    names = []
    for index, value in enumerate(values):
        params[f"{prefix}{index}"] = value
        names.append(f":{prefix}{index}")
    return ", ".join(names)


RARE = ("certificate:", "driving-licence:")
"""Requirements few profiles meet: the statement starts from those who meet one."""


def requirement_terms(requirements: Sequence[str], params: dict[str, Any]) -> list[str]:
    """Every requirement met by the case's person, as conditions: the rarest kind (a
    certificate, a licence) as the set of people holding it, which SQLite then reads
    first; the common ones (languages, physical demands) checked per case by key."""
    terms = []
    ordered = sorted(set(requirements), key=lambda r: (not r.startswith(RARE), r))
    for index, requirement in enumerate(ordered):
        params[f"r{index}"] = requirement
        if index == 0 and requirement.startswith(RARE):
            terms.append(
                "c.person_id IN (SELECT person_id FROM profile_capability "
                f"WHERE capability = :r{index})"
            )
        else:
            terms.append(
                "EXISTS (SELECT 1 FROM profile_capability pc WHERE pc.person_id = c.person_id "
                f"AND pc.capability = :r{index})"
            )
    return terms


def _waiting(column: str, today: date, day: Any, params: dict[str, Any]) -> str:
    """The waiting points of ``column`` (a date) as a CASE over the thresholds."""
    limits = waiting_since(today)
    whens = []
    for points in range(len(limits), 0, -1):
        params[f"w{points}"] = day(limits[points - 1])
        whens.append(f"WHEN {column} <= :w{points} THEN {points}")
    return f"CASE {' '.join(whens)} ELSE 0 END"


class MatchQueries:
    """The pre-filters, as SQL text with bound values (the same on both databases)."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def settings(self, place_ids: Sequence[int]) -> dict[int, PlaceSettings]:
        """What an advance into each place needs, in one statement: whether its
        workplace is active, its supervisor and their open placements."""
        if not place_ids:
            return {}
        params: dict[str, Any] = {}
        sql = (
            "SELECT pl.id, w.active, s.id, s.name, s.workplace_id, s.trained_on, s.capacity, "
            "s.active, (SELECT COUNT(*) FROM placement x WHERE x.supervisor_id = s.id "
            "AND x.ended_on IS NULL) FROM place pl JOIN workplace w ON w.id = pl.workplace_id "
            "LEFT JOIN supervisor s ON s.id = pl.supervisor_id "
            f"WHERE pl.id IN ({_marks('p', list(place_ids), params)})"
        )
        connection = self.session.connection()
        read_day, _ = driver_reads(connection)
        found: dict[int, PlaceSettings] = {}
        for row in connection.execute(text(sql), params).all():
            supervisor = None
            if row[2] is not None:
                supervisor = Supervisor(
                    name=row[3],
                    workplace_id=row[4],
                    trained_on=None if row[5] is None else read_day(row[5]),
                    capacity=row[6],
                    active=bool(row[7]),
                    id=row[2],
                )
            found[row[0]] = PlaceSettings(bool(row[1]), supervisor, int(row[8] or 0))
        return found

    def _day(self) -> Any:
        if self.session.connection().dialect.name == "sqlite":
            return lambda value: value.isoformat()
        return lambda value: value

    def cases_for_place(
        self,
        *,
        states: Sequence[str],
        requirements: Sequence[str],
        areas: Sequence[str],
        municipality: str | None,
        hours: int | None,
        consent_by: date | None,
        today: date,
        limit: int,
        offset: int = 0,
        caseworker_id: int | None = None,
    ) -> list[CaseCandidate]:
        """Cases in one of ``states`` whose profile meets every requirement (with
        ``consent_by``: consent recorded by that day; ``caseworker_id``: only that
        caseworker's), best first."""
        if not states:
            return []
        day = self._day()
        params: dict[str, Any] = {"limit": limit, "offset": offset}
        since = "COALESCE(c.last_move_on, c.opened_on)"
        score = [_waiting(since, today, day, params)]
        mask = area_mask(areas)
        if mask:
            params["mask"] = mask
            score.append(
                f"CASE WHEN (COALESCE(pr.interest_mask, 0) & :mask) <> 0 "
                f"THEN {INTEREST_POINTS} ELSE 0 END"
            )
        if municipality:
            params["key"] = fold(municipality)
            score.append(
                f"CASE WHEN pr.municipality_key = :key THEN {MUNICIPALITY_POINTS} ELSE 0 END"
            )
        if hours is not None:
            params["hours"] = hours
            score.append(f"CASE WHEN pr.max_hours < :hours THEN 0 ELSE {HOURS_POINTS} END")
        else:
            score.append(str(HOURS_POINTS))
        where = [f"c.state IN ({_marks('s', states, params)})"]
        if caseworker_id is not None:  # a caseworker's own caseload only
            params["caseworker"] = caseworker_id
            where.append("c.caseworker_id = :caseworker")
        if consent_by is not None:
            params["consent"] = day(consent_by)
            where.append("c.consent_on <= :consent")
        where += requirement_terms(requirements, params)
        sql = (
            "SELECT c.id, COALESCE(p.protected_initials, p.name), c.state, "
            f"{since} AS since, pr.interests, pr.municipality, "
            f"pr.max_hours, pr.person_id, {' + '.join(score)} AS score "
            "FROM kivo_case c JOIN person p ON p.id = c.person_id "
            "LEFT JOIN participant_profile pr ON pr.person_id = c.person_id "
            f"WHERE {' AND '.join(where)} "
            "ORDER BY score DESC, since ASC, c.id ASC LIMIT :limit OFFSET :offset"
        )
        connection = self.session.connection()
        read_day, _ = driver_reads(connection)
        rows = connection.execute(text(sql), params).all()
        return [
            CaseCandidate(
                case_id=row[0],
                name=row[1],
                state=row[2],
                since=read_day(row[3]),
                interests=list(json_value(row[4])) if row[4] is not None else [],
                municipality=row[5],
                max_hours=row[6],
                has_profile=row[7] is not None,
                score=int(row[8]),
            )
            for row in rows
        ]

    def places_for_case(
        self,
        *,
        after_step: int,
        capabilities: Sequence[str],
        interests: Sequence[str],
        municipality: str | None,
        max_hours: int | None,
        today: date,
        limit: int,
        offset: int = 0,
    ) -> list[PlaceCandidate]:
        """Open places with a position free, a step after ``after_step`` and no
        requirement outside ``capabilities``, best first (ties: open the longest)."""
        day = self._day()
        params: dict[str, Any] = {"after": after_step, "limit": limit, "offset": offset}
        score = [_waiting("pl.status_on", today, day, params)]
        mask = area_mask(interests)
        if mask:
            params["mask"] = mask
            score.append(f"CASE WHEN (pl.area_mask & :mask) <> 0 THEN {INTEREST_POINTS} ELSE 0 END")
        if municipality:
            params["key"] = fold(municipality)
            score.append(
                f"CASE WHEN pl.municipality_key = :key THEN {MUNICIPALITY_POINTS} ELSE 0 END"
            )
        if max_hours is not None:
            params["most"] = max_hours
            score.append(f"CASE WHEN pl.hours > :most THEN 0 ELSE {HOURS_POINTS} END")
        else:
            score.append(str(HOURS_POINTS))
        unmet = "SELECT 1 FROM place_requirement r WHERE r.place_id = pl.id"
        if capabilities:
            unmet += f" AND r.requirement NOT IN ({_marks('c', sorted(capabilities), params)})"
        sql = (
            "SELECT pl.id, pl.workplace_id, pl.title, pl.steps, pl.programmes, pl.requirements, "
            "pl.areas, pl.hours, pl.municipality, pl.supervisor_id, pl.status_on, "
            f"{' + '.join(score)} AS score FROM place pl "
            "WHERE pl.status = 'open' AND pl.taken < pl.positions AND pl.top_step > :after "
            f"AND NOT EXISTS ({unmet}) "
            "ORDER BY score DESC, pl.status_on ASC, pl.id ASC LIMIT :limit OFFSET :offset"
        )
        connection = self.session.connection()
        read_day, _ = driver_reads(connection)
        rows = connection.execute(text(sql), params).all()
        return [
            PlaceCandidate(
                place_id=row[0],
                workplace_id=row[1],
                title=row[2],
                steps=list(json_value(row[3])),
                programmes=list(json_value(row[4])),
                requirements=list(json_value(row[5])),
                areas=list(json_value(row[6])),
                hours=row[7],
                municipality=row[8],
                supervisor_id=row[9],
                status_on=read_day(row[10]),
                score=int(row[11]),
            )
            for row in rows
        ]
