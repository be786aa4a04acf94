"""Importing participants on SQLite and PostgreSQL: every bad row named, all or nothing,
and imported cases that behave like cases enrolled by hand."""

from __future__ import annotations

import csv
import os
import stat
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest

from pathway import enrolment, moves
from pathway.context import Kivo
from pathway.importing import import_file, import_participants
from pathway.views import list_cases, show_case
from states.errors import InvalidInput
from states.import_rows import REQUIRED_COLUMNS, BadRows
from states.steps import Step
from tests.integration.support import (
    Staff,
    assert_history_replays_to_stored_state,
    events_of,
    personnummer,
    stored_case,
    table_contents,
    written_forms,
)

HEADER = ";".join(REQUIRED_COLUMNS)


def line(
    name: str = "Amina Haddad",
    pnr: str | None = None,
    *,
    caseworker: str = "Hanna Handläggare",
    enrolled_on: str = "2026-01-12",
    step: str = "information",
    consent_on: str = "2026-01-20",
    gender: str = "woman",
    groups: str = "newly-arrived",
) -> str:
    pnr = pnr or personnummer("19980412", "338")
    return f"{name};{pnr};{gender};;{groups};{caseworker};{enrolled_on};{step};{consent_on}"


def csv_file(folder: Path, *lines: str, name: str = "caseload.csv", bom: bool = False) -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8-sig" if bom else "utf-8")
    return path


def people(count: int, birth: str = "19900101") -> list[str]:
    return [personnummer(birth, f"{serial:03d}") for serial in range(100, 100 + count)]


