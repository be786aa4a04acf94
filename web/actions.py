"""Case actions as forms: each a POST carrying the CSRF token, calling exactly the use
case the CLI calls with the signed-in caseworker as the actor (``by``: the use case
checks the case is theirs), then redirecting to the case page (``web.acting.act``). A
refused save answers the case page again with every violated rule and what was typed;
nothing was written. Meetings, placements and corrections: ``web.agenda_actions``."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import RedirectResponse, Response

from pathway import adhoc_followups, enrolment, moves, notes
from pathway.errors import Refused
from pathway.followups import mark_done
from pathway.results import MoveResult
from pathway.workspace import SignedIn
from states.case import Gender, Outcome, parse_enum
from states.errors import InvalidInput
from states.steps import parse_step
from web.acting import act, checked_ids, status_of
from web.auth import current_caseworker
from web.choices import supervisor_field, workplace_field
from web.deps import kivo_of
from web.forms import Typed, day_field, id_field, required, text_field
from web.page_language import texts
from web.pages import case_response
from web.render import flash, page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
MOVE_KINDS = ("advance", "fall_back", "pause", "resume", "exit")


@router.post("/cases/{case_id}/moves")
def move(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Advance, fall back, pause, resume or exit; ``intent=preview`` judges and writes
    nothing (the CLI's ``--dry-run``), ``intent=save`` saves."""
    checked_ids(case_id)
    kind = typed.get("kind", "")
    if kind not in MOVE_KINDS:
        raise InvalidInput("unknown kind of move", field="kind")
    if typed.get("intent") != "preview":
        saving = partial(_move, kivo_of(request), me, case_id, kind, typed, False)
        return act(request, me, case_id, kind, typed, saving)
    try:
        result = _move(kivo_of(request), me, case_id, kind, typed, True)
    except (Refused, InvalidInput) as error:
        return case_response(
            request, me, case_id, status_of(error), refused=error, typed=typed, form=kind
        )
    return case_response(request, me, case_id, preview=result, typed=typed, form=kind)


def _move(
    kivo: Any, me: SignedIn, case_id: int, kind: str, typed: dict[str, str], preview: bool
) -> MoveResult:
    on = day_field(typed, "on", texts.on)
    version = id_field(typed, "version", texts.version)
    reason = text_field(typed, "reason", texts.reason)
    common: dict[str, Any] = {"on": on, "by": me.id, "expected_version": version}
    if kind == "advance":
        workplace = workplace_field(kivo, typed)
        return moves.advance(
            kivo,
            case_id,
            parse_step(typed.get("step", "")),
            workplace_id=workplace,
            supervisor_id=supervisor_field(kivo, typed, workplace),
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
    """Mark a follow-up of the case done, with what it found."""
    checked_ids(followup_id)
    return act(
        request,
        me,
        case_id,
        f"followup-{followup_id}",
        typed,
        lambda: mark_done(
            kivo_of(request),
            followup_id,
            on=day_field(typed, "on", texts.on),
            notes=text_field(typed, "notes", texts.notes),
            finding=typed.get("finding") or None,
            by=me.id,
            case_id=case_id,
        ),
    )


@router.post("/cases/{case_id}/consent")
def consent(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Record the participant's consent, or (``action=withdraw``) its withdrawal."""
    record = (
        enrolment.withdraw_consent
        if typed.get("action") == "withdraw"
        else enrolment.record_consent
    )
    return act(
        request,
        me,
        case_id,
        "consent",
        typed,
        lambda: record(
            kivo_of(request),
            case_id,
            on=day_field(typed, "on", texts.on),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
        ),
    )


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
            status_of(error),
            user=me,
            typed=typed,
            refused=error,
            genders=GENDERS,
        )
        answer.headers["HX-Replace-Url"] = "/cases/new"
        return answer
    flash(request, texts.saved)
    return RedirectResponse(f"/cases/{enrolled.case_id}", status_code=303)


@router.post("/cases/{case_id}/notes")
def add_note(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Keep a note on the case (personal data: shown masked, never logged)."""
    text = typed.get("text", "")
    return act(
        request,
        me,
        case_id,
        "note",
        typed,
        lambda: notes.add_note(kivo_of(request), case_id, text, by=me.id),
    )


@router.post("/cases/{case_id}/followups")
def add_followup(request: Request, me: Me, case_id: int, typed: Typed) -> Response:
    """Plan an ad-hoc follow-up on the case."""

    def work() -> object:
        return adhoc_followups.add_followup(
            kivo_of(request),
            case_id,
            required(day_field(typed, "due", texts.due), "due", texts.due_needed),
            typed.get("title", ""),
            by=me.id,
            expected_version=id_field(typed, "version", texts.version),
        )

    return act(request, me, case_id, "followup-add", typed, work)
