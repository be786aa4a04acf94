"""Case notes and other free text a caseworker types (a note, an ad-hoc follow-up's title).

A note is personal data: what a caseworker wrote down about a participant, dated by the
injected clock. Notes are append-only (a mistaken note is corrected by a later one) and
never leave kivo by an export or a log.

Free text is printed in tables, JSON and calendars, so it holds no control character:
C0/C1 controls (a line break, a tab, an escape that retitles a terminal window or
clears the screen), line and paragraph separators, and the bidirectional overrides and
isolates that make text display as something else (``states.text.is_control``, the
set names and places refuse too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from states.errors import InvalidInput
from states.messages import N_, Message
from states.text import is_control

MAX_NOTE = 4000
MAX_TITLE = 200


@dataclass(slots=True)
class CaseNote:
    """One dated note on a case; ``author_id`` is the caseworker who wrote it (if given)."""

    case_id: int
    recorded_at: datetime
    text: str
    author_id: int | None = None
    id: int | None = None


def text_problem(text: str, *, limit: int) -> str | None:
    """What is wrong with ``text`` as free text (a template with ``{what}``, its name), or
    None."""
    if not text.strip():
        return N_("{what} is empty")
    if len(text) > limit:
        return N_("{what} is longer than {limit} characters")
    if any(is_control(char) for char in text):
        return N_("{what} contains a control character (a tab, a line break, an escape …)")
    return None


def checked_text(text: str, what: str | Message, *, limit: int, field: str) -> str:
    """``text`` stripped, or InvalidInput saying what is wrong with ``what`` (a catalogue
    text such as "the note")."""
    problem = text_problem(text, limit=limit)
    if problem is not None:
        named = what if isinstance(what, Message) else Message(what)
        raise InvalidInput(Message(problem, {"what": named, "limit": limit}), field=field)
    return text.strip()
