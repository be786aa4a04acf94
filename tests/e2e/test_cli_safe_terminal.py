"""End-to-end: text never reaches a terminal raw. Control and escape characters are
refused at input (naming the option) and, when already in the database, shown as
visible escapes in tables, messages, JSON, CSV and xlsx; tables never cut a value."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.e2e.conftest import Kivo, database_dump

# Set the window title, clear the screen (8-bit CSI), reverse the text direction.
EVIL = "Eve\x1b]0;pwned\x07\x9b2J\u202eName"
RAW = ("\x1b", "\x07", "\x9b", "\u202e")


@pytest.fixture
def anna(kivo_cli: Kivo) -> Kivo:
    assert kivo_cli("caseworker", "add", "Anna Lindqvist").code == 0
    ran = kivo_cli("participant", "add", "Bo Ek", "--caseworker", "1", "--on", "2026-01-12")
    assert ran.code == 0, ran.err
    return kivo_cli


def stored_raw(url: str) -> None:
    """Escape codes written past kivo (an older version, another program)."""
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text("update caseworker set name = :n"), {"n": EVIL})
            connection.execute(text("update person set name = :n"), {"n": EVIL})
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    ("args", "option"),
    [
        (("pause", "1", "--reason", "sick\x1b[2J"), "--reason"),
        (("pause", "1", "--reason", "sick\rhidden"), "--reason"),
        (("pause", "1", "--reason", "sick\u202ekcis"), "--reason"),
        (("caseworker", "add", "Bo Nilsson", "--email", "bo@x.se\x1b]0;t\x07"), "--email"),
        (("caseworker", "add", "Bo Nilsson", "--email", "bo@x.se\x9b2J"), "--email"),
    ],
)
def test_text_with_a_control_character_is_refused_naming_the_option(
    anna: Kivo, e2e_database: str, args: tuple[str, ...], option: str
) -> None:
    before = database_dump(e2e_database)
    ran = anna(*args)
    assert ran.code == 2, ran
    assert f"{option} contains" in ran.err
    assert "Traceback" not in ran.err
    assert not any(char in ran.out + ran.err for char in RAW)
    assert database_dump(e2e_database) == before


def test_a_reason_may_run_over_several_lines(anna: Kivo) -> None:
    ran = anna("pause", "1", "--reason", "sick leave\nback in May\twith a plan")
    assert ran.code == 0, ran.err


def test_text_stored_with_escape_codes_is_shown_escaped_in_tables_and_messages(
    anna: Kivo, e2e_database: str
) -> None:
    stored_raw(e2e_database)
    for args in (("caseworker", "list"), ("participant", "list"), ("participant", "show", "1")):
        ran = anna(*args)
        assert ran.code == 0, ran.err
        assert not any(char in ran.out + ran.err for char in RAW), args
        assert "Eve\\x1b]0;pwned\\x07\\x9b2J\\u202eName" in ran.out, args


def test_text_stored_with_escape_codes_is_escaped_in_json_and_reads_back_the_same(
    anna: Kivo, e2e_database: str
) -> None:
    stored_raw(e2e_database)
    ran = anna("caseworker", "list", "--json")
    assert ran.code == 0, ran.err
    assert not any(char in ran.out for char in RAW)
    assert json.loads(ran.out)[0]["name"] == EVIL


def test_an_xlsx_export_of_a_name_with_control_characters_does_not_crash(
    anna: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    from openpyxl import load_workbook

    stored_raw(e2e_database)
    ran = anna("export", "cases", "cases.xlsx", "--format", "xlsx")
    assert ran.code == 0, ran
    sheet = load_workbook(tmp_path / "cases.xlsx").active
    assert sheet is not None
    assert sheet["A2"].value == "Eve\\x1b]0;pwned\\x07\\x9b2J\\u202eName"


def test_a_piped_table_is_as_wide_as_its_values_and_cuts_none(anna: Kivo) -> None:
    long = "Anna-Karin Lindqvist-Öberg Långnamnsdotter af Supercalifragilistic"
    email = "anna-karin.lindqvist-oberg.langnamnsdotter@kommunen.example.se"
    assert anna("caseworker", "add", long, "--email", email).code == 0
    ran = anna("caseworker", "list", env={"COLUMNS": "40"})
    assert ran.code == 0, ran.err
    assert long in ran.out
    assert email in ran.out
    assert "…" not in ran.out
