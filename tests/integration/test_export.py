"""Exports on SQLite and PostgreSQL: a round trip through import gives the same cases,
formulas are defused, personnummer masked, and nothing is overwritten unasked."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlmodel import Session, select

from pathway import enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.doctor import examine
from pathway.errors import Refused
from pathway.exporting import COLUMNS, export
from pathway.importing import import_file
from persistence.tables import CaseRow, CaseworkerRow, PersonRow
from states.errors import InvalidInput
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import (
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    engine_of,
    events_of,
    personnummer,
)

FORMULA = '=HYPERLINK("http://evil.example","click")'


@pytest.fixture
def caseload(kivo: Kivo, staff: Staff) -> dict[str, str]:
    """Four active cases at different places on the path; names to personnummer."""
    people = {
        "Amina Haddad": personnummer("19980412", "338"),
        "Bo Ek": personnummer("19850101", "123"),
        FORMULA: personnummer("19700101", "456"),
        "Åsa Öberg": personnummer("20010303", "789"),
    }
    ids = {}
    for name, pnr in people.items():
        ids[name] = enrolment.enrol(
            kivo,
            name,
            personnummer=pnr,
            gender="woman" if name != "Bo Ek" else "man",
            groups=["newly-arrived"] if name == "Amina Haddad" else [],
            caseworker_id=staff.caseworker,
            consent=name != "Bo Ek",
            on=date(2026, 1, 12),
        ).case_id
    moves.advance(kivo, ids["Amina Haddad"], Step.INFORMATION, on=date(2026, 1, 14))
    moves.advance(kivo, ids["Bo Ek"], Step.STUDY_PREP, on=date(2026, 1, 20))
    moves.advance(kivo, ids[FORMULA], Step.INFORMATION, on=date(2026, 1, 15))
    moves.advance(kivo, ids[FORMULA], Step.VOCATIONAL_TRAINING, on=date(2026, 2, 2))
    return people


@pytest.fixture
def other_url(kivo: Kivo, request: pytest.FixtureRequest) -> Iterator[str]:
    """A second fresh database of the same kind as the test's own."""
    kind = "sqlite" if kivo.database.startswith("sqlite") else "postgres"
    with request.getfixturevalue(f"{kind}_databases").fresh() as url:
        yield url


def stored_cases(url: str) -> set[tuple[Any, ...]]:
    """Everything that makes a case the same case, without ids; a case without a
    caseworker too (an outer join: ``None`` for the caseworker's name)."""
    query = (
        select(PersonRow, CaseRow, CaseworkerRow)
        .join(CaseRow, CaseRow.person_id == PersonRow.id)  # type: ignore[arg-type]
        .outerjoin(CaseworkerRow, CaseworkerRow.id == CaseRow.caseworker_id)  # type: ignore[arg-type]
    )
    with Session(engine_of(url)) as session:
        return {
            (
                person.name,
                person.personnummer,
                person.gender,
                person.birth_year,
                tuple(person.groups),
                case.state,
                case.paused_from,
                case.step,
                case.opened_on,
                case.consent_on,
                case.last_move_on,
                caseworker.name if caseworker else None,
            )
            for person, case, caseworker in session.exec(query).all()
        }


