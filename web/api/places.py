"""The employer side: a place's lifecycle, matching with its reasons, proposals and
their answers, the employer's contact log and a participant's profile — the use cases
``kivo place``, ``kivo match``, ``kivo propose``/``proposal``, ``kivo employer`` and
``kivo profile`` call, with the caller as the actor.

Places and employers are the programme's, for every caseworker (as at the CLI); a case
is the caller's own or unknown (404), unless they are a coordinator: a caseworker's
rankings and proposal lists show only their own cases, and the open placements an
employer view lists only theirs."""

from __future__ import annotations

from dataclasses import replace
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from pathway import employers, matching, places, profiles, proposals
from pathway.proposals import Accepted, ProposalLine
from pathway.results import plain
from pathway.workspace import owner_of
from web.api.caller import Reader, Writer
from web.api.cases import CaseId
from web.api.models import MAX_ID, answers
from web.api.place_models import (
    ACCEPTED,
    CANDIDATES,
    CHANGE,
    CONTACT,
    EMPLOYER,
    PROFILE,
    PROPOSAL,
    RANKED,
    AcceptIn,
    ContactIn,
    DeclineIn,
    EndIn,
    PlaceCancelIn,
    PlaceIn,
    PlaceOnIn,
    ProfileIn,
    ProposalIn,
)
from web.deps import kivo_of

router = APIRouter()

PlaceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The place's id.")]
ProposalId = Annotated[int, Path(ge=1, le=MAX_ID, description="The proposal's id.")]
WorkplaceId = Annotated[int, Path(ge=1, le=MAX_ID, description="The workplace's id.")]
Limit = Annotated[int, Query(ge=1, le=matching.MAX_LIMIT)]
CHANGES = (403, 404, 422)


# --- the place's lifecycle ------------------------------------------------------------


@router.post(
    "/places",
    tags=["places"],
    status_code=201,
    responses=answers(
        {**CHANGE, "kind": "created", "from_status": None, "to_status": "contact"},
        statuses=CHANGES,
        ok=201,
        model=places.PlaceChange,
    ),
)
def add_place(request: Request, me: Writer, body: PlaceIn) -> Any:
    """Record a place a workplace offers, at the ``contact`` stage (``kivo place add``)."""
    added = places.add_place(
        kivo_of(request),
        body.workplace,
        title=body.title,
        positions=body.positions,
        steps=body.steps,
        programmes=body.programmes,
        requires=body.requires,
        requires_note=body.requires_note,
        hours=body.hours,
        municipality=body.municipality,
        supervisor_id=body.supervisor,
        earliest_start=body.earliest_start,
        tasks=body.tasks,
        areas=body.areas,
        on=body.on,
        by=me.id,
    )
    return plain(added)


@router.post(
    "/places/{place_id}/agree",
    tags=["places"],
    responses=answers(
        {**CHANGE, "kind": "agreed", "from_status": "contact", "to_status": "agreed"},
        statuses=CHANGES,
        model=places.PlaceChange,
    ),
)
def agree_place(request: Request, me: Writer, place_id: PlaceId, body: PlaceOnIn) -> Any:
    """The employer and the programme agree the tasks, supervisor and terms (``kivo
    place agree``); a move the lifecycle does not allow is refused (422)."""
    return plain(places.agree_place(kivo_of(request), place_id, on=body.on, by=me.id))


@router.post(
    "/places/{place_id}/open",
    tags=["places"],
    responses=answers(CHANGE, statuses=CHANGES, model=places.PlaceChange),
)
def open_place(request: Request, me: Writer, place_id: PlaceId, body: PlaceOnIn) -> Any:
    """The place is ready to take participants (``kivo place open``); a move the
    lifecycle does not allow is refused (422)."""
    return plain(places.open_place(kivo_of(request), place_id, on=body.on, by=me.id))


@router.post(
    "/places/{place_id}/cancel",
    tags=["places"],
    responses=answers(
        {**CHANGE, "kind": "cancelled", "to_status": "cancelled"},
        statuses=CHANGES,
        model=places.PlaceChange,
    ),
)
def cancel_place(request: Request, me: Writer, place_id: PlaceId, body: PlaceCancelIn) -> Any:
    """Cancel the place, with the reason (``kivo place cancel``); its open proposals
    close with it."""
    kivo = kivo_of(request)
    return plain(places.cancel_place(kivo, place_id, reason=body.reason, on=body.on, by=me.id))


# --- matching -------------------------------------------------------------------------


@router.get(
    "/places/{place_id}/candidates",
    tags=["matching"],
    responses=answers(CANDIDATES, statuses=(404, 422), model=matching.PlaceRanking),
)
def candidates(
    request: Request,
    me: Reader,
    place_id: PlaceId,
    limit: Limit = 10,
    why_not: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Also say what excluded this case.")
    ] = None,
) -> Any:
    """The cases that could take the place, best first, each with its reasons: which
    hard constraints passed and which points it earned (``kivo match place``). A
    caseworker sees their own cases only."""
    kivo = kivo_of(request)
    return plain(matching.match_place(kivo, place_id, limit=limit, why_not=why_not, by=me.id))


@router.get(
    "/cases/{case_id}/places",
    tags=["matching"],
    responses=answers(RANKED, statuses=(404, 422), model=matching.CaseRanking),
)
def places_for_case(request: Request, me: Reader, case_id: CaseId, limit: Limit = 10) -> Any:
    """The open places the case could take, best first, each with its reasons
    (``kivo match case``). The read is logged."""
    return plain(matching.match_case(kivo_of(request), case_id, limit=limit, by=me.id))


# --- proposals ------------------------------------------------------------------------


