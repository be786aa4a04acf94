"""Finding a participant by what a person types: part of a name, or a personnummer.

Names are compared folded: accents and case taken away (NFKD, combining marks dropped,
case-folded, a few letters NFKD leaves whole spelt out), so "asa" finds "Åsa Öberg" and
"oberg" finds her too. A name is kept as its folded words; a query matches a person when
each of its words begins one of the person's words ("ås öb" finds Åsa Öberg). Matching a
word's beginning lets storage look words up in an index instead of reading every name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date

from states.errors import InvalidInput
from states.messages import N_, Message
from states.personnummer import parse_personnummer

MAX_QUERY = 200
MAX_WORDS = 6
# Letters that NFKD leaves as they are but a Swedish keyboard user types without marks.
_SPELT_OUT = str.maketrans(
    {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ð": "d", "þ": "th", "ı": "i"}
)
# Apostrophes and the like join a word ("O'Brien" is one word, "obrien"); anything else
# that is not a letter or digit separates words ("Anna-Karin" is "anna" and "karin").
_JOINERS = re.compile(r"['’ʼ`´.]")
_SEPARATORS = re.compile(r"[\W_]+")
_NUMBER_LIKE = re.compile(r"[0-9\s+-]+")


def fold(text: str) -> str:
    """``text`` without accents or case: "Åsa Öberg" -> "asa oberg"."""
    compatible = unicodedata.normalize("NFKD", text).casefold()  # "𝕬" -> "A" -> "a"
    decomposed = unicodedata.normalize("NFKD", compatible.translate(_SPELT_OUT))
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def name_words(name: str) -> list[str]:
    """The distinct folded words of a name, in order: what storage indexes a person by."""
    joined = _JOINERS.sub("", fold(name))
    return list(dict.fromkeys(word for word in _SEPARATORS.split(joined) if word))


def matches(query_words: list[str], name: str) -> bool:
    """Whether every query word begins some word of ``name`` (the rule storage applies)."""
    words = name_words(name)
    return all(any(word.startswith(part) for word in words) for part in query_words)


@dataclass(frozen=True, slots=True)
class Query:
    """What to look for: a personnummer (12 digits) or the beginnings of name words."""

    personnummer: str | None = None
    words: tuple[str, ...] = ()


def parse_query(text: str, *, today: date) -> Query:
    """A search text as a query. Text made of digits (with - or +) is a personnummer in
    any accepted form and must be a valid one; anything else is a name, folded."""
    stripped = text.strip()
    if not stripped:
        raise InvalidInput(
            Message(N_("the search text is empty: give part of a name or a personnummer"))
        )
    if len(stripped) > MAX_QUERY:
        said = Message(
            N_("the search text is longer than {limit} characters"), {"limit": MAX_QUERY}
        )
        raise InvalidInput(said, field="text")
    if _NUMBER_LIKE.fullmatch(stripped) and sum(c.isdigit() for c in stripped) >= 6:
        digits = parse_personnummer(stripped.replace(" ", ""), today=today).digits
        return Query(personnummer=digits)
    words = name_words(stripped)
    if not words:
        nothing = N_(
            "the search text has no letters or digits: give part of a name or a personnummer"
        )
        raise InvalidInput(Message(nothing), field="text")
    if len(words) > MAX_WORDS:
        said = Message(N_("give at most {limit} words of a name"), {"limit": MAX_WORDS})
        raise InvalidInput(said, field="text")
    return Query(words=tuple(words))


@dataclass(frozen=True, slots=True)
class FoundCase:
    """A case whose participant matched a search (read side; the personnummer unmasked,
    for the use case to mask)."""

    case_id: int
    person_id: int
    name: str
    personnummer: str | None
    state: str
    step: int | None
    caseworker_id: int | None
    caseworker: str | None
    opened_on: date
    closed_on: date | None
