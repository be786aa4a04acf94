"""Whose cases a caseworker may see and change: their own caseload; a coordinator, all.

The one place the pages check it. When the use cases enforce it themselves (for every
entry point), this function becomes a no-op or goes."""

from __future__ import annotations

from pathway.context import Kivo
from pathway.workspace import SignedIn, owner_of
from states.errors import NotFound

MAX_ID = 999_999_999
"""The largest id an address may name (nine digits, as the CLI's ids): a larger one is
no case, and never reaches the database (where it could overflow the column)."""


def require_visible(kivo: Kivo, who: SignedIn, case_id: int) -> None:
    """``NotFound`` (404) for a case that does not exist or is not the caseworker's own:
    the answer is the same, so a page never tells that someone else's case exists."""
    if not 1 <= case_id <= MAX_ID:
        raise NotFound(f"no case with id {case_id}", what="case", id=case_id)
    owner = owner_of(kivo, case_id)
    if not who.coordinator and owner != who.id:
        raise NotFound(f"no case with id {case_id}", what="case", id=case_id)
