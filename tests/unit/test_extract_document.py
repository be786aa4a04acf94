"""The register extract's document, built from what storage holds (pure): each case
with its own parts beneath it, dates as ISO text, the counts per kind; and the PDF of it
carries the same text."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime

import pytest
from pypdf import PdfReader

from pathway.extract_files import checked_format, render
from states.errors import InvalidInput
from states.extracts import KINDS, Held, counts, extract_document

MADE_AT = datetime(2026, 3, 2, 8, tzinfo=UTC)
COORDINATOR = {"id": 2, "name": "Karin Ek"}


def held() -> Held:
    return Held(
        person={"id": 7, "name": "Åsa Öberg", "personnummer": "199804123389", "email": None},
        profile={"interests": ["kitchen"], "capabilities": []},
        cases=[
            {"id": 1, "state": "exited", "opened_on": date(2025, 1, 2)},
            {"id": 4, "state": "enrolled", "opened_on": date(2026, 1, 12)},
        ],
        parts={
            "history": [
                {"case_id": 1, "kind": "enrolled", "on": date(2025, 1, 2)},
                {"case_id": 4, "kind": "enrolled", "on": date(2026, 1, 12)},
                {"case_id": 1, "kind": "exited", "on": date(2025, 6, 30)},
            ],
            "notes": [{"case_id": 4, "text": "Ringde", "recorded_at": MADE_AT}],
            "access_log": [{"case_id": 4, "action": "read", "caseworker": "Anna"}],
        },
        record_changes=[{"field": "email", "old_value": "a@b.se", "new_value": None}],
    )


def test_each_case_holds_only_its_own_records_without_repeating_its_id() -> None:
    document = extract_document(held(), made_at=MADE_AT, made_by=COORDINATOR)

    first, second = document["cases"]
    assert [e["kind"] for e in first["history"]] == ["enrolled", "exited"]
    assert second["history"] == [{"kind": "enrolled", "on": "2026-01-12"}]
    assert first["notes"] == []
    assert second["notes"] == [{"text": "Ringde", "recorded_at": "2026-03-02T08:00:00+00:00"}]
    assert first["placements"] == second["placements"] == []


def test_the_document_is_plain_json_with_the_full_personnummer_and_who_made_it() -> None:
    document = extract_document(held(), made_at=MADE_AT, made_by=COORDINATOR)

    assert json.loads(json.dumps(document)) == document
    assert document["person"]["personnummer"] == "199804123389"
    assert (document["made_at"], document["made_by"]) == ("2026-03-02T08:00:00+00:00", COORDINATOR)
    assert document["cases"][0]["opened_on"] == "2025-01-02"


def test_the_counts_name_every_kind_and_count_what_the_document_holds() -> None:
    document = extract_document(held(), made_at=MADE_AT, made_by=COORDINATOR)

    assert list(document["counts"]) == list(KINDS)
    assert document["counts"] == {
        **{kind: 0 for kind in KINDS},
        "cases": 2,
        "history": 3,
        "notes": 1,
        "access_log": 1,
        "record_changes": 1,
        "profile": 1,
    }
    assert counts(document) == document["counts"]


def test_a_person_with_nothing_but_their_identity_gets_an_extract_of_zeros() -> None:
    document = extract_document(Held(person={"id": 3, "name": "Bo"}), made_at=MADE_AT, made_by={})

    assert document["cases"] == []
    assert document["profile"] is None
    assert set(document["counts"].values()) == {0}


def test_the_pdf_is_a_swedish_pdf_whose_text_holds_the_name_and_the_notes() -> None:
    data = render(extract_document(held(), made_at=MADE_AT, made_by=COORDINATOR), "pdf")

    assert data.startswith(b"%PDF-")
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Registerutdrag: Åsa Öberg" in text
    assert "Anteckningar (1)" in text
    assert "Ringde" in text
    assert "199804123389" in text


def test_only_json_and_pdf_are_formats_of_an_extract() -> None:
    assert [checked_format(text) for text in ("json", " PDF ")] == ["json", "pdf"]
    for bad in ("csv", "", "pdf2"):
        with pytest.raises(InvalidInput, match="use json or pdf"):
            checked_format(bad)
