"""A posted form's fields, read once for a handler."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request

from web.security import CSRF_FIELD


async def typed_of(request: Request) -> dict[str, str]:
    """The form's fields as typed (the CSRF token left out), to fill the form again.

    Read here, in the event loop; the handlers are plain functions that FastAPI runs in
    its thread pool, so a use case's database work never blocks other requests."""
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items() if k != CSRF_FIELD and isinstance(v, str)}


Typed = Annotated[dict[str, str], Depends(typed_of)]
