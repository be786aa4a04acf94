"""Case actions as forms: each a POST carrying the CSRF token, calling exactly the use
case the CLI calls with the signed-in caseworker as the actor, then redirecting to the
case page (redirect-after-post). A refused save answers the case page again with every
violated rule and what was typed; nothing was written."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from pathway import adhoc_followups, enrolment, moves, notes, placements, supervisor_change
from pathway.errors import Refused
from pathway.followups import list_followups, mark_done
from pathway.meetings import list_meetings, parse_moment, record_meeting, schedule_meeting
from pathway.results import MoveResult
from pathway.workspace import SignedIn
from states.case import Gender, Outcome, parse_enum
from states.errors import InvalidInput, NotFound
from states.steps import parse_step
from web.auth import current_caseworker
from web.caseload import require_visible
from web.deps import kivo_of
from web.forms import Typed, day_field, id_field, text_field
from web.pages import case_response
from web.render import flash, page
from web.texts import texts

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
MOVE_KINDS = ("advance", "fall_back", "pause", "resume", "exit")


@router.post("/cases/{case_id}/moves")
def move(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Advance, fall back, pause, resume or exit; ``intent=preview`` judges and writes
    nothing (the CLI's ``--dry-run``), ``intent=save`` saves."""
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    kind = typed.get("kind", "")
    if kind not in MOVE_KINDS:
        raise InvalidInput("unknown kind of move", field="kind")
    preview = typed.get("intent") == "preview"
    if typed.get("override") and not me.coordinator:
        raise HTTPException(status_code=403, detail="override")
    try:
        result = _move(kivo, me, case_id, kind, typed, preview)
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form=kind
        )
    if preview:
        return case_response(request, me, case_id, preview=result, typed=typed, form=kind)
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _status(error: Exception) -> int:
    return 422 if isinstance(error, Refused) else 400


def _move(
    kivo: Any, me: SignedIn, case_id: int, kind: str, typed: dict[str, str], preview: bool
) -> MoveResult:
    on = day_field(typed, "on", texts.on)
    version = id_field(typed, "version", texts.version)
    reason = text_field(typed, "reason", texts.reason)
    common: dict[str, Any] = {"on": on, "by": me.id, "expected_version": version}
    if kind == "advance":
        return moves.advance(
            kivo,
            case_id,
            parse_step(typed.get("step", "")),
            workplace_id=id_field(typed, "workplace", texts.workplace),
            supervisor_id=id_field(typed, "supervisor", texts.supervisor),
            programme=typed.get("programme") or None,
            until=day_field(typed, "until", texts.until),
            override=text_field(typed, "override", texts.override),
            dry_run=preview,
            **common,
        )
    actions: dict[str, Callable[[], MoveResult]] = {
        "fall_back": lambda: moves.fall_back(
            kivo,
            case_id,
            parse_step(typed.get("step", "")),
            reason=reason or "",
            dry_run=preview,
            **common,
        ),
        "pause": lambda: moves.pause(kivo, case_id, reason=reason or "", dry_run=preview, **common),
        "resume": lambda: moves.resume(kivo, case_id, reason=reason, dry_run=preview, **common),
        "exit": lambda: moves.exit_case(
            kivo,
            case_id,
            outcome=parse_enum(Outcome, typed.get("outcome", ""), "outcome"),
            reason=reason,
            qualification=typed.get("qualification") == "on",
            dry_run=preview,
            **common,
        ),
    }
    return actions[kind]()


