"""A posted form's fields, read once for a handler."""

from __future__ import annotations

from datetime import date
from typing import Annotated, TypeVar

from fastapi import Depends, Request

from pathway.language import render
from states.calendar_bounds import check_day
from states.errors import InvalidInput, quoted
from states.messages import N_
from states.text import checked_text
from web.page_language import current
from web.security import CSRF_FIELD

NOT_A_DAY = N_("{label}: {value} is not a date in the form YYYY-MM-DD")
NOT_AN_ID = N_("{label}: {value} is not an id")


async def typed_of(request: Request) -> dict[str, str]:
    """The form's fields as typed (the CSRF token left out), to fill the form again.

    Read here, in the event loop; the handlers are plain functions that FastAPI runs in
    its thread pool, so a use case's database work never blocks other requests."""
    form = await request.form()
    return {k: str(v).strip() for k, v in form.items() if k != CSRF_FIELD and isinstance(v, str)}


Typed = Annotated[dict[str, str], Depends(typed_of)]


def text_field(typed: dict[str, str], name: str, label: str) -> str | None:
    value = typed.get(name) or None
    return checked_text(value, label, multiline=True) if value is not None else None


def day_field(typed: dict[str, str], name: str, label: str) -> date | None:
    return parse_day(typed.get(name), name, label)


def parse_day(value: str | None, name: str, label: str) -> date | None:
    """A day as typed (YYYY-MM-DD) in the field ``name``; empty: none."""
    if not value:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        raise InvalidInput(
            render(current(), NOT_A_DAY, {"label": label, "value": quoted(value)}), field=name
        ) from None
    return check_day(day, label)


def id_field(typed: dict[str, str], name: str, label: str) -> int | None:
    value = typed.get(name)
    if not value:
        return None
    if not (value.isascii() and value.isdigit()) or len(value) > 9:
        raise InvalidInput(
            render(current(), NOT_AN_ID, {"label": label, "value": quoted(value)}), field=name
        )
    return int(value)


T = TypeVar("T")


def required(value: T | None, name: str, message: str) -> T:
    """A field the form needs: left empty, it is bad input naming the field."""
    if value is None:
        raise InvalidInput(message, field=name)
    return value
