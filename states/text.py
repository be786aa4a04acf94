"""Free text (names, notes, reasons, titles) never carries what a terminal obeys.

At input, ``text_problem`` refuses control characters: C0 controls (escape, bell,
carriage return …; a tab is allowed, a line break only where the field allows several
lines), DEL, C1 controls (``\\x9b`` starts an escape sequence on some terminals), line
and paragraph separators, and the bidirectional overrides and isolates that make text
display as something else. Zero-width joiners stay allowed: Persian and Indic names need
them.

At output, text stored before the check (or written by another program) is shown with
those characters as visible escapes: ``shown`` for text printed to a person (a table, a
message), ``json_shown`` for a JSON document (the characters JSON leaves raw become
``\\uXXXX`` escapes: the document still reads back to the same data), ``cell_shown``
for a spreadsheet cell (which cannot hold most C0 controls at all).
"""

from __future__ import annotations

import re
import unicodedata

from states.errors import InvalidInput
from states.messages import N_, Message

BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"

# Everything a terminal may act on, except tab and line feed (decided per field).
_UNSAFE = re.compile(f"[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")
_UNSAFE_OR_LINE = re.compile(f"[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")
# What JSON (``ensure_ascii=False``) leaves raw: C0 is always escaped by ``json.dumps``.
_JSON_RAW = re.compile(f"[\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")
# What an xlsx cell cannot hold (openpyxl's ILLEGAL_CHARACTERS_RE) plus what it shows.
_CELL = re.compile(f"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029{BIDI_CONTROLS}]")

_NAMES = {
    "\x1b": N_("an escape"),
    "\r": N_("a carriage return"),
    "\n": N_("a line break"),
    "\x07": N_("a bell"),
    "\x08": N_("a backspace"),
    "\x7f": N_("a delete"),
}


def is_control(char: str, *, lines: bool = False, tabs: bool = False) -> bool:
    """Whether ``char`` is one a terminal may act on (the set above; the one predicate
    names, notes, places and reasons share): ``lines`` lets a line break through,
    ``tabs`` a tab."""
    if (lines and char == "\n") or (tabs and char == "\t"):
        return False
    return unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI_CONTROLS


def unsafe_char(text: str, *, multiline: bool = False) -> str | None:
    """The first character of ``text`` a terminal may act on, or None."""
    found = (_UNSAFE if multiline else _UNSAFE_OR_LINE).search(text)
    return found.group() if found else None


def text_problem(text: str, *, multiline: bool = False) -> str | None:
    """What is wrong with ``text`` as free text (to follow the field's name), in English,
    or None."""
    said = text_said(text, multiline=multiline)
    return None if said is None else said.english()


def text_said(text: str, *, multiline: bool = False) -> Message | None:
    """What is wrong with ``text`` as free text, as a catalogue sentence, or None."""
    char = unsafe_char(text, multiline=multiline)
    if char is None:
        return None
    what = _NAMES.get(char) or (
        N_("a text-direction override") if char in BIDI_CONTROLS else N_("a control character")
    )
    return Message(
        N_("contains {what} ({char}): type plain text"),
        {"what": Message(what), "char": _escape(char)},
    )


def checked_text(text: str, field: str, *, multiline: bool = False) -> str:
    """``text`` as given, or InvalidInput naming ``field`` (e.g. ``--reason``)."""
    problem = text_said(text, multiline=multiline)
    if problem is not None:
        said = Message(N_("{field} {problem}"), {"field": field, "problem": problem})
        raise InvalidInput(said, field=field.lstrip("-").replace("-", "_"))
    return text


def shown(text: str, *, multiline: bool = True) -> str:
    """``text`` for a terminal: every unsafe character as a visible escape (``\\x1b``);
    a line break stays one unless ``multiline`` is false."""
    return (_UNSAFE if multiline else _UNSAFE_OR_LINE).sub(_visible, text)


def json_shown(document: str) -> str:
    """A JSON document (from ``json.dumps``) whose strings hold no raw control character:
    those JSON leaves raw become ``\\uXXXX`` escapes, which decode to the same text."""
    return _JSON_RAW.sub(lambda m: f"\\u{ord(m.group()):04x}", document)


def cell_shown(text: str) -> str:
    """Text an xlsx cell can hold and a spreadsheet shows as it is meant."""
    return _CELL.sub(_visible, text)


def _visible(found: re.Match[str]) -> str:
    return _escape(found.group())


def _escape(char: str) -> str:
    code = ord(char)
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"