@router.post("/cases/{case_id}/followups/{followup_id}/done")
def followup_done(
    request: Request, me: Me, case_id: int, followup_id: int, typed: Typed
) -> Response:
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    if followup_id not in {f.id for f in list_followups(kivo, case_id=case_id, status="all")}:
        raise NotFound(f"no follow-up {followup_id} on case {case_id}")
    try:
        mark_done(
            kivo,
            followup_id,
            on=day_field(typed, "on", texts.on),
            notes=text_field(typed, "notes", texts.notes),
            finding=typed.get("finding") or None,
        )
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="followup"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/meetings")
def book_meeting(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    try:
        at = parse_moment(typed.get("at", ""), "at")
        schedule_meeting(kivo, case_id, at)
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="meeting"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/meetings/{meeting_id}/record")
def record(request: Request, me: Me, case_id: int, meeting_id: int, typed: Typed) -> Response:
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    if meeting_id not in {m.id for m in list_meetings(kivo, case_id=case_id)}:
        raise NotFound(f"no meeting {meeting_id} on case {case_id}")
    try:
        record_meeting(
            kivo,
            meeting_id,
            typed.get("outcome", ""),
            notes=text_field(typed, "notes", texts.notes),
        )
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="record"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/consent")
def consent(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Record the participant's consent, or (``action=withdraw``) its withdrawal."""
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    record = (
        enrolment.withdraw_consent
        if typed.get("action") == "withdraw"
        else enrolment.record_consent
    )
    try:
        record(
            kivo,
            case_id,
            on=day_field(typed, "on", texts.on),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
        )
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="consent"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


GENDERS = tuple(g.value for g in Gender)


@router.get("/cases/new")
def enrol_form(request: Request, me: Me) -> Response:
    return page(request, "enrol.html", user=me, typed={}, refused=None, genders=GENDERS)


@router.post("/cases/new")
def enrol(request: Request, me: Me, typed: Typed) -> Response:
    """Enrol a participant in the signed-in caseworker's caseload."""
    kivo = kivo_of(request)
    try:
        enrolled = enrolment.enrol(
            kivo,
            typed.get("name", ""),
            personnummer=typed.get("personnummer") or None,
            gender=typed.get("gender") or "unknown",
            caseworker_id=me.id,
            consent=typed.get("consent") == "on",
            on=day_field(typed, "on", texts.on),
            by=me.id,
        )
    except (Refused, InvalidInput) as error:
        answer = page(
            request,
            "enrol.html",
            _status(error),
            user=me,
            typed=typed,
            refused=error,
            genders=GENDERS,
        )
        answer.headers["HX-Replace-Url"] = "/cases/new"
        return answer
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{enrolled.case_id}", status_code=303)


PLACEMENT_KINDS = ("extend", "end", "supervisor")


@router.post("/cases/{case_id}/placement")
def placement(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Extend the open placement, end it early, or change its supervisor."""
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    kind = typed.get("kind", "")
    if kind not in PLACEMENT_KINDS:
        raise InvalidInput("unknown placement action", field="kind")
    if typed.get("override") and not me.coordinator:
        raise HTTPException(status_code=403, detail="override")
    try:
        _placement(kivo, me, case_id, kind, typed)
    except (Refused, InvalidInput) as error:
        form = f"placement-{kind}"
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form=form
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


def _placement(kivo: Any, me: SignedIn, case_id: int, kind: str, typed: dict[str, str]) -> None:
    on = day_field(typed, "on", texts.on)
    version = id_field(typed, "version", texts.version)
    reason = text_field(typed, "reason", texts.reason)
    override = text_field(typed, "override", texts.override)
    if kind == "extend":
        until = day_field(typed, "until", texts.until)
        if until is None:
            raise InvalidInput(f"{texts.until}: ange ett datum", field="until")
        placements.extend(
            kivo,
            case_id,
            until=until,
            reason=reason,
            by=me.id,
            on=on,
            override=override,
            expected_version=version,
        )
    elif kind == "end":
        placements.end(
            kivo,
            case_id,
            on=on or kivo.today(),
            reason=reason or "",
            by=me.id,
            expected_version=version,
        )
    else:
        supervisor = id_field(typed, "supervisor", texts.supervisor)
        if supervisor is None:
            raise InvalidInput(f"{texts.supervisor}: välj en handledare", field="supervisor")
        supervisor_change.change_supervisor(
            kivo,
            case_id,
            supervisor,
            on=on,
            reason=reason,
            by=me.id,
            override=override,
            expected_version=version,
        )


@router.post("/cases/{case_id}/notes")
def add_note(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Keep a note on the case (personal data: shown masked, never logged)."""
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    try:
        notes.add_note(kivo, case_id, typed.get("text", ""), by=me.id)
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="note"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)


@router.post("/cases/{case_id}/followups")
def add_followup(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Plan an ad-hoc follow-up on the case."""
    kivo = kivo_of(request)
    require_visible(kivo, me, case_id)
    try:
        due = day_field(typed, "due", texts.due)
        if due is None:
            raise InvalidInput(f"{texts.due}: ange ett datum", field="due")
        adhoc_followups.add_followup(
            kivo,
            case_id,
            due,
            typed.get("title", ""),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
        )
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, _status(error), refused=error, typed=typed, form="followup-add"
        )
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{case_id}", status_code=303)
