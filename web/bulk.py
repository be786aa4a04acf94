"""Bulk actions from the case list: book a follow-up on several cases, or (coordinators)
hand several cases to another caseworker. Each case is its own transaction through the
same use case as one case: the result is per case, done or refused with the reason, and
one refusal never undoes the others."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pathway.actors import hidden
from pathway.adhoc_followups import add_followup
from pathway.context import Kivo
from pathway.handover import transfer_caseload
from pathway.workspace import SignedIn, owner_of
from states.errors import InvalidInput, KivoError
from states.import_rows import joined
from states.messages import N_, Message
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import day_field, id_field
from web.page_language import texts
from web.pages import MAX_ID
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
MAX_CASES = 200
ACTIONS = ("followup", "reassign")


@dataclass(frozen=True)
class Outcome:
    """One case's result: what was done, or why not (a ``Message`` the page says in its
    language; ``rule_text`` renders either)."""

    case_id: int
    done: bool
    message: str | Message


async def chosen_of(request: Request) -> tuple[list[str], dict[str, str]]:
    """The cases ticked (``case``, repeated) and the other fields as typed."""
    form = await request.form()
    cases = [str(v) for v in form.getlist("case")]
    typed = {k: str(v).strip() for k, v in form.items() if k not in ("case", "csrf_token")}
    return cases, typed


Chosen = Annotated[tuple[list[str], dict[str, str]], Depends(chosen_of)]


@router.post("/cases/bulk")
def bulk(request: Request, me: Me, chosen: Chosen) -> Response:
    kivo = kivo_of(request)
    raw, typed = chosen
    action = typed.get("action", "")
    if action not in ACTIONS:
        raise InvalidInput(Message(N_("unknown bulk action")), field="action")
    if action == "reassign" and not me.coordinator:
        raise HTTPException(status_code=403, detail="reassign")
    case_ids = sorted({_case_id(text) for text in raw})
    if not case_ids:
        raise InvalidInput(texts.bulk_none, field="case")
    if len(case_ids) > MAX_CASES:
        raise InvalidInput(f"{texts.bulk_too_many} ({MAX_CASES})", field="case")
    act = _followup(kivo, me, typed) if action == "followup" else _reassign(kivo, me, typed)
    outcomes = [_one(kivo, me, case_id, act) for case_id in case_ids]
    answer = page(request, "bulk.html", user=me, outcomes=outcomes, action=action)
    answer.headers["HX-Replace-Url"] = "/cases"  # a reload lists the cases again
    return answer


def _case_id(text: str) -> int:
    if not (text.isascii() and text.isdigit()) or len(text) > 9:
        raise InvalidInput(Message(N_("not a case id")), field="case")
    return int(text)


def _one(kivo: Kivo, me: SignedIn, case_id: int, act: Callable[[int], str]) -> Outcome:
    try:
        if not 1 <= case_id <= MAX_ID:
            raise hidden(case_id)
        return Outcome(case_id, True, act(case_id))
    except KivoError as error:
        return Outcome(case_id, False, reason_of(error))


def reason_of(error: KivoError) -> str | Message:
    """Why a case was refused: each violated rule (or the error itself), from the
    catalogue where it was said from it; plain English text stays as it was."""
    violations = getattr(error, "violations", ())
    reasons: list[str | Message] = [v.said or v.message for v in violations]
    if not reasons:
        reasons = [error.said or error.message]
    if all(isinstance(reason, str) for reason in reasons):
        return "; ".join(str(reason) for reason in reasons)
    return joined([_said(reason) for reason in reasons], "; ")


def _said(reason: str | Message) -> Message:
    """A reason as a ``Message``: plain text becomes a catalogue text of its own (which a
    page translates when the catalogue has it, as ``violation_text`` does)."""
    return reason if isinstance(reason, Message) else Message(reason)


def _followup(kivo: Kivo, me: SignedIn, typed: dict[str, str]) -> Callable[[int], str]:
    due = day_field(typed, "due", texts.due)
    title = typed.get("title", "")
    if due is None:
        raise InvalidInput(texts.bulk_due_needed, field="due")

    def act(case_id: int) -> str:
        item = add_followup(kivo, case_id, due, title, by=me.id)
        return f"{item.title} ({item.due.isoformat()})"

    return act


def _reassign(kivo: Kivo, me: SignedIn, typed: dict[str, str]) -> Callable[[int], str]:
    to = id_field(typed, "to", texts.caseworker_col)
    if to is None:
        raise InvalidInput(texts.bulk_to_needed, field="to")

    def act(case_id: int) -> str:
        owner = owner_of(kivo, case_id, by=me.id)
        if owner is None:
            nobody = N_("case {case} has no caseworker to hand over from")
            raise InvalidInput(Message(nobody, {"case": case_id}))
        transfer_caseload(kivo, owner, to, case_ids=[case_id], by=me.id)
        return str(texts.bulk_reassigned)

    return act
