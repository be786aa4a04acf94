"""Specifications of export cells and of reading CSV lines, without a database."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from pathway.exporting import COLUMNS, _cell, _shaped, _text
from pathway.importing import _guess_delimiter, read_csv
from states.import_rows import REQUIRED_COLUMNS

STORED_CASE: dict[str, Any] = {
    "case_id": 3,
    "person_id": 2,
    "name": "=1+1",
    "personnummer": "199804123389",
    "gender": "woman",
    "birth_year": 1998,
    "groups": ["newly-arrived", "disability"],
    "characteristics": {"rural": True},
    "caseworker_id": 1,
    "caseworker": "Anna Lindqvist",
    "opened_on": date(2026, 1, 12),
    "state": "paused",
    "step": 5,
    "paused_from": "vocational-training",
    "consent_on": None,
    "last_move_on": date(2026, 2, 1),
    "closed_on": None,
    "outcome": None,
    "version": 4,
}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("=SUM(A1:A9)", "'=SUM(A1:A9)"),
        ("+46 70 123", "'+46 70 123"),
        ("-x", "'-x"),
        ("@cmd", "'@cmd"),
        ("Anna", "Anna"),
        (True, "true"),
        (7, "7"),
        (date(2026, 1, 12), "2026-01-12"),
        (datetime(2026, 3, 2, 8, 0), "2026-03-02T08:00:00+00:00"),
        ({"imported": True}, '{"imported": true}'),
        (["-a"], '["-a"]'),
    ],
)
def test_a_csv_cell_is_plain_text_with_formulas_defused(value: object, expected: str) -> None:
    assert _text(value) == expected


def test_an_xlsx_cell_keeps_numbers_and_dates_typed_and_defuses_text() -> None:
    assert _cell(7) == 7
    assert _cell(date(2026, 1, 12)) == date(2026, 1, 12)
    assert _cell(datetime(2026, 3, 2, 9, 0, tzinfo=UTC)) == datetime(2026, 3, 2, 9, 0)
    assert _cell("=cmd") == "'=cmd"
    assert _cell(["x"]) == '["x"]'


def test_a_case_row_leads_with_the_import_columns_and_masks_the_personnummer() -> None:
    shaped = _shaped("cases", STORED_CASE, show_personal=False)
    assert list(shaped) == list(COLUMNS["cases"])
    assert list(shaped)[: len(REQUIRED_COLUMNS)] == list(REQUIRED_COLUMNS)
    assert shaped["personnummer"] == "19980412-****"
    assert shaped["groups"] == "newly-arrived"  # disability is sensitive: left out
    assert shaped["characteristics"] == "rural=****"
    assert (shaped["step"], shaped["status"], shaped["step_on"]) == (
        "vocational-training",
        "paused",
        date(2026, 2, 1),
    )
    shown = _shaped("cases", STORED_CASE, show_personal=True)
    assert shown["personnummer"] == "19980412-3389"
    assert (shown["groups"], shown["characteristics"]) == ("newly-arrived|disability", "rural=yes")


def test_an_enrolled_case_has_no_step_and_no_step_date() -> None:
    enrolled = {**STORED_CASE, "state": "enrolled", "paused_from": None, "step": None}
    shaped = _shaped("cases", enrolled, show_personal=False)
    assert (shaped["step"], shaped["step_on"], shaped["status"]) == (None, None, "active")


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        ("name;personnummer;gender\n", ";"),
        ("name,personnummer,gender\n", ","),
        ("name\tpersonnummer\tgender\n", "\t"),
        ("name\n", ","),
    ],
)
def test_the_delimiter_is_the_one_the_header_uses(header: str, expected: str) -> None:
    assert _guess_delimiter(header) == expected


def test_rows_are_numbered_by_the_line_they_start_on() -> None:
    lines = ["a;b\n", '"two\n', 'lines";x\n', "\n", "c;d\n"]
    assert list(read_csv(lines, ";")) == [
        (1, ["a", "b"]),
        (2, ["two\nlines", "x"]),
        (4, []),
        (5, ["c", "d"]),
    ]


def test_a_report_csv_defuses_text_that_a_spreadsheet_would_run_and_keeps_numbers(
    capsys: pytest.CaptureFixture[str],
) -> None:
    from cli.report_format import _csv

    _csv(["label", "count", "on"], [('=HYPERLINK("x")', -3, date(2026, 1, 12)), ("@a", 0, None)])

    assert capsys.readouterr().out.splitlines() == [
        "label,count,on",
        '"\'=HYPERLINK(""x"")",-3,2026-01-12',
        "'@a,0,",
    ]


def test_a_protected_persons_case_row_shows_the_initials_unless_personal_data_is_asked() -> None:
    protected = {**STORED_CASE, "name": "Zelda Quist", "protected_initials": "Z. Q."}
    assert _shaped("cases", protected, show_personal=False)["name"] == "Z. Q."
    assert _shaped("cases", protected, show_personal=True)["name"] == "Zelda Quist"
