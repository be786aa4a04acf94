"""Matching participants and places, every candidate with its reasons.

``match_place`` ranks the cases that could take a place, ``match_case`` the open places
a case could take. Hard constraints filter: the advance into the place's step is judged
by ``states.judge`` on facts read as ``kivo advance`` reads them
(``pathway.facts.read_facts``), so consent, programme caps, supervisor training and
capacity count; the place's requirements are met by the profile. Soft constraints
score (``states.matching``). The database pre-filters and orders the candidates
(``persistence.matching``); the judge then walks them in that order, a batch at a time,
until it has ``limit`` that pass. ``candidates_for_place`` is the hard filter alone,
for whoever needs to know whether a place has any candidate (hard-to-match places).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pathway import actors
from pathway.actors import actor_of, hidden
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.facts import read_facts
from pathway.moves import with_default_end
from pathway.places import is_status
from pathway.ports import UnitOfWork
from states.access import is_coordinator, may_see
from states.case import ENROLLED, EXITED, PAUSED, Move, MoveKind, SupervisorFacts
from states.errors import InvalidInput
from states.judge import judge
from states.matching import (
    SETTLED_LATER,
    CaseCandidate,
    PlaceCandidate,
    PlaceSettings,
    Reason,
    rank_key,
    requirement_reasons,
    score,
    soft_reasons,
)
from states.messages import N_, Hint, Message
from states.places import Place, PlaceStatus
from states.profiles import Profile, capabilities
from states.records import Case, Caseworker, Person, Supervisor
from states.steps import Step
from states.violations import Severity, Violation, structural

MAX_LIMIT = 1000
CONSENT = "consent-missing"
MATCHABLE = (PlaceStatus.CONTACT.value, PlaceStatus.AGREED.value, PlaceStatus.OPEN.value)


@dataclass(frozen=True)
class CaseMatch:
    """A case that could take the place: its score and every reason."""

    case_id: int
    participant: str
    state: str
    days_waiting: int
    score: int
    step: int  # the step it would advance into
    programme: str | None
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class WhyNot:
    """What became of one case against the place: ``constraint`` names the first hard
    constraint that excludes it (``None``: it passes them all)."""

    case_id: int
    excluded: bool
    constraint: str | None
    because: str | None  # the sentence of that constraint
    reasons: list[dict[str, Any]]
    score: int


@dataclass(frozen=True)
class PlaceRanking:
    place_id: int
    title: str
    status: str
    candidates: list[CaseMatch]
    judged: int  # cases the pre-filter kept that were judged
    why_not: WhyNot | None = None


@dataclass(frozen=True)
class PlaceMatch:
    place_id: int
    title: str
    workplace_id: int
    days_open: int
    score: int
    step: int
    programme: str | None
    reasons: list[dict[str, Any]]


@dataclass(frozen=True)
class CaseRanking:
    case_id: int
    participant: str
    state: str
    places: list[PlaceMatch]
    judged: int


@dataclass
class _Judged:
    passed: bool
    step: int
    programme: str | None
    reasons: list[Reason] = field(default_factory=list)
    blocking: int = 0


# --- match place ----------------------------------------------------------------------


def match_place(
    kivo: Kivo,
    place_id: int,
    *,
    limit: int = 10,
    why_not: int | None = None,
    by: int | None = None,
) -> PlaceRanking:
    """The cases that could take the place, best first; ``why_not``: also what became
    of that case (which constraint excluded it). ``by``: a caseworker ranks their own
    caseload (another's case asked about answers as unknown); a coordinator, every case."""
    _check_limit(limit)
    with kivo.uow(read_only=True) as uow:
        actor = actor_of(uow, by)
        own = None if actor is None or is_coordinator(actor) else actor.id
        if why_not is not None:
            _require_visible(uow, actor, why_not)
        place = uow.places.get(place_id)
        if place.status not in MATCHABLE:
            raise Refused.saying(
                Message(
                    N_("place {place} is {status}: no one can take it"),
                    {"place": place_id, "status": Message(place.status)},
                ),
                [structural("place-not-matchable", is_status(place.status), status=place.status)],
            )
        found, judged = _candidates(kivo, uow, place, limit, own)
        explained = _why_not(kivo, uow, place, why_not) if why_not is not None else None
    return PlaceRanking(_id(place.id), place.title, place.status, found, judged, explained)


def candidates_for_place(
    kivo: Kivo, uow: UnitOfWork, place: Place, *, limit: int = 1
) -> list[CaseMatch]:
    """The cases that pass every hard constraint of the place, best first, at most
    ``limit`` (in the caller's unit of work): none means the place is hard to match."""
    return _candidates(kivo, uow, place, limit)[0]


def _candidates(
    kivo: Kivo, uow: UnitOfWork, place: Place, limit: int, caseworker_id: int | None = None
) -> tuple[list[CaseMatch], int]:
    today = kivo.today()
    context = _PlaceContext.read(kivo, uow, place)
    batch = max(2 * limit, 20)
    found: list[CaseMatch] = []
    judged = offset = 0
    while len(found) < limit:
        rows = uow.matching.cases_for_place(
            states=_states_before(max(place.steps)),
            requirements=place.requirements,
            areas=place.areas,
            municipality=place.municipality,
            hours=place.hours,
            consent_by=today if _consent_blocks(kivo, place.steps) else None,
            today=today,
            limit=batch,
            offset=offset,
            caseworker_id=caseworker_id,
        )
        if not rows:
            break
        offset += len(rows)
        judged += len(rows)
        verdicts = context.judge_cases(uow, [row.case_id for row in rows])
        passing = []
        for row in rows:
            verdict = verdicts[row.case_id]
            if verdict.passed:
                passing.append(_case_match(place, row, verdict, today))
        found += sorted(passing, key=lambda m: rank_key(m.score, m.days_waiting, m.case_id))
        if len(rows) < batch:
            break
    return found[:limit], judged


def _case_match(place: Place, row: CaseCandidate, verdict: _Judged, today: date) -> CaseMatch:
    days = (today - row.since).days
    soft = soft_reasons(
        place_areas=place.areas,
        interests=row.interests,
        place_municipality=place.municipality,
        municipality=row.municipality,
        place_hours=place.hours,
        max_hours=row.max_hours,
        waiting_days=days,
    )
    hard = requirement_reasons(place.requirements, frozenset(place.requirements))
    reasons = [*verdict.reasons, *hard, *soft]
    return CaseMatch(
        case_id=row.case_id,
        participant=row.name,
        state=row.state,
        days_waiting=days,
        score=score(soft),
        step=verdict.step,
        programme=verdict.programme,
        reasons=[r.to_dict() for r in reasons],
    )


def _why_not(kivo: Kivo, uow: UnitOfWork, place: Place, case_id: int) -> WhyNot:
    """One case against the place, every step of it judged: the constraint named is the
    first rule that refuses the advance, else the first requirement the profile misses."""
    today = kivo.today()
    case = uow.cases.get(case_id)
    profile = uow.profiles.get(case.person_id)
    have = capabilities(profile)
    hard = requirement_reasons(place.requirements, have)
    context = _PlaceContext.read(kivo, uow, place)
    verdict = context.judge_cases(uow, [case_id], every_step=True)[case_id]
    since = case.last_move_on or case.opened_on
    soft = soft_reasons(
        place_areas=place.areas,
        interests=profile.interests if profile else [],
        place_municipality=place.municipality,
        municipality=profile.municipality if profile else None,
        place_hours=place.hours,
        max_hours=profile.max_hours if profile else None,
        waiting_days=(today - since).days,
    )
    reasons = [*verdict.reasons, *hard, *soft]
    failed = next((r for r in [*verdict.reasons, *hard] if r.hard and not r.passed), None)
    return WhyNot(
        case_id=case_id,
        excluded=failed is not None,
        constraint=failed.code if failed else None,
        because=failed.text if failed else None,
        reasons=[r.to_dict() for r in reasons],
        score=score(soft),
    )


# --- match case -----------------------------------------------------------------------


def match_case(kivo: Kivo, case_id: int, *, limit: int = 10, by: int | None = None) -> CaseRanking:
    """The open places the case could take, best first (ties: open the longest);
    ``by``: a caseworker asks of their own cases only (another's answers as unknown);
    the read is logged (loggkontroll)."""
    _check_limit(limit)
    today = kivo.today()
    with kivo.uow(read_only=by is None) as uow:
        if by is None:
            _require_visible(uow, None, case_id)
        else:
            actors.cases_for(kivo, uow, actor_of(uow, by), [case_id], "read")
        loaded = uow.pipeline.load([case_id])
        if case_id not in loaded:
            uow.cases.get(case_id)  # raises NotFound
        case, person, _, has_placements = loaded[case_id]
        if case.state in (PAUSED, EXITED):
            raise _not_matchable(case_id, case.state)
        profile = uow.profiles.get(person.id or case.person_id)
        have = capabilities(profile)
        current = case.step.number if case.step is not None else 0
        batch = max(2 * limit, 20)
        found: list[PlaceMatch] = []
        judged = offset = 0
        while len(found) < limit:
            rows = uow.matching.places_for_case(
                after_step=current,
                capabilities=sorted(have),
                interests=profile.interests if profile else [],
                municipality=profile.municipality if profile else None,
                max_hours=profile.max_hours if profile else None,
                today=today,
                limit=batch,
                offset=offset,
            )
            if not rows:
                break
            offset += len(rows)
            judged += len(rows)
            passing: list[PlaceMatch] = []
            settings = uow.matching.settings([row.place_id for row in rows])
            for row in rows:
                if len(found) + len(passing) >= limit:
                    break  # the rows come best first: the rest cannot rank higher
                place = _place_of(row)
                context = _PlaceContext.read(kivo, uow, place, settings[row.place_id])
                verdict = context.judge_loaded(uow, {case_id: (case, person, has_placements)})[
                    case_id
                ]
                if verdict.passed:
                    passing.append(_place_match(place, row, verdict, profile, have, today))
            found += sorted(passing, key=lambda m: rank_key(m.score, m.days_open, m.place_id))
            if len(rows) < batch:
                break
        if by is not None:
            uow.commit()  # the access-log row
    return CaseRanking(case_id, person.name, case.state, found[:limit], judged)


def _require_visible(uow: UnitOfWork, actor: Caseworker | None, case_id: int) -> None:
    """The case is the actor's to see; else it answers as one that does not exist."""
    owners = uow.access.owners([case_id])
    if case_id not in owners or not may_see(actor, owners[case_id]):
        raise hidden(case_id)


def _place_of(row: PlaceCandidate) -> Place:
    return Place(
        workplace_id=row.workplace_id,
        title=row.title,
        positions=1,
        steps=row.steps,
        status=PlaceStatus.OPEN.value,
        status_on=row.status_on,
        created_on=row.status_on,
        programmes=row.programmes,
        requirements=row.requirements,
        hours=row.hours,
        municipality=row.municipality,
        supervisor_id=row.supervisor_id,
        areas=row.areas,
        id=row.place_id,
    )


def _place_match(
    place: Place,
    row: PlaceCandidate,
    verdict: _Judged,
    profile: Profile | None,
    have: frozenset[str],
    today: date,
) -> PlaceMatch:
    days = (today - row.status_on).days
    soft = soft_reasons(
        place_areas=place.areas,
        interests=profile.interests if profile else [],
        place_municipality=place.municipality,
        municipality=profile.municipality if profile else None,
        place_hours=place.hours,
        max_hours=profile.max_hours if profile else None,
        waiting_days=days,
        waiting_what="open",
    )
    hard = requirement_reasons(place.requirements, have)
    return PlaceMatch(
        place_id=row.place_id,
        title=row.title,
        workplace_id=row.workplace_id,
        days_open=days,
        score=score(soft),
        step=verdict.step,
        programme=verdict.programme,
        reasons=[r.to_dict() for r in [*verdict.reasons, *hard, *soft]],
    )


# --- judging --------------------------------------------------------------------------


@dataclass
class _PlaceContext:
    """What an advance into the place needs, read once: its supervisor (with the load
    counted without any case) and whether its workplace is active."""

    kivo: Kivo
    place: Place
    supervisor: Supervisor | None
    base_load: int
    workplace_active: bool

    @classmethod
    def read(
        cls, kivo: Kivo, uow: UnitOfWork, place: Place, known: PlaceSettings | None = None
    ) -> _PlaceContext:
        settings = known or uow.matching.settings([_id(place.id)])[_id(place.id)]
        return cls(kivo, place, settings.supervisor, settings.load, settings.workplace_active)

    def judge_cases(
        self, uow: UnitOfWork, case_ids: Sequence[int], *, every_step: bool = False
    ) -> dict[int, _Judged]:
        loaded = uow.pipeline.load(case_ids)
        return self.judge_loaded(
            uow, {i: (c, p, placed) for i, (c, p, _, placed) in loaded.items()}, every_step
        )

    def judge_loaded(
        self,
        uow: UnitOfWork,
        loaded: dict[int, tuple[Case, Person, bool]],
        every_step: bool = False,
    ) -> dict[int, _Judged]:
        """Each case against the advance into each of the place's steps after its own
        (``every_step``: each step, so a case past them all hears why), under each of
        the place's programmes: it passes when one such advance passes the rules."""
        kivo, place, today = self.kivo, self.place, self.kivo.today()
        best: dict[int, _Judged] = {}
        remaining = dict(loaded)
        for number in sorted(place.steps):
            programmes: list[str | None] = [*place.programmes] or [None]
            for programme in programmes:
                trying = {i: v for i, v in remaining.items() if every_step or _before(v[0], number)}
                if not trying:
                    continue
                moves = {i: self._move(uow, i, v[2], number, programme) for i, v in trying.items()}
                known = read_facts(
                    uow, kivo.rules, {i: (v[0], v[1]) for i, v in trying.items()}, moves
                )
                for case_id, move in moves.items():
                    verdict = judge(known[case_id].facts, move, kivo.rules, today)
                    outcome = _outcome(verdict.target, verdict.violations, number, programme)
                    held = best.get(case_id)
                    if held is None or (outcome.passed or outcome.blocking < held.blocking):
                        best[case_id] = outcome
                    if outcome.passed:
                        remaining.pop(case_id, None)
        for case_id, (case, _, _) in loaded.items():
            if case_id not in best:  # no step of the place after the case's own
                best[case_id] = _past(case, place)
        return best

    def _move(
        self, uow: UnitOfWork, case_id: int, placed: bool, number: int, programme: str | None
    ) -> Move:
        supervisor = self.supervisor
        facts = None
        if supervisor is not None and supervisor.id is not None:
            load = (
                uow.pipeline.supervisor_load(supervisor.id, case_id) if placed else self.base_load
            )
            facts = SupervisorFacts(
                id=supervisor.id,
                workplace_id=supervisor.workplace_id,
                trained_on=supervisor.trained_on,
                capacity=supervisor.capacity,
                load=load,
                active=supervisor.active,
            )
        move = Move(
            MoveKind.ADVANCE,
            on=self.kivo.today(),
            to=Step(number),
            workplace_id=self.place.workplace_id,
            supervisor=facts,
            programme=programme,
            workplace_active=self.workplace_active,
        )
        return with_default_end(self.kivo.catalogue, move)


def _before(case: Case, number: int) -> bool:
    if case.state in (PAUSED, EXITED):
        return True  # the judge says why not
    step = case.step
    return step is None or step.number < number


def _outcome(
    target: str | None, violations: Sequence[Violation], number: int, programme: str | None
) -> _Judged:
    under = f" under {programme}" if programme else ""
    blocking = [v for v in violations if v.severity is Severity.BLOCKING]
    excluding = [v for v in blocking if v.code not in SETTLED_LATER]
    if target is not None and not excluding:
        reasons = [
            Reason("rules", True, f"the rules allow the advance into step {number}{under}", True)
        ]
        reasons += [
            Reason(v.code, True, f"to settle on acceptance: {v.message}", True) for v in blocking
        ]
        reasons += [
            Reason(v.code, True, f"warning: {v.message}", True)
            for v in violations
            if v.severity is Severity.WARNING
        ]
        return _Judged(True, number, programme, reasons, 0)
    reasons = [Reason(v.code, False, f"step {number}{under}: {v.message}", True) for v in excluding]
    return _Judged(False, number, programme, reasons, len(excluding))


def _past(case: Case, place: Place) -> _Judged:
    steps = ", ".join(map(str, sorted(place.steps)))
    return _Judged(
        False,
        max(place.steps),
        None,
        [
            Reason(
                "not-forward",
                False,
                f"the case is in step {case.step}, past the place's steps ({steps})",
                True,
            )
        ],
        1,
    )


def _states_before(number: int) -> list[str]:
    """The states of an active case that may advance into step ``number``."""
    return [ENROLLED, *(step.slug for step in Step if step.number < number)]


def _consent_blocks(kivo: Kivo, steps: Sequence[int]) -> bool:
    """Whether the rules refuse every step of the place without consent: then the
    pre-filter leaves out the cases without it (the judge would refuse each)."""
    rule = kivo.rules.rule(CONSENT)
    if rule is None or not rule.enabled or rule.severity is not Severity.BLOCKING:
        return False
    return all(Step(number) in rule.steps for number in steps)


def _not_matchable(case_id: int, state: str) -> Refused:
    """A paused or exited case takes no place: resume it first, or never."""
    if state == PAUSED:
        head = N_("case {case} is paused: resume it first")
        said = Message(N_("the case is paused"))
    else:
        head = N_("case {case} is exited: it never moves again")
        said = Message(N_("the case is exited"))
    return Refused.saying(Message(head, {"case": case_id}), [structural(f"case-{state}", said)])


def _check_limit(limit: int) -> None:
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            Message(
                N_("{how} must be from 1 to {most}, not {limit}"),
                {"how": Hint("limit", "--limit"), "most": MAX_LIMIT, "limit": limit},
            ),
            field="limit",
        )


def _id(value: int | None) -> int:
    assert value is not None
    return value


__all__ = [
    "CaseMatch",
    "CaseRanking",
    "PlaceMatch",
    "PlaceRanking",
    "WhyNot",
    "candidates_for_place",
    "match_case",
    "match_place",
]
