"""The register extract as a PDF (fpdf2): the same content as the JSON document, laid
out for a person to read: who they are, their profile, then each case with its history,
placements, meetings and the rest, and the edits of their record.

The text is set in DejaVu Sans when the system has it (every character of every name);
otherwise in the PDF core font Helvetica, which holds Latin-1 (Swedish included) and
shows any other character as ``?`` (the JSON extract holds it exactly).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from fpdf import FPDF

from states.extracts import CASE_PARTS, KINDS

FONT_PLACES = (
    Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/dejavu/DejaVuSans.ttf"),
    Path("/usr/share/fonts/TTF/DejaVuSans.ttf"),
    Path("/Library/Fonts/DejaVuSans.ttf"),
)
LINE = 5.0
PARTS = frozenset(key for key, _ in CASE_PARTS)


class _Extract(FPDF):
    def __init__(self) -> None:
        super().__init__(format="A4")
        self.set_auto_page_break(auto=True, margin=15)
        font = next((place for place in FONT_PLACES if place.is_file()), None)
        if font is not None:
            self.add_font("Body", "", str(font))
            self.body_family = "Body"
            self.full_unicode = True
        else:
            self.body_family = "Helvetica"
            self.full_unicode = False

    def footer(self) -> None:
        self.set_y(-12)
        self.set_font(self.body_family, size=8)
        self.cell(0, 6, self.safe(f"Register extract, page {self.page_no()}"), align="C")

    def safe(self, value: str) -> str:
        if self.full_unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(self.body_family, size=size)
        self.multi_cell(0, LINE + 2, self.safe(value), new_x="LMARGIN", new_y="NEXT")
        self.set_font(self.body_family, size=9)

    def paragraph(self, value: str) -> None:
        self.multi_cell(0, LINE, self.safe(value), new_x="LMARGIN", new_y="NEXT")

    def facts(self, row: Mapping[str, Any]) -> None:
        for name, value in row.items():
            if name not in PARTS:  # a case's parts: each under its own heading
                self.paragraph(f"{_label(name)}: {_shown(value)}")

    def rows(self, title: str, rows: list[Mapping[str, Any]]) -> None:
        self.heading(f"{title} ({len(rows)})", size=11)
        if not rows:
            self.paragraph("None.")
        for row in rows:
            self.paragraph("; ".join(f"{_label(k)}: {_shown(v)}" for k, v in row.items()))
            self.ln(1)


def pdf_bytes(document: Mapping[str, Any]) -> bytes:
    """The extract ``document`` (``states.extracts.extract_document``) as a PDF file."""
    pdf = _Extract()
    person = document["person"]
    pdf.set_title(pdf.safe(f"Register extract: {person['name']}"))
    pdf.set_creator("kivo")
    pdf.add_page()
    pdf.heading(f"Register extract: {person['name']}", size=16)
    made_by = document["made_by"]
    pdf.paragraph(f"Made {document['made_at']} by {made_by['name']} (id {made_by['id']}).")
    pdf.paragraph(document["legal_basis"])
    pdf.heading("Records held, by kind")
    pdf.paragraph(", ".join(f"{_label(k)}: {document['counts'][k]}" for k in KINDS))
    pdf.heading("Person and contact details")
    pdf.facts(person)
    pdf.heading("Profile for matching")
    if document["profile"] is None:
        pdf.paragraph("None.")
    else:
        pdf.facts(document["profile"])
    for case in document["cases"]:
        pdf.heading(f"Case {case['id']}")
        pdf.facts(case)
        for key, title in CASE_PARTS:
            pdf.rows(title, case[key])
    pdf.heading("Changes to your record")
    pdf.rows("Edits", document["record_changes"])
    return bytes(pdf.output())


def _label(name: str) -> str:
    return name.replace("_", " ")


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, Mapping):
        return ", ".join(f"{_label(str(k))} {_shown(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "-"
    return str(value)
