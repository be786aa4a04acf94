"""Cases: list, read, next moves, enrol and move — the use cases the CLI's
``participant list/show/add`` and ``advance``/``fall-back``/``pause``/``resume``/``exit``
call, with the caller as the actor (checked and logged by the use cases)."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request

from pathway import enrolment, moves
from pathway.finding import Found, find_participants
from pathway.listing import case_document, list_cases
from pathway.results import CaseView, EnrolResult, MoveResult, NextMove, plain
from pathway.views import read_case, show_case
from states.case import EXITED, PAUSED, Outcome, parse_enum, step_of_state
from states.errors import InvalidInput
from states.steps import Step, parse_step
from states.violations import Violation
from web.api.caller import Caller, Reader, Writer
from web.api.models import (
    CASE,
    CASE_ROW,
    MAX_ID,
    MOVE,
    NEXT_MOVE,
    CasePage,
    EnrolIn,
    MoveIn,
    NextMoves,
    SearchIn,
    answers,
)
from web.api.sentences import language_of, violation_text
from web.deps import kivo_of

router = APIRouter(tags=["cases"])

CaseId = Annotated[int, Path(ge=1, le=MAX_ID, description="The case's id.")]
STATUS = "active, paused or exited"


@router.get(
    "/cases",
    responses=answers(
        {"cases": [CASE_ROW], "more": True, "next_after": 3}, statuses=(404,), model=CasePage
    ),
)
def cases(
    request: Request,
    me: Reader,
    step: Annotated[int | None, Query(ge=1, le=9)] = None,
    status: Annotated[
        str | None, Query(max_length=10, description="active, paused or exited")
    ] = None,
    caseworker: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    programme: Annotated[str | None, Query(max_length=40)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    after: Annotated[
        int | None, Query(ge=1, le=MAX_ID, description="Continue after this case (next_after).")
    ] = None,
) -> Any:
    """The caller's cases (a coordinator's: every caseload), filtered, in id order; page on
    with ``after`` set to the answer's ``next_after``."""
    kivo = kivo_of(request)
    listed = list_cases(
        kivo,
        step=step,
        status=status,
        caseworker_id=caseworker,
        programme=programme or None,
        limit=limit,
        after=after,
        by=me.id,
    )
    rows = [case_document(row) for row in listed]
    return {
        "cases": rows,
        "more": listed.more,
        "next_after": listed.last_id if listed.more else None,
    }


@router.post(
    "/cases/search",
    responses=answers(
        {"cases": [{**CASE_ROW, "personnummer": "19900101-****"}], "more": False},
        model=CasePage,
    ),
)
def search(request: Request, me: Reader, body: SearchIn) -> Any:
    """The caller's cases whose participant matches part of a name or a personnummer
    (personnummer masked). A POST, so what is looked for is never in an address, nor in
    a server's or proxy's log; it changes nothing, so the read scope suffices."""
    found = find_participants(kivo_of(request), body.q, by=me.id, limit=body.limit)
    rows = [_found(f) for f in found.cases if me.coordinator or f.caseworker_id == me.id]
    return {"cases": rows, "more": found.more, "next_after": None}


def _found(found: Found) -> dict[str, Any]:
    """A search's case as a list's row, with the masked personnummer."""
    return {
        "id": found.case_id,
        "name": found.name,
        "state": found.state,
        "step": found.step,
        "status": found.status,
        "caseworker_id": found.caseworker_id,
        "caseworker": found.caseworker,
        "opened_on": found.opened_on.isoformat(),
        "personnummer": found.personnummer,
    }


@router.get("/cases/{case_id}", responses=answers(CASE, statuses=(404,), model=CaseView))
def case(
    request: Request,
    me: Reader,
    case_id: CaseId,
    show_personal: Annotated[
        bool, Query(description="The personnummer in full (logged as such).")
    ] = False,
) -> Any:
    """The case as ``kivo participant show --json`` prints it: the person, where the case
    stands, its history, owners and next moves. The read is logged."""
    return plain(show_case(kivo_of(request), case_id, show_personal=show_personal, by=me.id))


