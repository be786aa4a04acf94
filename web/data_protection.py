"""Dataskydd (coordinators): a person's register extract (GDPR art. 15) as a JSON or
PDF download, made by the same use case as ``kivo person extract``. A caseworker is
answered as if the page did not exist (404)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response

from pathway.errors import Refused
from pathway.extract_files import MEDIA_TYPES, checked_format, render
from pathway.extracts import person_extract
from pathway.workspace import SignedIn
from states.errors import InvalidInput, NotFound
from web.auth import current_caseworker
from web.deps import kivo_of
from web.forms import Typed
from web.page_language import texts
from web.render import page

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
TEMPLATE = "data_protection.html"


def _coordinator(me: SignedIn) -> None:
    if not me.coordinator:
        raise HTTPException(status_code=404)


@router.get("/data-protection")
def data_protection(request: Request, me: Me) -> Response:
    _coordinator(me)
    return page(request, TEMPLATE, user=me, chosen="pdf", refused=None)


@router.post("/data-protection/extract")
def extract(request: Request, me: Me, typed: Typed) -> Response:
    """The extract as a download; bad input or an unknown person: the form again with
    the sentence, nothing made (and nothing logged)."""
    _coordinator(me)
    chosen = typed.get("format", "pdf")
    try:
        fmt = checked_format(chosen)
        if not typed.get("person"):
            raise InvalidInput(texts.dp_person_missing, field="person")
        made = person_extract(kivo_of(request), typed["person"], by=me.id)
    except (InvalidInput, NotFound, Refused) as error:
        status = 404 if isinstance(error, NotFound) else 400
        return page(request, TEMPLATE, status, user=me, chosen=chosen, refused=error)
    name = f"registerutdrag-{made.person_id}.{fmt}"
    return Response(
        render(made.document, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"content-disposition": f'attachment; filename="{name}"'},
    )
