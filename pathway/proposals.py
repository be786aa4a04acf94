"""Proposals: put a participant forward for a place; the answer declines or accepts it.

An acceptance is one transaction: the place's position taken (its row locked, so
concurrent acceptances of its last position queue and one wins), the case advanced into
the place's step through the one move pipeline (``moves.advance_request`` and
``pipeline.run``: the same judge, plan and writes as ``kivo advance``), its placement at
the place's workplace, under the place's programme and supervisor, and the proposal
marked accepted with that placement. A refusal of any part writes nothing.

The step: the first (lowest) of the place's steps ahead of the case's current step
(``states.proposals.step_into``). The programme: the first of the place's programmes
that runs that step (none when the place names none that does).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pathway import actors, pipeline
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.moves import advance_request, kind_of_employment, outcome
from pathway.places import is_status, release_position, said, take_position
from pathway.ports import UnitOfWork
from pathway.results import MoveResult
from states.access import may_see
from states.errors import InvalidInput, NotFound
from states.messages import N_, Hint, Message
from states.places import Place, PlaceStatus, check_count, checked_text
from states.proposals import (
    MAX_REASON,
    Proposal,
    ProposalStatus,
    case_problem,
    decision_problem,
    not_accepted_problem,
    parse_declined_by,
    parse_proposal_status,
    programme_for,
    step_into,
    step_problem,
)
from states.violations import Violation, structural

ON = Hint("on", "--on")
REASON = Hint("reason", "--reason")


@dataclass(frozen=True)
class ProposalLine:
    id: int
    place_id: int
    place: str
    workplace_id: int
    workplace: str
    case_id: int
    status: str
    proposed_on: date
    by_id: int | None
    decided_on: date | None
    declined_by: str | None
    reason: str | None
    step: int | None
    placement_id: int | None


@dataclass(frozen=True)
class Accepted:
    """An acceptance: the proposal, the case's move and the position it took."""

    proposal_id: int
    case_id: int
    place_id: int
    step: int
    programme: str | None
    placement_id: int | None
    taken: int
    positions: int
    place_status: str
    move: MoveResult
    ended_proposal_id: int | None  # the case's earlier acceptance, ended by this one


def propose(
    kivo: Kivo,
    place_id: int,
    case_id: int,
    *,
    on: date | None = None,
    by: int | None = None,
) -> ProposalLine:
    """Propose a case for an open place. Refused (exit 3) when the place is not open,
    the case is paused or exited or past every step the place suits, or the case has an
    open proposal for the place already."""
    day = _day(on, kivo.today())
    with kivo.uow() as uow:
        place = uow.places.get(place_id)
        actors.acting_on(kivo, uow, by, case_id, "propose")  # another's case: unknown
        case = uow.cases.get(case_id)
        _proposable(place, case_id, case.state, day)
        _not_proposed_yet(uow, place_id, case_id)
        proposal = Proposal(
            place_id=place_id,
            case_id=case_id,
            status=ProposalStatus.OPEN.value,
            proposed_on=day,
            recorded_at=kivo.now(),
            by_id=by,
        )
        uow.proposals.add(proposal)
        line = _lines(uow, [proposal])[0]
        uow.commit()
    return line


def _proposable(place: Place, case_id: int, state: str, day: date) -> None:
    """Refused unless the place is open and the case can move into one of its steps."""
    if place.status != PlaceStatus.OPEN.value:
        code = "place-full" if place.status == PlaceStatus.FILLED.value else "place-not-open"
        raise Refused.saying(
            Message(
                N_("place {place} is {status}: only an open place takes proposals"),
                {"place": place.id, "status": Message(place.status)},
            ),
            [structural(code, is_status(place.status), status=place.status)],
        )
    problem = case_problem(state)
    if problem is None and step_into(place.steps, state) is None:
        problem = step_problem(place.steps, state)
    if problem is not None:
        raise Refused.saying(
            Message(
                N_("case {case} cannot be proposed: {problem}"),
                {"case": case_id, "problem": said(problem)},
            ),
            [problem],
        )
    if day < place.status_on:
        raise InvalidInput(
            Message(
                N_("{how} {on} is before the place opened ({opened})"),
                {"how": ON, "on": day.isoformat(), "opened": place.status_on.isoformat()},
            ),
            field="on",
        )


def _not_proposed_yet(uow: UnitOfWork, place_id: int, case_id: int) -> None:
    """Refused when the case has an open proposal for the place, or holds it already."""
    existing = uow.proposals.open_for(place_id, case_id)
    if existing is not None:
        raise Refused.saying(
            Message(
                N_("case {case} is proposed for place {place} already (proposal {proposal}, open)"),
                {"case": case_id, "place": place_id, "proposal": existing.id},
            ),
            [
                structural(
                    "proposal-open-already",
                    Message(N_("an open proposal exists")),
                    id=existing.id,
                )
            ],
        )
    accepted = uow.proposals.accepted_of_case(case_id)
    if accepted is not None and accepted.place_id == place_id:
        raise Refused.saying(
            Message(
                N_("case {case} is in place {place} already (proposal {proposal})"),
                {"case": case_id, "place": place_id, "proposal": accepted.id},
            ),
            [
                structural(
                    "proposal-placed-already", Message(N_("the case holds this place already"))
                )
            ],
        )