@router.get(
    "/cases/{case_id}/next",
    responses=answers(
        {"case_id": 3, "state": "information", "step": 1, "version": 2, "next": [NEXT_MOVE]},
        statuses=(404,),
        model=NextMoves,
    ),
)
def next_moves(request: Request, me: Reader, case_id: CaseId) -> Any:
    """The steps the case may advance to now; for each, the blocking rules' sentences
    (``needs``) and the warnings, in the language the caller accepts (English by
    default), a hint naming the JSON key to send. The read is logged."""
    view = read_case(kivo_of(request), case_id, by=me.id).view
    lang = language_of(request.headers.get("accept-language"))
    return {
        "case_id": view.id,
        "state": view.state,
        "step": view.step,
        "version": view.version,
        "next": [_next_move(move, lang) for move in view.next],
    }


def _next_move(move: NextMove, lang: str) -> dict[str, Any]:
    """A next move as JSON, each rule's sentence said in ``lang`` as a refusal's are."""
    document: dict[str, Any] = plain(move)
    document["needs"] = _said(document["needs"], move.blocked_by, lang)
    document["warnings"] = _said(document["warnings"], move.warned_by, lang)
    return document


def _said(
    documents: list[dict[str, Any]], violations: tuple[Violation, ...], lang: str
) -> list[dict[str, Any]]:
    return [
        {**document, "message": violation_text(v, lang)}
        for document, v in zip(documents, violations, strict=True)
    ]


@router.post(
    "/cases",
    status_code=201,
    responses={
        **answers(
            {
                "case_id": 12,
                "person_id": 11,
                "opened_on": "2026-03-02",
                "consent_on": "2026-03-02",
                "new_person": True,
            },
            statuses=(403, 404, 422),
            ok=201,
            model=EnrolResult,
        ),
    },
)
def enrol(request: Request, me: Writer, body: EnrolIn) -> Any:
    """Enrol a participant: a new case in the caller's caseload (a coordinator may name
    another caseworker's; a caseworker naming another's is refused, 403)."""
    done = enrolment.enrol(
        kivo_of(request),
        body.name,
        personnummer=body.personnummer or None,
        gender=body.gender,
        birth_year=body.birth_year,
        caseworker_id=body.caseworker or me.id,
        consent=body.consent,
        on=body.on,
        by=me.id,
    )
    return plain(done)


@router.post(
    "/cases/{case_id}/moves",
    responses=answers(MOVE, statuses=(403, 404, 409, 422), model=MoveResult),
)
def move(request: Request, me: Writer, case_id: CaseId, body: MoveIn) -> Any:
    """Move the case: ``to`` a later step advances, an earlier one falls back (a reason
    is required), ``paused`` pauses, the step a paused case came from resumes it,
    ``exited`` exits with ``outcome``. ``dry_run`` judges and writes nothing. A refusal
    names every violated rule (422) and writes nothing."""
    return plain(_move(request, me, case_id, body))


def _step(target: str) -> Step:
    try:
        return parse_step(target)
    except InvalidInput as error:
        raise InvalidInput(f"{error.message}; or the state paused or exited", field="to") from None


def _move(request: Request, me: Caller, case_id: int, body: MoveIn) -> MoveResult:
    kivo = kivo_of(request)
    target = str(body.to).strip().lower()
    common: dict[str, Any] = {
        "on": body.on,
        "by": me.id,
        "expected_version": body.expected_version,
        "dry_run": body.dry_run,
    }
    if target == PAUSED:
        return moves.pause(kivo, case_id, reason=body.reason or "", **common)
    if target == EXITED:
        outcome = parse_enum(Outcome, body.outcome or "", "outcome")
        return moves.exit_case(
            kivo,
            case_id,
            outcome=outcome,
            reason=body.reason,
            qualification=body.qualification,
            **common,
        )
    step = _step(target)
    now = show_case(kivo, case_id)  # where it stands decides the kind of move
    if now.state == PAUSED and step_of_state(now.paused_from) == step:
        return moves.resume(kivo, case_id, reason=body.reason, **common)
    if now.step is None or now.state == PAUSED or step.number > now.step:
        return moves.advance(
            kivo,
            case_id,
            step,
            workplace_id=body.workplace,
            supervisor_id=body.supervisor,
            programme=body.programme,
            until=body.until,
            override=body.override,
            **common,
        )
    return moves.fall_back(kivo, case_id, step, reason=body.reason or "", **common)
