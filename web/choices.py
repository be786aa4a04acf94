"""The workplace and supervisor fields of the case forms: typed, not picked from a list
of every one (a list of 20,000 workplaces made the case page 300 KB). What was typed is
resolved here to one id — a number, a full name, or the only name containing it — or
refused with a sentence naming the field and listing the matches to choose from."""

from __future__ import annotations

from pathway.choosing import Choice, Found, find_supervisor, find_workplace
from pathway.context import Kivo
from states.errors import InvalidInput, quoted
from web.texts import texts


def workplace_field(kivo: Kivo, typed: dict[str, str]) -> int | None:
    """The workplace the form's ``workplace`` field names; empty: none."""
    text = typed.get("workplace", "").strip()
    if not text:
        return None
    return _one(find_workplace(kivo, text), text, "workplace", texts.workplace, "arbetsplats")


def supervisor_field(kivo: Kivo, typed: dict[str, str], workplace_id: int | None) -> int | None:
    """The supervisor the form's ``supervisor`` field names, among ``workplace_id``'s
    when a workplace was chosen; empty: none."""
    text = typed.get("supervisor", "").strip()
    if not text:
        return None
    found = find_supervisor(kivo, text, workplace_id=workplace_id)
    return _one(found, text, "supervisor", texts.supervisor, "handledare")


def _one(found: Found, text: str, field: str, label: str, noun: str) -> int:
    if found.chosen is not None:
        return found.chosen.id
    if not found.matches:
        raise InvalidInput(
            f"{label}: ingen aktiv {noun} heter eller har numret {quoted(text)}", field=field
        )
    listed = ", ".join(_named(choice) for choice in found.matches)
    more = " med flera" if found.more else ""
    raise InvalidInput(
        f"{label}: {quoted(text)} passar flera: {listed}{more}. "
        "Skriv hela namnet eller numret på en av dem.",
        field=field,
        matches=[choice.id for choice in found.matches],
    )


def _named(choice: Choice) -> str:
    return f"{choice.name} (nr {choice.id})"
