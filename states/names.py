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
from states.messages import N_, Hint, Message
from states.personnummer import holds_personnummer
from states.text import is_control

MAX_NAME = 200


WHOSE = {
    "a participant": N_("a participant's name {problem}"),
    "a caseworker": N_("a caseworker's name {problem}"),
    "a supervisor": N_("a supervisor's name {problem}"),
    "a workplace": N_("a workplace's name {problem}"),
    "the employer": N_("the employer's name {problem}"),
    "the municipality": N_("the municipality's name {problem}"),
}
"""Whose name is wrong, as a sentence for each ``what`` kivo checks."""

WHERE_THE_NUMBER_GOES = Hint("personnummer", "--personnummer, the personnummer column")


def name_problem(text: str, *, today: date) -> str | None:
    """What is wrong with ``text`` as a name (to follow the word "name"), in English, or
    None."""
    said = name_said(text, today=today)
    return None if said is None else said.english()


def name_said(text: str, *, today: date) -> Message | None:
    """What is wrong with ``text`` as a name, as a catalogue sentence, or None."""
    if not text.strip():
        return Message(N_("is empty"))
    if len(text) > MAX_NAME:
        return Message(N_("is longer than {limit} characters"), {"limit": MAX_NAME})
    if any(is_control(char) for char in text):
        return Message(N_("contains a control character (a tab, a line break, an escape …)"))
    if holds_personnummer(text, today=today):
        return Message(
            N_(
                "holds a personnummer: names are shown in full, so give the number only "
                "where it is asked for ({where})"
            ),
            {"where": WHERE_THE_NUMBER_GOES},
        )
    return None


def checked_name(text: str, what: str, *, today: date, field: str = "name") -> str:
    """``text`` stripped, or InvalidInput saying what is wrong with ``what``'s name."""
    problem = name_said(text, today=today)
    if problem is not None:
        template = WHOSE.get(what)
        if template is None:
            said = Message(N_("{what}'s name {problem}"), {"what": what, "problem": problem})
        else:
            said = Message(template, {"problem": problem})
        raise InvalidInput(said, field=field)
    return text.strip()
