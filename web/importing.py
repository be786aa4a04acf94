"""Import (coordinators): upload a CSV of participants; the preview lists every bad row
before anything is written; confirming writes all the valid rows in one transaction, or
none. The same use case as ``kivo import``: the file goes through ``import_file`` (its
encoding, delimiter and row checks), from a temporary folder deleted afterwards."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import Response
from starlette.datastructures import UploadFile

from pathway.importing import import_file
from pathway.workspace import SignedIn
from states.errors import InvalidInput
from web.auth import current_caseworker
from web.deps import kivo_of
from web.page_language import texts
from web.render import page
from web.security import CSRF_FIELD

router = APIRouter()

Me = Annotated[SignedIn, Depends(current_caseworker)]
MAX_UPLOAD_BYTES = 5_000_000
"""An import's body may be this large (other requests: ``security.MAX_BODY_BYTES``)."""


async def upload_of(request: Request) -> tuple[bytes | None, dict[str, str]]:
    """The uploaded file's bytes (or the CSV text a preview carried on, as UTF-8) and the
    other fields."""
    form = await request.form()
    data: bytes | None = None
    upload = form.get("file")
    if isinstance(upload, UploadFile):
        data = await upload.read()
    elif isinstance(form.get("csv"), str):
        data = str(form.get("csv")).encode("utf-8")
    typed = {
        k: str(v) for k, v in form.items() if isinstance(v, str) and k not in (CSRF_FIELD, "csv")
    }
    return data, typed


Upload = Annotated[tuple[bytes | None, dict[str, str]], Depends(upload_of)]


def _coordinator(me: SignedIn) -> None:
    if not me.coordinator:
        raise HTTPException(status_code=403, detail="coordinators only")


@router.get("/import")
def import_form(request: Request, me: Me) -> Response:
    _coordinator(me)
    return page(request, "import.html", user=me, result=None, csv=None)


@router.post("/import")
def import_upload(request: Request, me: Me, upload: Upload) -> Response:
    _coordinator(me)
    data, typed = upload
    if not data:
        raise InvalidInput(texts.i_no_file, field="file")
    save = typed.get("intent") == "save"
    try:
        with tempfile.TemporaryDirectory(prefix="kivo-import-") as folder:
            path = Path(folder) / "import.csv"
            path.write_bytes(data)
            result = import_file(
                kivo_of(request), path, dry_run=not save, skip_invalid=True, by=me.id
            )
    except InvalidInput as error:  # the file as a whole: its header, its encoding
        return page(request, "import.html", 400, user=me, result=None, csv=None, refused=error)
    csv_text = None if save else data.decode("utf-8-sig")
    return page(request, "import.html", user=me, result=result, csv=csv_text)
