"""The register extract as a PDF (fpdf2): the same content as the JSON document, laid
out for a person to read, in Swedish (the headings and the names of the fields; values
such as states and kinds of event are kivo's codes, as in the JSON): who they are, their
profile, then each case with its history, placements, meetings and the rest, and the
edits of their record.

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
PARTS = frozenset(CASE_PARTS)
INTRO = (
    "Registerutdrag enligt artikel 15 i dataskyddsförordningen (EU) 2016/679: de "
    "personuppgifter kivo har om dig, som de var sparade när utdraget gjordes."
)
PART_TITLES = {
    "history": "Händelser i ärendet",
    "placements": "Placeringar",
    "followups": "Uppföljningar",
    "meetings": "Trepartssamtal",
    "reminders": "Påminnelser till handläggaren (skickade och planerade)",
    "notes": "Anteckningar",
    "proposals": "Förslag till platser",
    "access_log": "Vem som har läst eller ändrat ärendet",
}
LABELS = {
    "cases": "ärenden",
    "history": "händelser",
    "placements": "placeringar",
    "followups": "uppföljningar",
    "meetings": "samtal",
    "reminders": "påminnelser",
    "notes": "anteckningar",
    "proposals": "förslag",
    "access_log": "läsningar och åtgärder",
    "record_changes": "ändringar",
    "profile": "profil",
    "id": "id",
    "name": "namn",
    "personnummer": "personnummer",
    "gender": "kön",
    "birth_year": "födelseår",
    "groups": "grupper",
    "permit_date": "uppehållstillstånd beviljat",
    "characteristics": "uppgivna egenskaper",
    "email": "e-post",
    "phone": "telefon",
    "interests": "intressen",
    "languages": "språk",
    "licences": "körkort",
    "certificates": "certifikat",
    "max_hours": "timmar i veckan högst",
    "municipality": "kommun",
    "adaptations": "anpassningar",
    "capabilities": "uppfyllda krav",
    "state": "läge",
    "step": "steg",
    "paused_from": "pausat från",
    "opened_on": "öppnat",
    "closed_on": "avslutat",
    "outcome": "utfall",
    "consent_on": "samtycke",
    "last_move_on": "senaste förflyttning",
    "caseworker_id": "handläggarens id",
    "caseworker": "handläggare",
    "seq": "nr",
    "kind": "slag",
    "from_state": "från",
    "to_state": "till",
    "on": "datum",
    "recorded_at": "registrerat",
    "actor_id": "utfört av id",
    "actor": "utfört av",
    "reason": "skäl",
    "warnings": "varningar",
    "overrides": "åsidosatta regler",
    "data": "uppgifter",
    "workplace_id": "arbetsplatsens id",
    "workplace": "arbetsplats",
    "employer": "arbetsgivare",
    "supervisor_id": "handledarens id",
    "supervisor": "handledare",
    "programme": "insats",
    "start": "start",
    "planned_end": "planerat slut",
    "ended_on": "slutade",
    "end_reason": "skäl till slut",
    "employment_kind": "anställningsform",
    "title": "rubrik",
    "due": "datum",
    "status": "status",
    "done_on": "gjord",
    "suspended_on": "vilande från",
    "cancel_reason": "skäl att stryka",
    "finding": "resultat",
    "at": "tid",
    "followup_id": "uppföljningens id",
    "about": "gäller",
    "send_on": "skickas",
    "sent_at": "skickad",
    "author_id": "skriven av id",
    "author": "skriven av",
    "text": "text",
    "place_id": "platsens id",
    "place": "plats",
    "proposed_on": "föreslagen",
    "proposed_by": "föreslagen av",
    "decided_on": "beslutad",
    "declined_by": "tackat nej",
    "placement_id": "placeringens id",
    "action": "åtgärd",
    "address": "varifrån",
    "field": "uppgift",
    "old_value": "före",
    "new_value": "efter",
}


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
        self.cell(0, 6, self.safe(f"Registerutdrag, sida {self.page_no()}"), align="C")

    def safe(self, value: str) -> str:
        if self.full_unicode:
            return value
        return value.encode("latin-1", "replace").decode("latin-1")

    def heading(self, value: str, size: int = 13) -> None:
        self.ln(2)
        self.set_font(self.body_family, size=size)
        self.multi_cell(0, LINE + 2, self.safe(value), new_x="LMARGIN", new_y="NEXT", align="L")
        self.set_font(self.body_family, size=9)

    def paragraph(self, value: str) -> None:
        self.multi_cell(0, LINE, self.safe(value), new_x="LMARGIN", new_y="NEXT", align="L")

    def facts(self, row: Mapping[str, Any]) -> None:
        for name, value in row.items():
            if name not in PARTS:  # a case's parts: each under its own heading
                self.paragraph(f"{_label(name)}: {_shown(value)}")

    def rows(self, title: str, rows: list[Mapping[str, Any]]) -> None:
        self.heading(f"{title} ({len(rows)})", size=11)
        if not rows:
            self.paragraph("Inga.")
        for row in rows:
            self.paragraph("; ".join(f"{_label(k)}: {_shown(v)}" for k, v in row.items()))
            self.ln(1)


def pdf_bytes(document: Mapping[str, Any]) -> bytes:
    """The extract ``document`` (``states.extracts.extract_document``) as a PDF file."""
    pdf = _Extract()
    person = document["person"]
    pdf.set_title(pdf.safe(f"Registerutdrag: {person['name']}"))
    pdf.set_creator("kivo")
    pdf.add_page()
    pdf.heading(f"Registerutdrag: {person['name']}", size=16)
    made_by = document["made_by"]
    pdf.paragraph(f"Gjort {document['made_at']} av {made_by['name']} (id {made_by['id']}).")
    pdf.paragraph(INTRO)
    pdf.heading("Uppgifter per slag")
    pdf.paragraph(", ".join(f"{_label(k)}: {document['counts'][k]}" for k in KINDS))
    pdf.heading("Person och kontaktuppgifter")
    pdf.facts(person)
    pdf.heading("Profil för matchning")
    if document["profile"] is None:
        pdf.paragraph("Ingen.")
    else:
        pdf.facts(document["profile"])
    for case in document["cases"]:
        pdf.heading(f"Ärende {case['id']}")
        pdf.facts(case)
        for key in CASE_PARTS:
            pdf.rows(PART_TITLES[key], case[key])
    pdf.heading("Ändringar av dina uppgifter")
    pdf.rows("Ändringar", document["record_changes"])
    return bytes(pdf.output())


def _label(name: str) -> str:
    return LABELS.get(name, name.replace("_", " "))


def _shown(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, Mapping):
        return ", ".join(f"{_label(str(k))} {_shown(v)}" for k, v in value.items()) or "-"
    if isinstance(value, list):
        return ", ".join(_shown(item) for item in value) or "-"
    return str(value)
