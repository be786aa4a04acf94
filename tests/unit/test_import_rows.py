"""Specifications of one import row: what is accepted, and every reason a row is bad."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pathway.importing import history_of
from states.errors import InvalidInput
from states.import_rows import (
    AMBIGUOUS,
    REQUIRED_COLUMNS,
    ImportRow,
    RowProblem,
    caseworker_keys,
    neutralise,
    parse_row,
    read_header,
    unformula,
)
from states.personnummer import luhn_check_digit
from states.replay import Replayed, replay
from states.steps import Step

TODAY = date(2026, 3, 2)
HEADER = read_header(list(REQUIRED_COLUMNS))
KEYS = caseworker_keys([(1, "Anna Lindqvist", "anna@example.se"), (2, "Karin Ek", None)])


def pnr(birth: str = "19980412", serial: str = "338") -> str:
    return f"{birth}-{serial}{luhn_check_digit(birth[2:] + serial)}"


def row(**changes: str) -> list[str]:
    values = {
        "name": "Amina Haddad",
        "personnummer": pnr(),
        "gender": "woman",
        "birth_year": "1998",
        "groups": "newly-arrived",
        "caseworker": "1",
        "enrolled_on": "2026-01-12",
        "step": "information",
        "consent_on": "2026-01-20",
        **changes,
    }
    return [values[column] for column in REQUIRED_COLUMNS]


def parsed(cells: list[str]) -> ImportRow:
    result = parse_row(cells, 7, HEADER, today=TODAY, caseworkers=KEYS)
    assert isinstance(result, ImportRow), result
    return result


def reason(cells: list[str]) -> str:
    result = parse_row(cells, 7, HEADER, today=TODAY, caseworkers=KEYS)
    assert isinstance(result, RowProblem), result
    assert result.line == 7
    return result.reason


def test_a_good_row_is_parsed_into_the_participant_and_case_it_describes() -> None:
    found = parsed(row())
    assert found.name == "Amina Haddad"
    assert found.personnummer == "199804123389"
    assert (found.gender, found.birth_year, found.groups) == ("woman", 1998, ("newly-arrived",))
    assert found.caseworker_id == 1
    assert (found.enrolled_on, found.step, found.consent_on) == (
        date(2026, 1, 12),
        Step.INFORMATION,
        date(2026, 1, 20),
    )
    assert found.step_on == date(2026, 1, 12)


def test_optional_cells_may_be_empty_and_a_step_may_be_a_number() -> None:
    found = parsed(row(gender="", birth_year="", groups="", caseworker="", step="5", consent_on=""))
    assert (found.gender, found.birth_year, found.groups) == ("unknown", 1998, ())
    assert (found.caseworker_id, found.step, found.consent_on) == (
        None,
        Step.VOCATIONAL_TRAINING,
        None,
    )
    assert parsed(row(step="")).step is None
    assert parsed(row(step="enrolled")).step is None


def test_a_caseworker_is_found_by_id_name_or_email_whatever_the_case() -> None:
    assert parsed(row(caseworker="anna LINDQVIST")).caseworker_id == 1
    assert parsed(row(caseworker="Anna@Example.se")).caseworker_id == 1
    assert parsed(row(caseworker="Karin Ek")).caseworker_id == 2


@pytest.mark.parametrize(
    ("cells", "expected"),
    [
        (row()[:7], "expected 9 columns, found 7"),
        ([*row(), "extra"], "expected 9 columns, found 10"),
        (row(enrolled_on="2026-02-30"), "enrolled_on '2026-02-30' is not a real date"),
        (row(enrolled_on="12/01/2026"), "enrolled_on '12/01/2026' is not a real date"),
        (row(enrolled_on=""), "enrolled_on is empty"),
        (row(consent_on="2026-1-20"), "consent_on '2026-1-20' is not a real date"),
        (row(personnummer=pnr()[:-1] + "0"), "invalid personnummer 19980412-****"),
        (row(personnummer="19980412"), "invalid personnummer: expected"),
        (row(personnummer=""), "personnummer is empty"),
        (row(personnummer="19980412-****"), "personnummer is masked: export with --show-personal"),
        (row(step="10"), "unknown step '10'"),
        (row(step="practice"), "unknown step 'practice'"),
        (row(caseworker="9"), "unknown caseworker '9'"),
        (row(caseworker="Bertil"), "unknown caseworker 'Bertil'"),
        (row(enrolled_on="2026-03-03"), "enrolled_on 2026-03-03 is after today (2026-03-02)"),
        (row(consent_on="2026-03-03"), "consent_on 2026-03-03 is after today"),
        (row(consent_on="2026-01-11"), "consent_on 2026-01-11 is before enrolled_on 2026-01-12"),
        (row(gender="female"), "unknown gender 'female'"),
        (row(groups="newly-arrived|veteran"), "unknown group 'veteran'"),
        (row(birth_year="1999"), "birth_year 1999 does not match the personnummer"),
        (row(birth_year="nineteen"), "birth_year 'nineteen' is not a year"),
        (row(name=" "), "name is empty"),
        (row(name="x" * 201), "name is longer than 200 characters"),
        (row(name="Amina 980412-3389"), "name holds a personnummer"),
        (row(name="Amina\x1b[2J"), "name contains a control character"),
    ],
)
def test_every_kind_of_bad_row_is_named_with_its_reason(cells: list[str], expected: str) -> None:
    assert expected in reason(cells)


def test_every_problem_of_a_row_is_named_at_once() -> None:
    found = reason(row(enrolled_on="2026-13-01", step="11", caseworker="Bertil"))
    assert "enrolled_on" in found
    assert "unknown step" in found
    assert "unknown caseworker" in found


def test_no_reason_ever_shows_a_full_personnummer() -> None:
    digits = pnr()
    bad = [
        row(personnummer=digits[:-1] + "0"),
        row(personnummer=digits, birth_year="1999"),
        row(personnummer="20990101-1234"),
        row(caseworker=digits),
        row(step=digits),
        row(enrolled_on=digits),
    ]
    for cells in bad:
        text = reason(cells)
        assert digits.replace("-", "")[2:] not in text.replace("-", ""), text


def test_a_caseworker_name_two_caseworkers_share_asks_for_the_id() -> None:
    keys = caseworker_keys([(1, "Anna", None), (2, "anna", None)])
    assert keys["anna"] == AMBIGUOUS
    result = parse_row(row(caseworker="Anna"), 3, HEADER, today=TODAY, caseworkers=keys)
    assert isinstance(result, RowProblem)
    assert "more than one caseworker: give the id" in result.reason
    by_id = parse_row(row(caseworker="2"), 3, HEADER, today=TODAY, caseworkers=keys)
    assert isinstance(by_id, ImportRow)
    assert by_id.caseworker_id == 2


def test_the_header_may_come_in_any_order_and_case_and_unknown_columns_are_ignored() -> None:
    columns = ["Consent_On", "Step", "note", *reversed(REQUIRED_COLUMNS[:-2])]
    header = read_header(columns)
    assert header.ignored == ("note",)
    values = dict(zip(REQUIRED_COLUMNS, row(), strict=True))
    cells = [values.get(c.lower(), "x") for c in columns]
    result = parse_row(cells, 2, header, today=TODAY, caseworkers=KEYS)
    assert isinstance(result, ImportRow)
    assert result.step is Step.INFORMATION


@pytest.mark.parametrize(
    ("columns", "expected"),
    [
        (["name", "personnummer"], "missing column(s) gender, birth_year"),
        ([*REQUIRED_COLUMNS, "name"], "column(s) name given twice"),
    ],
)
def test_a_bad_header_is_refused_naming_the_columns(columns: list[str], expected: str) -> None:
    with pytest.raises(InvalidInput, match=r"line 1 \(the header\)") as raised:
        read_header(columns)
    assert expected in raised.value.message


def test_only_active_and_paused_cases_of_an_export_can_be_imported() -> None:
    header = read_header([*REQUIRED_COLUMNS, "status"])
    result = parse_row([*row(), "exited"], 4, header, today=TODAY, caseworkers=KEYS)
    assert isinstance(result, RowProblem)
    assert "only active and paused cases can be imported" in result.reason
    active = parse_row([*row(), "active"], 4, header, today=TODAY, caseworkers=KEYS)
    assert isinstance(active, ImportRow)
    assert not active.paused
    paused = parse_row([*row(), "Paused"], 4, header, today=TODAY, caseworkers=KEYS)
    assert isinstance(paused, ImportRow)
    assert paused.paused


@pytest.mark.parametrize("cell", ["=1+2", "+46701234567", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_gets_a_quote_and_loses_it_again(
    cell: str,
) -> None:
    assert neutralise(cell) == "'" + cell
    assert unformula(neutralise(cell)) == cell


@pytest.mark.parametrize("cell", ["Anna", "", "'quoted", "2026-01-12", "a=b"])
def test_ordinary_cells_are_left_as_they_are(cell: str) -> None:
    assert neutralise(cell) == cell
    assert unformula(cell) == cell


def test_an_imported_row_names_with_a_defused_formula_come_back_as_written() -> None:
    assert parsed(row(name="'=Smith")).name == "=Smith"


@pytest.mark.parametrize(
    ("step", "step_on", "consent_on", "kinds"),
    [
        ("", "", "", ["enrolled"]),
        ("", "", "2026-01-20", ["enrolled", "consent"]),
        ("information", "", "", ["enrolled", "advanced"]),
        ("permanent", "2026-02-01", "2026-01-20", ["enrolled", "consent", "advanced"]),
        ("permanent", "2026-01-15", "2026-01-20", ["enrolled", "advanced", "consent"]),
        ("permanent", "2026-01-20", "2026-01-20", ["enrolled", "consent", "advanced"]),
    ],
)
def test_an_imported_history_is_in_date_order_and_replays_to_the_imported_state(
    step: str, step_on: str, consent_on: str, kinds: list[str]
) -> None:
    header = read_header([*REQUIRED_COLUMNS, "step_on"])
    cells = [*row(step=step, consent_on=consent_on), step_on]
    imported = parse_row(cells, 5, header, today=TODAY, caseworkers=KEYS)
    assert isinstance(imported, ImportRow)
    events = history_of(imported, 42, datetime(2026, 3, 2, 8, tzinfo=UTC), "old.csv")
    assert [e.kind for e in events] == kinds
    assert [e.seq for e in events] == list(range(1, len(events) + 1))
    assert all(e.data == {"imported": True, "source": "old.csv", "line": 5} for e in events)
    assert [e.on for e in events] == sorted(e.on for e in events)
    assert replay(events) == Replayed(step or "enrolled", None)
