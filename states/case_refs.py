"""Cases named by a caller, each perhaps with the version the caller looked at.

``12`` names case 12; ``12@3`` names case 12 as the caller saw it at version 3, so a
change to several cases can refuse, case by case, one that changed since (a conflict).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from states.errors import InvalidInput, quoted
from states.messages import N_, Message


@dataclass(frozen=True)
class CaseRef:
    """A case named by the caller, with the version it looked at (``None``: any)."""

    case_id: int
    version: int | None = None


def parse_case_ref(text: str) -> CaseRef:
    """``12`` or ``12@3`` (case 12, expected at version 3); anything else is bad input
    that names the problem (without echoing what may be a personnummer)."""
    raw = text.strip()
    case_part, at, version_part = raw.partition("@")
    if _is_id(case_part) and (not at or _is_id(version_part)):
        return CaseRef(int(case_part), int(version_part) if at else None)
    said = N_(
        "{text} is not an id (a whole number such as 12), nor an id with the version you "
        "looked at (such as 12@3)"
    )
    raise InvalidInput(Message(said, {"text": quoted(raw)}), field="case")


def _is_id(text: str) -> bool:
    return text.isascii() and text.isdecimal() and len(text) <= 9


def checked_refs(refs: Sequence[CaseRef]) -> list[CaseRef]:
    """The cases to change, refused as bad input when there are none or one is named
    twice."""
    if not refs:
        raise InvalidInput(Message(N_("name at least one case")), field="case")
    twice = sorted(case_id for case_id, n in Counter(r.case_id for r in refs).items() if n > 1)
    if twice:
        named = ", ".join(str(case_id) for case_id in twice)
        said = Message(
            N_("each case may be named once; named more than once: {cases}"), {"cases": named}
        )
        raise InvalidInput(said, field="case")
    return list(refs)
