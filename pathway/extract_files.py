"""A register extract as a file: JSON (the whole document, for a machine or an appeal)
or PDF (the same content, for the person to read), written as every file with personal
data is (``pathway.files``: 0600 from the start, renamed into place when complete; a
device, pipe or folder refused).

The target is checked before the extract is made, so an unwritable target writes
nothing: no file, and no access-log row for an extract nobody received.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pathway.extracts import person_extract
from pathway.files import beside, database_files
from states.errors import InvalidInput, quoted
from states.messages import N_, Hint, Message

if TYPE_CHECKING:
    from pathway.context import Kivo

FORMATS = ("json", "pdf")
MEDIA_TYPES = {"json": "application/json", "pdf": "application/pdf"}


@dataclass(frozen=True)
class SavedExtract:
    """Where the extract went, in which format, and how many records of each kind."""

    path: Path
    format: str
    person_id: int
    counts: dict[str, int]

    def to_dict(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "format": self.format,
            "person_id": self.person_id,
            "counts": self.counts,
        }


def checked_format(text: str) -> str:
    """``json`` or ``pdf`` (any case); anything else is bad input naming both."""
    found = text.strip().lower()
    if found not in FORMATS:
        wrong = N_("{option} {value} is not a format of the extract: use json or pdf")
        raise InvalidInput(
            Message(wrong, {"option": Hint("format", "--format"), "value": quoted(text)}),
            field="format",
        )
    return found


def render(document: dict[str, Any], fmt: str) -> bytes:
    """The document as the bytes of a ``json`` or ``pdf`` file."""
    if checked_format(fmt) == "json":
        return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
    from pathway.extract_pdf import pdf_bytes

    return pdf_bytes(document)


def save_extract(
    kivo: Kivo,
    person: str | int,
    out: Path,
    *,
    fmt: str,
    by: int | None,
    force: bool = False,
) -> SavedExtract:
    """Make the extract of ``person`` (``pathway.extracts.person_extract``) and write it
    to ``out``; the format and the target are checked first."""
    fmt = checked_format(fmt)
    partial = beside(out, option="--out", force=force, inputs=database_files(kivo.database))
    try:
        extract = person_extract(kivo, person, by=by)
        with partial.open_binary() as stream:
            stream.write(render(extract.document, fmt))
        partial.install()
    except BaseException:
        partial.discard()
        raise
    return SavedExtract(out, fmt, extract.person_id, extract.counts)
