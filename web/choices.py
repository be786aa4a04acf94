"""The workplace and supervisor fields of the case forms: typed, not picked from a list
of every one (a list of 20,000 workplaces made the case page 300 KB). What was typed is
resolved here to one id — a number, a full name, or the only name containing it — or
refused with a sentence naming the field and listing the matches to choose from."""

from __future__ import annotations

from pathway.choosing import Choice, Found, find_supervisor, find_workplace
from pathway.context import Kivo
from pathway.language import render
from states.errors import InvalidInput, quoted
from states.messages import N_
from web.page_language import current, texts

NO_WORKPLACE = N_("{label}: no active workplace is called or has the number {text}")
NO_SUPERVISOR = N_("{label}: no active supervisor is called or has the number {text}")
SEVERAL = N_("{label}: {text} fits several: {listed}. Type the full name or the number of one.")
SEVERAL_AND_MORE = N_(
    "{label}: {text} fits several: {listed} and more. Type the full name or the number of one."
)
NUMBERED = N_("{name} (no. {id})")


def workplace_field(kivo: Kivo, typed: dict[str, str]) -> int | None:
    """The workplace the form's ``workplace`` field names; empty: none."""
    text = typed.get("workplace", "").strip()
    if not text:
        return None
    return _one(find_workplace(kivo, text), text, "workplace", texts.workplace, NO_WORKPLACE)


def supervisor_field(kivo: Kivo, typed: dict[str, str], workplace_id: int | None) -> int | None:
    """The supervisor the form's ``supervisor`` field names, among ``workplace_id``'s
    when a workplace was chosen; empty: none."""
    text = typed.get("supervisor", "").strip()
    if not text:
        return None
    found = find_supervisor(kivo, text, workplace_id=workplace_id)
    return _one(found, text, "supervisor", texts.supervisor, NO_SUPERVISOR)


def _one(found: Found, text: str, field: str, label: str, none: str) -> int:
    if found.chosen is not None:
        return found.chosen.id
    lang = current()
    if not found.matches:
        raise InvalidInput(render(lang, none, {"label": label, "text": quoted(text)}), field=field)
    listed = ", ".join(_named(lang, choice) for choice in found.matches)
    template = SEVERAL_AND_MORE if found.more else SEVERAL
    raise InvalidInput(
        render(lang, template, {"label": label, "text": quoted(text), "listed": listed}),
        field=field,
        matches=[choice.id for choice in found.matches],
    )


def _named(lang: str, choice: Choice) -> str:
    return render(lang, NUMBERED, {"name": choice.name, "id": choice.id})