@router.get(
    "/proposals",
    tags=["proposals"],
    responses=answers([PROPOSAL], statuses=(404,), model=list[ProposalLine]),
)
def list_proposals(
    request: Request,
    me: Reader,
    place: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    case: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    status: Annotated[
        str | None, Query(max_length=20, description="open, declined, accepted, ended, …")
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 50,
) -> Any:
    """Proposals, oldest first, by place, case and status (``kivo proposal list``); a
    caseworker's, of their own cases only."""
    found = proposals.list_proposals(
        kivo_of(request), place_id=place, case_id=case, status=status, limit=limit, by=me.id
    )
    return plain(found)


@router.post(
    "/proposals",
    tags=["proposals"],
    status_code=201,
    responses=answers(PROPOSAL, statuses=CHANGES, ok=201, model=ProposalLine),
)
def propose(request: Request, me: Writer, body: ProposalIn) -> Any:
    """Propose a case for an open place (``kivo propose``)."""
    kivo = kivo_of(request)
    return plain(proposals.propose(kivo, body.place, body.case, on=body.on, by=me.id))


@router.post(
    "/proposals/{proposal_id}/accept",
    tags=["proposals"],
    responses=answers(ACCEPTED, statuses=CHANGES, model=Accepted),
)
def accept(request: Request, me: Writer, proposal_id: ProposalId, body: AcceptIn) -> Any:
    """Both said yes: the case advances into the place's step with its placement there
    and takes a position, in one transaction (``kivo proposal accept``); refused (422,
    naming the rule) when the place is full or the move is refused, writing nothing."""
    accepted = proposals.accept(
        kivo_of(request), proposal_id, on=body.on, until=body.until, by=me.id
    )
    return plain(accepted)


@router.post(
    "/proposals/{proposal_id}/decline",
    tags=["proposals"],
    responses=answers(
        {**PROPOSAL, "status": "declined", "declined_by": "employer", "reason": "full"},
        statuses=CHANGES,
        model=ProposalLine,
    ),
)
def decline(request: Request, me: Writer, proposal_id: ProposalId, body: DeclineIn) -> Any:
    """The participant or the employer declines an open proposal, with the reason
    (``kivo proposal decline``)."""
    declined = proposals.decline(
        kivo_of(request),
        proposal_id,
        declined_by=body.by,
        reason=body.reason,
        on=body.on,
        by=me.id,
    )
    return plain(declined)


@router.post(
    "/proposals/{proposal_id}/end",
    tags=["proposals"],
    responses=answers(
        {**PROPOSAL, "status": "ended", "reason": "moved away"},
        statuses=CHANGES,
        model=ProposalLine,
    ),
)
def end(request: Request, me: Writer, proposal_id: ProposalId, body: EndIn) -> Any:
    """The participant has left the place: the accepted proposal ends and its position
    is given back (``kivo proposal end``)."""
    ended = proposals.end_acceptance(
        kivo_of(request), proposal_id, reason=body.reason, on=body.on, by=me.id
    )
    return plain(ended)


# --- employers ------------------------------------------------------------------------


@router.get(
    "/employers/{workplace_id}",
    tags=["employers"],
    responses=answers(EMPLOYER, statuses=(404,), model=employers.EmployerView),
)
def employer(request: Request, me: Reader, workplace_id: WorkplaceId) -> Any:
    """The workplace as the employer relationship (``kivo employer show``): contacts,
    the next step due, places, open placements (a caseworker's own; personnummer
    masked), supervisors with their training."""
    view = employers.employer_view(kivo_of(request), workplace_id)
    if not me.coordinator:
        view = replace(view, placements=[p for p in view.placements if p.caseworker_id == me.id])
    return plain(view)


@router.post(
    "/employers/{workplace_id}/contacts",
    tags=["employers"],
    status_code=201,
    responses=answers(CONTACT, statuses=CHANGES, ok=201, model=employers.ContactLine),
)
def add_contact(request: Request, me: Writer, workplace_id: WorkplaceId, body: ContactIn) -> Any:
    """Log a contact with the employer: when, how, what came of it, the next step
    (``kivo employer contact``)."""
    contact = employers.record_contact(
        kivo_of(request),
        workplace_id,
        on=body.on,
        kind=body.kind,
        note=body.note,
        next_on=body.next,
        by=me.id,
    )
    return plain(contact)


# --- profiles -------------------------------------------------------------------------


@router.get(
    "/cases/{case_id}/profile",
    tags=["profiles"],
    responses=answers(PROFILE, statuses=(404,), model=profiles.ProfileView),
)
def profile(request: Request, me: Reader, case_id: CaseId) -> Any:
    """The participant's profile for matching (``kivo profile show``). The read is
    logged."""
    kivo = kivo_of(request)
    owner_of(kivo, case_id, by=me.id)
    return plain(profiles.show_profile(kivo, case_id))


@router.put(
    "/cases/{case_id}/profile",
    tags=["profiles"],
    responses=answers(PROFILE, statuses=CHANGES, model=profiles.ProfileView),
)
def set_profile(request: Request, me: Writer, case_id: CaseId, body: ProfileIn) -> Any:
    """Set the fields given, empty those in ``clear`` (``kivo profile set``); every
    field that changed is logged with the caller."""
    changed = profiles.set_profile(
        kivo_of(request),
        case_id,
        interests=body.interests,
        languages=body.languages,
        licences=body.licences,
        certificates=body.certificates,
        max_hours=body.max_hours,
        municipality=body.municipality,
        adaptations=body.adaptations,
        clear=body.clear,
        by=me.id,
    )
    return plain(changed)
