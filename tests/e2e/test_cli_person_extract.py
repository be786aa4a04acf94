"""End-to-end: ``kivo person extract`` as the installed command, on SQLite and
PostgreSQL. A coordinator writes the register extract as JSON or PDF, mode 0600, the PDF
a real one with the person's name in its text; a caseworker is refused; bad input is a
sentence, an exit code and nothing written.

- caseworker 1 Anna, caseworker 2 Karin (coordinator), workplace 1 with supervisor 1;
- case 1 Amina (personnummer AMINA) in short practice from 2026-01-19, with a note;
- case 2 Leila, another participant, with a note of her own.

Today is 2026-03-02 09:00.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from pypdf import PdfReader

from tests.e2e.conftest import Kivo, Ran, seeded_copies, table_rows

pytestmark = pytest.mark.both_databases

AMINA = "19980412-3389"
SEED = (
    "caseworker add 'Anna Lindqvist' --email anna@example.se",
    "caseworker add 'Karin Ek' --role coordinator",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    f"participant add 'Amina Haddad' --personnummer {AMINA} --caseworker 1 --consent "
    "--on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --until 2026-04-30 --on 2026-01-19",
    "note 1 'Amina börjar på bageriet' --by 1",
    "participant add 'Leila Nilsson' --on 2026-01-12",
    "note 2 'Leilas egen anteckning' --by 2",
)

seed, e2e_database = seeded_copies(SEED)


def ok(ran: Ran) -> Ran:
    assert ran.code == 0, ran
    assert "Traceback" not in ran.err, ran
    return ran


def refused(ran: Ran, code: int) -> str:
    assert ran.code == code, ran
    assert "Traceback" not in ran.err + ran.out, ran
    return ran.err + ran.out


def test_a_coordinator_writes_the_json_extract_privately_and_is_told_the_counts(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    target = tmp_path / "amina.json"

    summary = ok(kivo_cli("person", "extract", AMINA, "--out", str(target), "--by", "2", "--json"))

    assert target.stat().st_mode & 0o777 == 0o600
    told = summary.json()
    assert told["path"] == str(target)
    assert told["format"] == "json"
    assert told["counts"]["cases"] == 1
    assert told["counts"]["notes"] == 1
    document = json.loads(target.read_text("utf-8"))
    assert document["person"]["personnummer"] == AMINA.replace("-", "")
    assert document["counts"] == told["counts"]
    assert [n["text"] for n in document["cases"][0]["notes"]] == ["Amina börjar på bageriet"]
    assert "Leila" not in target.read_text("utf-8")


def test_a_coordinator_writes_a_pdf_extract_that_opens_with_the_persons_name(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    target = tmp_path / "amina.pdf"

    said = ok(
        kivo_cli("person", "extract", "1", "--format", "pdf", "--out", str(target), "--by", "2")
    )

    assert "written to" in said.out
    data = target.read_bytes()
    assert data.startswith(b"%PDF-")
    assert target.stat().st_mode & 0o777 == 0o600
    pages = PdfReader(io.BytesIO(data)).pages
    text = " ".join(" ".join(page.extract_text().split()) for page in pages)
    assert "Amina Haddad" in text
    assert "Amina börjar på bageriet" in text
    assert "Leila" not in text


def test_a_caseworker_is_refused_and_nothing_is_written(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    target = tmp_path / "amina.json"
    before = table_rows(e2e_database)

    said = refused(kivo_cli("person", "extract", "1", "--out", str(target), "--by", "1"), 3)

    assert "only a coordinator may make a register extract" in said
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []
    assert table_rows(e2e_database) == before


def test_bad_input_is_a_sentence_and_writes_nothing(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    before = table_rows(e2e_database)
    out = str(tmp_path / "x.json")

    unknown = refused(kivo_cli("person", "extract", "99", "--out", out, "--by", "2"), 4)
    stranger = refused(kivo_cli("person", "extract", "19900101-0017", "--out", out, "--by", "2"), 4)
    fmt = refused(kivo_cli("person", "extract", "1", "--format", "docx", "--out", out), 2)
    folder = refused(kivo_cli("person", "extract", "1", "--out", str(tmp_path), "--by", "2"), 2)
    device = refused(kivo_cli("person", "extract", "1", "--out", "/dev/null", "--by", "2"), 2)

    assert "no person with id 99" in unknown
    assert "no person with personnummer 19900101-****" in stranger
    assert "0017" not in stranger
    assert "use json or pdf" in fmt
    assert "is a folder, not a regular file" in folder
    assert "is a device, not a regular file" in device
    assert list(tmp_path.iterdir()) == []
    assert table_rows(e2e_database) == before