def test_every_kind_of_bad_row_is_reported_with_its_line_and_nothing_is_written(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    good, other, third = people(3)
    enrolment.enrol(kivo, "Already Here", personnummer=other, caseworker_id=staff.caseworker)
    path = csv_file(
        tmp_path,
        line("Good One", good),
        line("Short Row", people(1, "19910101")[0]).rsplit(";", 2)[0],
        line("Bad Date", third, enrolled_on="2026-02-30"),
        line("Bad Number", good[:-1] + str((int(good[-1]) + 1) % 10)),
        line("Bad Step", people(1, "19920101")[0], step="practice"),
        line("Twice In File", good),
        line("In Database", other),
        line("Nobody's", people(1, "19930101")[0], caseworker="Bertil Okänd"),
        line("Future", people(1, "19940101")[0], enrolled_on="2026-03-03"),
        line("Consent First", people(1, "19950101")[0], consent_on="2026-01-01"),
    )
    before = table_contents(kivo.database)
    with pytest.raises(BadRows) as raised:
        import_file(kivo, path)
    problems = {p["line"]: p["reason"] for p in raised.value.params["problems"]}
    assert sorted(problems) == [3, 4, 5, 6, 7, 8, 9, 10, 11]
    assert "expected 9 columns, found 7" in problems[3]
    assert "enrolled_on '2026-02-30' is not a real date" in problems[4]
    assert "invalid personnummer" in problems[5]
    assert "unknown step 'practice'" in problems[6]
    assert "duplicate personnummer" in problems[7]
    assert "also on line 2" in problems[7]
    assert "already in the database" in problems[8]
    assert "unknown caseworker 'Bertil Okänd'" in problems[9]
    assert "after today" in problems[10]
    assert "before enrolled_on" in problems[11]
    assert "9 of 10 row(s) in caseload.csv are bad; nothing was imported" in raised.value.message
    assert table_contents(kivo.database) == before
    for digits in (good, other, third):
        for form in written_forms(digits):
            assert form not in raised.value.message


def test_a_personnummer_twice_in_a_file_is_found_across_chunks(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    numbers = people(7)
    rows = [line(f"Person {i}", pnr) for i, pnr in enumerate(numbers)]
    rows.append(line("Echo", numbers[1]))
    before = table_contents(kivo.database)
    with pytest.raises(BadRows) as raised:
        import_participants(kivo, [row.split(";") for row in [HEADER, *rows]], chunk=3)
    (problem,) = raised.value.params["problems"]
    assert problem["line"] == 9
    assert "also on an earlier line of this file" in problem["reason"]
    assert table_contents(kivo.database) == before


def test_skip_invalid_imports_the_good_rows_and_writes_the_bad_ones_to_the_reject_file(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    first, second, third = people(3)
    path = csv_file(
        tmp_path,
        line("Good One", first),
        line("Bad Step", second, step="12"),
        line("Good Two", third, step="", consent_on=""),
        line("Bad Date", people(1, "19800101")[0], consent_on="yesterday"),
    )
    result = import_file(kivo, path, skip_invalid=True)
    assert (result.rows, result.imported, result.rejected) == (4, 2, 2)
    assert result.reject_file == str(tmp_path / "caseload.rejected.csv")
    with open(result.reject_file, encoding="utf-8-sig", newline="") as stream:
        rejected = list(csv.reader(stream, delimiter=";"))
    assert rejected[0] == [*REQUIRED_COLUMNS, "line", "reason"]
    assert [r[0] for r in rejected[1:]] == ["Bad Step", "Bad Date"]
    assert [r[-2] for r in rejected[1:]] == ["3", "5"]
    assert "unknown step '12'" in rejected[1][-1]
    assert "consent_on 'yesterday' is not a real date" in rejected[2][-1]
    names = [case.name for case in _cases(kivo)]
    assert names == ["Good One", "Good Two"]


def test_the_reject_file_keeps_the_files_order_and_each_row_exactly_as_read(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    first, second, third = people(3)
    short = line("Short Row", second).rsplit(";", 2)[0]
    path = csv_file(
        tmp_path,
        line("Good One", first),
        line("Twice", first),  # a duplicate, found only when the chunk is written
        short,
        line("Bad Step", third, step="12"),
    )
    result = import_file(kivo, path, skip_invalid=True)
    assert (result.rows, result.imported, result.rejected) == (4, 1, 3)
    assert result.reject_file is not None
    with open(result.reject_file, encoding="utf-8-sig", newline="") as stream:
        rejected = list(csv.reader(stream, delimiter=";"))
    assert [r[-2] for r in rejected[1:]] == ["3", "4", "5"]
    # The short row is not padded: its 7 cells as read, then line and reason.
    assert rejected[2][:-2] == short.split(";")
    assert "expected 9 columns, found 7" in rejected[2][-1]
    assert rejected[1][:-2] == line("Twice", first).split(";")


def test_a_reject_file_in_a_missing_folder_is_named_before_anything_is_imported(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, line("Good One", people(1)[0]), line("Bad", people(1)[0], step="x"))
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput) as raised:
        import_file(kivo, path, skip_invalid=True, reject_path=tmp_path / "nonexist" / "r.csv")
    assert raised.value.message.startswith("--reject-file ")
    assert "there is no folder" in raised.value.message
    assert table_contents(kivo.database) == before


@pytest.mark.parametrize("bad_line", [2, 3, 400])
def test_a_latin_1_file_names_the_line_with_the_first_byte_that_is_not_utf_8(
    kivo: Kivo, staff: Staff, tmp_path: Path, bad_line: int
) -> None:
    rows = [
        line(f"Person {n}", personnummer("19700101", f"{n:03d}"), caseworker=str(staff.caseworker))
        for n in range(2, 500)
    ]
    rows[bad_line - 2] = rows[bad_line - 2].replace("Person", "Pérson")
    path = tmp_path / "latin.csv"
    path.write_bytes("\n".join([HEADER, *rows]).encode("latin-1"))
    with pytest.raises(InvalidInput) as raised:
        import_file(kivo, path)
    assert raised.value.message.startswith(f"line {bad_line} is not UTF-8 text")
    assert raised.value.params["line"] == bad_line


def test_a_fixed_reject_file_imports_as_it_is(kivo: Kivo, staff: Staff, tmp_path: Path) -> None:
    path = csv_file(tmp_path, line("Late", people(1)[0], step="twelve"))
    result = import_file(kivo, path, skip_invalid=True)
    assert result.imported == 0
    assert result.reject_file is not None
    fixed = Path(result.reject_file).read_text(encoding="utf-8-sig").replace("twelve", "9")
    again = csv_file(tmp_path, name="fixed.csv")
    again.write_text(fixed, encoding="utf-8")
    assert import_file(kivo, again).imported == 1
    assert stored_case(kivo, _cases(kivo)[0].id).state == "permanent"


def test_a_reject_file_is_private_and_defuses_formulas_and_the_import_takes_them_back(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, line("+Plus Lindqvist", people(1)[0], step="=4+5"))
    reject = tmp_path / "caseload.rejected.csv"
    reject.write_text("an older reject file\n", encoding="utf-8")
    reject.chmod(0o644)
    previous = os.umask(0o022)
    try:
        result = import_file(kivo, path, skip_invalid=True, force=True)
        made = import_file(kivo, path, skip_invalid=True, reject_path=tmp_path / "new.csv")
    finally:
        os.umask(previous)

    assert (result.reject_file, made.reject_file) == (str(reject), str(tmp_path / "new.csv"))
    assert stat.S_IMODE(reject.stat().st_mode) == 0o600
    assert stat.S_IMODE((tmp_path / "new.csv").stat().st_mode) == 0o600
    with reject.open(encoding="utf-8-sig", newline="") as stream:
        (row,) = list(csv.reader(stream, delimiter=";"))[1:]
    assert (row[0], row[7]) == ("'+Plus Lindqvist", "'=4+5")
    fixed = reject.read_text(encoding="utf-8-sig").replace("'=4+5", "9")
    again = csv_file(tmp_path, name="fixed.csv")
    again.write_text(fixed, encoding="utf-8")
    assert import_file(kivo, again).imported == 1
    assert show_case(kivo, _cases(kivo)[0].id).name == "+Plus Lindqvist"


def test_a_dry_run_checks_everything_and_writes_nothing(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, *(line(f"P{i}", pnr) for i, pnr in enumerate(people(5))))
    before = table_contents(kivo.database)
    result = import_file(kivo, path, dry_run=True)
    assert (result.rows, result.imported, result.rejected, result.dry_run) == (5, 0, 0, True)
    assert table_contents(kivo.database) == before


def test_imported_cases_have_a_history_that_replays_to_their_stored_state(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    a, b, c = people(3)
    path = csv_file(
        tmp_path,
        line("Enrolled Only", a, step="", consent_on=""),
        line("In Training", b, step="vocational-training", consent_on="2026-01-12"),
        line("Employed", c, step="9", enrolled_on="2025-06-01", consent_on="2025-06-02"),
    )
    assert import_file(kivo, path).imported == 3
    cases = {case.name: case.id for case in _cases(kivo)}
    for case_id in cases.values():
        assert_history_replays_to_stored_state(kivo, case_id)
    employed = stored_case(kivo, cases["Employed"])
    assert (employed.state, employed.step, employed.opened_on) == ("permanent", 9, date(2025, 6, 1))
    assert (employed.consent_on, employed.last_move_on) == (date(2025, 6, 2), date(2025, 6, 1))
    assert employed.caseworker_id == staff.caseworker
    history = events_of(kivo, cases["Employed"])
    assert [e.kind for e in history] == ["enrolled", "advanced", "consent"]
    assert {e.seq: e.data for e in history}[1] == {
        "imported": True,
        "source": "caseload.csv",
        "line": 4,
    }
    assert stored_case(kivo, cases["Enrolled Only"]).state == "enrolled"


def test_an_imported_case_moves_on_like_any_other(kivo: Kivo, staff: Staff, tmp_path: Path) -> None:
    path = csv_file(tmp_path, line("Moving On", people(1)[0], step="information"))
    import_file(kivo, path)
    (case,) = _cases(kivo)
    moves.advance(kivo, case.id, Step.STUDY_PREP, on=date(2026, 2, 1), by=staff.caseworker)
    moves.fall_back(kivo, case.id, Step.INFORMATION, reason="not ready", on=date(2026, 2, 10))
    assert_history_replays_to_stored_state(kivo, case.id)
    assert stored_case(kivo, case.id).version == 4


def test_running_a_finished_import_again_doubles_nothing(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    path = csv_file(tmp_path, *(line(f"P{i}", pnr) for i, pnr in enumerate(people(4))))
    import_file(kivo, path)
    after_first = table_contents(kivo.database)
    with pytest.raises(BadRows) as raised:
        import_file(kivo, path)
    assert len(raised.value.params["problems"]) == 4
    assert all("already in the database" in p["reason"] for p in raised.value.params["problems"])
    assert table_contents(kivo.database) == after_first


def test_people_and_cases_stay_paired_across_many_chunks(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    numbers = people(25)
    rows = [HEADER.split(";")]
    rows += [line(f"Person {i}", pnr).split(";") for i, pnr in enumerate(numbers)]
    result = import_participants(kivo, iter(rows), source="generator", chunk=4)
    assert result.imported == 25
    shown = {case.name: case.personnummer for case in _cases(kivo, personal=True)}
    assert shown == {f"Person {i}": f"{p[:8]}-{p[8:]}" for i, p in enumerate(numbers)}


def test_a_comma_separated_file_with_a_bom_and_quoted_newlines_keeps_true_line_numbers(
    kivo: Kivo, staff: Staff, tmp_path: Path
) -> None:
    first, second = people(2)
    header = ",".join(REQUIRED_COLUMNS)
    text = (
        f"{header}\n"
        f'"Anna\nMultiline",{first},woman,,,{staff.caseworker},2026-01-12,,\n'
        f"Bad,{second},woman,,,{staff.caseworker},2026-01-12,99,\n"
    )
    path = tmp_path / "comma.csv"
    path.write_text(text, encoding="utf-8-sig")
    with pytest.raises(BadRows) as raised:
        import_file(kivo, path)
    # The first row (a name with a line break, refused) starts on line 2, the second on 4.
    assert [p["line"] for p in raised.value.params["problems"]] == [2, 4]


NUL_ROW = line("O\x00la", personnummer("19900101", "321"))


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "is empty"),
        (b"name;personnummer\n", "missing column(s) gender"),
        ("name;é\n".encode("latin-1"), "not UTF-8"),
        (f"{HEADER}\n{NUL_ROW}\n".encode(), "NUL character"),
    ],
)
def test_a_file_that_is_not_an_import_file_is_refused_and_writes_nothing(
    kivo: Kivo, staff: Staff, tmp_path: Path, content: bytes, expected: str
) -> None:
    path = tmp_path / "odd.csv"
    path.write_bytes(content)
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput) as raised:
        import_file(kivo, path)
    assert expected in raised.value.message
    assert table_contents(kivo.database) == before


@dataclass(frozen=True)
class Listed:
    id: int
    name: str
    personnummer: str | None


def _cases(kivo: Kivo, *, personal: bool = False) -> list[Listed]:
    found = []
    for summary in list_cases(kivo):
        view = show_case(kivo, summary.id, show_personal=personal)
        found.append(Listed(summary.id, view.name, view.personnummer))
    return sorted(found, key=lambda case: case.id)