def decline(
    kivo: Kivo,
    proposal_id: int,
    *,
    declined_by: str,
    reason: str | None,
    on: date | None = None,
    by: int | None = None,
) -> ProposalLine:
    """The participant or the employer says no, with the reason: open → declined;
    ``by``: the caseworker recording it (of the case's caseload, or a coordinator)."""
    today = kivo.today()
    who = parse_declined_by(declined_by)
    if reason is None or not reason.strip():
        raise InvalidInput(
            Message(N_("declining a proposal needs {how}"), {"how": REASON}), field="reason"
        )
    text = checked_text(
        reason, N_("the reason"), today=today, limit=MAX_REASON, field_name="reason"
    )
    day = _day(on, today)
    with kivo.uow() as uow:
        proposal = uow.proposals.locked(proposal_id)
        actors.acting_on(kivo, uow, by, proposal.case_id, "decline", missing=_unknown(proposal_id))
        _decidable(proposal, "declined", day)
        proposal.status = ProposalStatus.DECLINED.value
        proposal.decided_on = day
        proposal.declined_by, proposal.decided_by_id = who.value, by
        proposal.reason = text
        uow.proposals.save(proposal)
        line = _lines(uow, [proposal])[0]
        uow.commit()
    return line


def accept(
    kivo: Kivo,
    proposal_id: int,
    *,
    on: date | None = None,
    until: date | None = None,
    by: int | None = None,
) -> Accepted:
    """Both said yes: take a position, advance the case into the place's step with its
    placement there, and mark the proposal accepted, in one transaction. Refused (exit 3,
    naming the rule) when the place is full or not open, or the move is refused; the
    case's earlier acceptance, if any, ends (its position given back: the advance ends
    its placement)."""
    day = _day(on, kivo.today())
    with kivo.uow() as uow:
        proposal = uow.proposals.locked(proposal_id)
        actors.acting_on(kivo, uow, by, proposal.case_id, "accept", missing=_unknown(proposal_id))
        _decidable(proposal, "accepted", day)
        case_id = proposal.case_id
        # The place's row locked first: concurrent acceptances of its last position
        # queue here, and the second finds it filled.
        place = take_position(kivo, uow, proposal.place_id, on=day, by=by, case_id=case_id)
        loaded = uow.pipeline.load([case_id])
        case = loaded[case_id][0]
        step = step_into(place.steps, case.state)
        if step is None:
            problem = step_problem(place.steps, case.state)
            raise Refused.saying(
                Message(
                    N_("case {case}: accept refused: {problem}"),
                    {"case": case_id, "problem": said(problem)},
                ),
                [problem],
            )
        # The case's earlier acceptance ends with the advance out of its place, its
        # position given back by the move itself (``pathway.place_release``).
        earlier = uow.proposals.accepted_of_case(case_id)
        runs = {code: kivo.catalogue.get(code).steps for code in place.programmes}
        programme = programme_for(place.programmes, runs, step.number)
        request = advance_request(
            kivo,
            uow,
            case_id,
            step,
            on=day,
            workplace_id=place.workplace_id,
            supervisor_id=place.supervisor_id,
            programme=programme,
            until=until,
            employment_kind=kind_of_employment(step, None),
        )
        (decided,) = pipeline.run(kivo, uow, [request], by)
        moved = outcome(decided)
        proposal.status = ProposalStatus.ACCEPTED.value
        proposal.decided_on, proposal.decided_by_id = day, by
        proposal.step, proposal.placement_id = step.number, moved.placement_id
        uow.proposals.save(proposal)
        uow.commit()
    return Accepted(
        proposal_id=proposal_id,
        case_id=case_id,
        place_id=_id(place.id),
        step=step.number,
        programme=programme,
        placement_id=moved.placement_id,
        taken=place.taken,
        positions=place.positions,
        place_status=place.status,
        move=moved,
        ended_proposal_id=earlier.id if earlier is not None else None,
    )


def end_acceptance(
    kivo: Kivo,
    proposal_id: int,
    *,
    reason: str | None,
    on: date | None = None,
    by: int | None = None,
) -> ProposalLine:
    """The participant has left the place (an exit, a fall back, a placement ended
    early): the accepted proposal ends and its position is given back, in one
    transaction; a filled place opens again. The case itself does not move."""
    today = kivo.today()
    if reason is None or not reason.strip():
        raise InvalidInput(
            Message(N_("ending an acceptance needs {how}"), {"how": REASON}), field="reason"
        )
    text = checked_text(
        reason, N_("the reason"), today=today, limit=MAX_REASON, field_name="reason"
    )
    day = _day(on, today)
    with kivo.uow() as uow:
        proposal = uow.proposals.locked(proposal_id)
        actors.acting_on(
            kivo, uow, by, proposal.case_id, "end-acceptance", missing=_unknown(proposal_id)
        )
        _endable(proposal, day)
        release_position(
            kivo, uow, proposal.place_id, on=day, by=by, case_id=proposal.case_id, reason=text
        )
        proposal.status, proposal.decided_on, proposal.reason = (
            ProposalStatus.ENDED.value,
            day,
            text,
        )
        proposal.decided_by_id = by
        uow.proposals.save(proposal)
        line = _lines(uow, [proposal])[0]
        uow.commit()
    return line


