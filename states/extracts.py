"""The register extract (registerutdrag, GDPR art. 15): everything kivo holds about one
person, as a plain document for the person to read.

Storage hands over what it holds as ``Held`` (rows as plain mappings, grouped by kind);
``extract_document`` turns that into the document, pure: each case with its own
history, placements, meetings and the rest beneath it, dates and moments as ISO text,
and the counts per kind the summary shows. The personnummer is given in full: it is
the person's own extract.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

Row = Mapping[str, Any]

CASE_PARTS: tuple[str, ...] = (
    "history",
    "placements",
    "followups",
    "meetings",
    "reminders",
    "notes",
    "proposals",
    "access_log",
)
"""What each case holds, in the order the document lists it."""

KINDS: tuple[str, ...] = (
    "cases",
    *CASE_PARTS,
    "record_changes",
    "profile",
)
"""The kinds of record an extract counts."""

LEGAL_BASIS = (
    "Register extract under article 15 of the General Data Protection Regulation "
    "(EU) 2016/679: the personal data kivo holds about you, as stored on the day above."
)


@dataclass(frozen=True)
class Held:
    """What storage holds about one person: ``person`` (with contact details),
    ``profile`` (or ``None``) and rows of each other kind; every row of a case's part
    names its ``case_id``."""

    person: Row
    profile: Row | None = None
    cases: Sequence[Row] = ()
    parts: Mapping[str, Sequence[Row]] = field(default_factory=dict)
    record_changes: Sequence[Row] = ()


def extract_document(held: Held, *, made_at: datetime, made_by: Row) -> dict[str, Any]:
    """The extract as a JSON-ready document (only str, int, float, bool, None, lists
    and dicts in it)."""
    cases = [_case(row, held.parts) for row in held.cases]
    document: dict[str, Any] = {
        "document": "register-extract",
        "legal_basis": LEGAL_BASIS,
        "made_at": made_at.isoformat(),
        "made_by": plain(made_by),
        "person": plain(held.person),
        "profile": None if held.profile is None else plain(held.profile),
        "cases": cases,
        "record_changes": [plain(row) for row in held.record_changes],
    }
    document["counts"] = counts(document)
    return document


def counts(document: Mapping[str, Any]) -> dict[str, int]:
    """How many records of each kind (``KINDS``) the document holds."""
    found = {kind: 0 for kind in KINDS}
    found["cases"] = len(document["cases"])
    for case in document["cases"]:
        for key in CASE_PARTS:
            found[key] += len(case[key])
    found["record_changes"] = len(document["record_changes"])
    found["profile"] = 0 if document["profile"] is None else 1
    return found


def _case(row: Row, parts: Mapping[str, Sequence[Row]]) -> dict[str, Any]:
    case = plain(row)
    for key in CASE_PARTS:
        case[key] = [
            {name: value for name, value in plain(part).items() if name != "case_id"}
            for part in parts.get(key, ())
            if part["case_id"] == row["id"]
        ]
    return case


def plain(row: Row) -> dict[str, Any]:
    """A row with its dates and moments as ISO text, lists and mappings copied."""
    return {str(name): _value(value) for name, value in row.items()}


def _value(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {str(key): _value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_value(item) for item in value]
    return value
