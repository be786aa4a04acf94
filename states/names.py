"""Names of people and places: printed in full everywhere (lists, letters, calendars,
exports), so a name holds no personnummer and no control character.

Control characters are C0/C1 controls (tab, line break, escape: they break a table, a
CSV row or a terminal), line and paragraph separators, and the bidirectional overrides
and isolates that make a name display as something else. Zero-width joiners and
non-joiners stay allowed: Persian and Indic names need them.
"""

from __future__ import annotations

from datetime import date

from states.errors import InvalidInput
from states.personnummer import holds_personnummer
from states.text import is_control

MAX_NAME = 200


def name_problem(text: str, *, today: date) -> str | None:
    """What is wrong with ``text`` as a name (to follow the word "name"), or None."""
    if not text.strip():
        return "is empty"
    if len(text) > MAX_NAME:
        return f"is longer than {MAX_NAME} characters"
    if any(is_control(char) for char in text):
        return "contains a control character (a tab, a line break, an escape …)"
    if holds_personnummer(text, today=today):
        return (
            "holds a personnummer: names are shown in full, so give the number only "
            "where it is asked for (--personnummer, the personnummer column)"
        )
    return None


def checked_name(text: str, what: str, *, today: date, field: str = "name") -> str:
    """``text`` stripped, or InvalidInput saying what is wrong with ``what``'s name."""
    problem = name_problem(text, today=today)
    if problem is not None:
        raise InvalidInput(f"{what}'s name {problem}", field=field)
    return text.strip()