def _endable(proposal: Proposal, day: date) -> None:
    """Refused unless the proposal is accepted, and on a day not before its acceptance."""
    if proposal.status != ProposalStatus.ACCEPTED.value:
        problem = not_accepted_problem(proposal.status)
        raise Refused.saying(_of_proposal(proposal, problem), [problem])
    assert proposal.decided_on is not None
    if day < proposal.decided_on:
        raise InvalidInput(
            Message(
                N_("{how} {on} is before the acceptance ({accepted})"),
                {"how": ON, "on": day.isoformat(), "accepted": proposal.decided_on.isoformat()},
            ),
            field="on",
        )


def _of_proposal(proposal: Proposal, problem: Violation) -> Message:
    """ "proposal 4: …", a refusal's head naming the proposal and the violation."""
    return Message(
        N_("proposal {proposal}: {problem}"), {"proposal": proposal.id, "problem": said(problem)}
    )


def list_proposals(
    kivo: Kivo,
    *,
    place_id: int | None = None,
    case_id: int | None = None,
    status: str | None = None,
    limit: int | None = 50,
    caseworker_id: int | None = None,
    by: int | None = None,
) -> list[ProposalLine]:
    """Proposals, oldest first, by place, case and status; ``caseworker_id``: of that
    caseworker's cases only; ``by``: who asks (a caseworker sees their own cases' only,
    and another's case named is answered as unknown)."""
    wanted = parse_proposal_status(status).value if status is not None else None
    if limit is not None:
        check_count(limit, N_("limit"), 1, 100_000)
    with kivo.uow(read_only=True) as uow:
        if place_id is not None:
            uow.places.get(place_id)
        actor = actors.actor_of(uow, by)
        caseworker_id = actors.caseload_of(actor, caseworker_id)
        if case_id is not None and not may_see(actor, uow.cases.get(case_id).caseworker_id):
            raise actors.hidden(case_id)
        found = uow.proposals.listing(
            place_id=place_id,
            case_id=case_id,
            status=wanted,
            limit=limit,
            caseworker_id=caseworker_id,
        )
        return _lines(uow, found)


def _decidable(proposal: Proposal, wanted: str, day: date) -> None:
    problem = decision_problem(proposal.status, wanted)
    if problem is not None:
        raise Refused.saying(_of_proposal(proposal, problem), [problem])
    if day < proposal.proposed_on:
        raise InvalidInput(
            Message(
                N_("{how} {on} is before the proposal ({proposed})"),
                {"how": ON, "on": day.isoformat(), "proposed": proposal.proposed_on.isoformat()},
            ),
            field="on",
        )


def _lines(uow: UnitOfWork, proposals: list[Proposal]) -> list[ProposalLine]:
    places = {p: uow.places.get(p) for p in {x.place_id for x in proposals}}
    names = {w.id: w.name for w in uow.workplaces.all()} if proposals else {}
    return [
        ProposalLine(
            id=_id(p.id),
            place_id=p.place_id,
            place=places[p.place_id].title,
            workplace_id=places[p.place_id].workplace_id,
            workplace=names.get(places[p.place_id].workplace_id, ""),
            case_id=p.case_id,
            status=p.status,
            proposed_on=p.proposed_on,
            by_id=p.by_id,
            decided_on=p.decided_on,
            declined_by=p.declined_by,
            reason=p.reason,
            step=p.step,
            placement_id=p.placement_id,
        )
        for p in proposals
    ]


def _day(on: date | None, today: date) -> date:
    if on is None:
        return today
    if on > today:
        raise InvalidInput(
            Message(
                N_("{how} {on} is after today: record an answer once it was given"),
                {"how": ON, "on": on.isoformat()},
            ),
            field="on",
        )
    return on


def _unknown(proposal_id: int) -> NotFound:
    """A proposal of a case the actor may not see answers as one that does not exist."""
    return NotFound.with_id("proposal", proposal_id)


def _id(value: int | None) -> int:
    assert value is not None
    return value


def show_proposal(kivo: Kivo, proposal_id: int) -> ProposalLine:
    """One proposal by its id (``NotFound`` for none): whose case it puts forward, for a
    caller that checks the case is theirs before answering it."""
    with kivo.uow(read_only=True) as uow:
        return _lines(uow, [uow.proposals.get(proposal_id)])[0]