def test_exported_cases_import_into_a_fresh_database_as_the_same_cases(
    kivo: Kivo, caseload: dict[str, str], other_url: str, tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    result = export(kivo, "cases", path, delimiter=";", bom=True, show_personal=True)
    assert result.rows == 4
    fresh = bootstrap(other_url, now=DEFAULT_NOW)
    try:
        add_staff(fresh)
        imported = import_file(fresh, path)
    finally:
        fresh.close()
    assert (imported.imported, imported.rejected) == (4, 0)
    assert stored_cases(other_url) == stored_cases(kivo.database)
    assert len(stored_cases(kivo.database)) == 4


def test_paused_cases_and_cases_without_a_caseworker_survive_export_and_import(
    kivo: Kivo, caseload: dict[str, str], other_url: str, tmp_path: Path
) -> None:
    moves.pause(kivo, 2, reason="illness", on=date(2026, 2, 10))  # Bo Ek, in step 4
    moves.pause(kivo, 4, reason="moved away", on=date(2026, 1, 30))  # Åsa, in no step yet
    enrolment.enrol(
        kivo, "Cia Utan", personnummer=personnummer("19990909", "111"), on=date(2026, 2, 1)
    )
    path = tmp_path / "cases.csv"
    assert export(kivo, "cases", path, show_personal=True).rows == 5
    fresh = bootstrap(other_url, now=DEFAULT_NOW)
    try:
        add_staff(fresh)
        imported = import_file(fresh, path)
        assert (imported.imported, imported.rejected) == (5, 0)
        for case_id in range(1, 6):
            assert_history_replays_to_stored_state(fresh, case_id)
        pauses = [e for e in events_of(fresh, 2) if e.kind == "paused"]
        assert [(p.on, p.from_state, p.data["imported"]) for p in pauses] == [
            (date(2026, 2, 10), "study-prep", True)
        ]
        checks, findings = examine(fresh)
        # Histories and invariants are sound; only the scheduler has never run here.
        assert [f.code for f in findings] == ["scheduler-never-seen"]
        assert {c.name: c.status for c in checks if c.name != "scheduler"} == {
            "history": "ok",
            "integrity": "ok",
        }
    finally:
        fresh.close()
    found = stored_cases(other_url)
    assert found == stored_cases(kivo.database)
    states = {(row[0], row[5], row[6], row[-1]) for row in found}
    assert {
        ("Bo Ek", "paused", "study-prep", "Hanna Handläggare"),
        ("Åsa Öberg", "paused", "enrolled", "Hanna Handläggare"),
        ("Cia Utan", "enrolled", None, None),
    } <= states


def test_an_exited_case_is_exported_but_not_imported_as_active(
    kivo: Kivo, caseload: dict[str, str], other_url: str, tmp_path: Path
) -> None:
    from states.case import Outcome

    moves.exit_case(kivo, 2, outcome=Outcome.STUDIES, on=date(2026, 2, 20))
    path = tmp_path / "cases.csv"
    export(kivo, "cases", path, show_personal=True)
    fresh = bootstrap(other_url, now=DEFAULT_NOW)
    try:
        add_staff(fresh)
        imported = import_file(fresh, path, skip_invalid=True)
    finally:
        fresh.close()
    assert (imported.imported, imported.rejected) == (3, 1)
    assert "only active and paused cases can be imported" in imported.problems[0].reason


def read_csv(path: Path, delimiter: str = ",") -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as stream:
        return list(csv.DictReader(stream, delimiter=delimiter))


def test_a_csv_cell_that_would_be_a_formula_starts_with_a_quote(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    export(kivo, "cases", path)
    names = {row["name"] for row in read_csv(path)}
    assert "'" + FORMULA in names
    assert FORMULA not in names
    assert not any(
        cell.startswith(("=", "+", "-", "@")) for row in read_csv(path) for cell in row.values()
    )


def test_an_xlsx_cell_that_would_be_a_formula_is_text_with_a_quote(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    path = tmp_path / "cases.xlsx"
    assert export(kivo, "cases", path, format="xlsx").rows == 4
    sheet = load_workbook(path, read_only=True)["cases"]
    rows = [list(row) for row in sheet.iter_rows()]
    header = [cell.value for cell in rows[0]]
    assert header == list(COLUMNS["cases"])
    names = [row[header.index("name")] for row in rows[1:]]
    defused = next(cell for cell in names if FORMULA in str(cell.value))
    assert defused.value == "'" + FORMULA
    assert defused.data_type == "s"
    assert all(cell.data_type != "f" for row in rows for cell in row)
    enrolled = rows[1][header.index("enrolled_on")].value
    assert enrolled.date() == date(2026, 1, 12)  # a real date cell, not text


@pytest.mark.parametrize("form", ["csv", "jsonl", "xlsx"])
def test_personnummer_are_masked_unless_asked_for(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path, form: str
) -> None:
    masked = tmp_path / f"masked.{form}"
    shown = tmp_path / f"shown.{form}"
    export(kivo, "cases", masked, format=form)
    export(kivo, "cases", shown, format=form, show_personal=True)
    amina = caseload["Amina Haddad"]
    if form == "xlsx":
        from openpyxl import load_workbook

        def text_of(path: Path) -> str:
            sheet = load_workbook(path, read_only=True)["cases"]
            return repr([[cell.value for cell in row] for row in sheet.iter_rows()])
    else:

        def text_of(path: Path) -> str:
            return path.read_text(encoding="utf-8-sig")

    assert "19980412-****" in text_of(masked)
    assert amina[8:] not in text_of(masked)
    assert f"{amina[:8]}-{amina[8:]}" in text_of(shown)


def test_sensitive_characteristics_are_masked_and_their_groups_left_out_unless_asked_for(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    enrolment.enrol(
        kivo,
        "Dana Känslig",
        personnummer=personnummer("19900505", "246"),
        groups=["disability", "newly-arrived"],
        characteristics={"homeless": True, "rural": False},
        caseworker_id=staff.caseworker,
        on=date(2026, 1, 12),
    )
    masked, shown = tmp_path / "masked.csv", tmp_path / "shown.csv"
    export(kivo, "cases", masked)
    export(kivo, "cases", shown, show_personal=True)

    def row_of(path: Path) -> dict[str, str]:
        (row,) = csv.DictReader(path.open(encoding="utf-8-sig"))
        return row

    assert (row_of(masked)["groups"], row_of(masked)["characteristics"]) == (
        "newly-arrived",
        "homeless=****|rural=****",
    )
    assert (row_of(shown)["groups"], row_of(shown)["characteristics"]) == (
        "disability|newly-arrived",
        "homeless=yes|rural=no",
    )


def test_a_csv_for_swedish_excel_has_a_bom_and_semicolons(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    export(kivo, "cases", path, delimiter=";", bom=True)
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname;personnummer;")
    assert "Åsa Öberg".encode() in raw
    assert {row["name"] for row in read_csv(path, ";")} >= {"Åsa Öberg", "Bo Ek"}
    plain = tmp_path / "plain.csv"
    export(kivo, "cases", plain)
    assert plain.read_bytes().startswith(b"name,personnummer,")


def test_events_export_as_json_lines_within_the_period(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "events.jsonl"
    result = export(
        kivo, "events", path, format="jsonl", first=date(2026, 1, 14), last=date(2026, 1, 20)
    )
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert result.rows == len(lines) == 3
    assert [(e["kind"], e["on"]) for e in lines] == [
        ("advanced", "2026-01-14"),
        ("advanced", "2026-01-20"),
        ("advanced", "2026-01-15"),
    ]
    assert all(list(e) == list(COLUMNS["events"]) for e in lines)
    assert lines[0]["recorded_at"].endswith("+00:00")


def test_followups_and_placements_export_with_their_columns(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    case_id = enrolment.enrol(
        kivo, "Pia Praktik", caseworker_id=staff.caseworker, consent=True, on=date(2026, 1, 12)
    ).case_id
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        supervisor_id=staff.supervisor,
        until=date(2026, 4, 30),
        on=date(2026, 2, 2),
    )
    placements, followups = tmp_path / "placements.csv", tmp_path / "followups.csv"
    assert export(kivo, "placements", placements).rows == 1
    (placement,) = read_csv(placements)
    assert list(placement) == list(COLUMNS["placements"])
    assert (placement["workplace"], placement["supervisor"]) == (
        "Bageriet i Visby",
        "Sven Handledare",
    )
    assert (placement["start"], placement["planned_end"]) == ("2026-02-02", "2026-04-30")
    count = export(kivo, "followups", followups).rows
    rows = read_csv(followups)
    assert count == len(rows) > 0
    assert list(rows[0]) == list(COLUMNS["followups"])
    assert {row["case_id"] for row in rows} == {str(case_id)}
    assert [row["due"] for row in rows] == sorted(row["due"] for row in rows)


def test_an_existing_file_is_kept_unless_forced(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path
) -> None:
    path = tmp_path / "cases.csv"
    path.write_text("keep me", encoding="utf-8")
    with pytest.raises(Refused) as refused:
        export(kivo, "cases", path)
    assert refused.value.violations[0].code == "file-exists"
    assert path.read_text(encoding="utf-8") == "keep me"
    assert export(kivo, "cases", path, force=True).rows == 4
    assert path.read_text(encoding="utf-8").startswith("name,")
    assert [p.name for p in tmp_path.iterdir()] == ["cases.csv"]  # no partial file left


def test_without_openpyxl_an_xlsx_export_says_how_to_get_it_and_writes_nothing(
    kivo: Kivo, caseload: dict[str, str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails
    path = tmp_path / "cases.xlsx"
    with pytest.raises(InvalidInput) as raised:
        export(kivo, "cases", path, format="xlsx")
    assert "pip install '.[xlsx]'" in raised.value.message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("kind", "options", "expected"),
    [
        ("people", {}, "unknown export 'people'"),
        ("cases", {"format": "ods"}, "unknown format 'ods'"),
        ("cases", {"delimiter": "|"}, "delimiter '|'"),
        ("cases", {"first": date(2026, 2, 1), "last": date(2026, 1, 1)}, "is after --to"),
    ],
)
def test_bad_export_requests_are_named_and_write_nothing(
    kivo: Kivo, tmp_path: Path, kind: str, options: dict[str, Any], expected: str
) -> None:
    with pytest.raises(InvalidInput) as raised:
        export(kivo, kind, tmp_path / "out.csv", **options)
    assert expected in raised.value.message
    assert list(tmp_path.iterdir()) == []
