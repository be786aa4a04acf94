"""End-to-end: ``kivo import participants`` and ``kivo export`` as a coordinator runs them.

Each test runs in its own folder (the ``kivo_cli`` fixture's working directory), so
files are named relative to it as a coordinator would.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from states.import_rows import REQUIRED_COLUMNS
from states.personnummer import luhn_check_digit
from tests.e2e.conftest import Kivo, Ran

pytestmark = pytest.mark.both_databases  # seeded through the command: runs on both

HEADER = ";".join(REQUIRED_COLUMNS)


def pnr(birth: str, serial: str) -> str:
    return f"{birth}-{serial}{luhn_check_digit(birth[2:] + serial)}"


AMINA, BO, CARL = pnr("19980412", "338"), pnr("19850101", "123"), pnr("19700101", "456")
GOOD = [
    f"Amina Haddad;{AMINA};woman;1998;newly-arrived;Anna Lindqvist;2026-01-12;information;"
    "2026-01-20",
    f"Bo Ek;{BO};man;;;1;2026-01-15;;",
]
BAD = [
    f"Carl Fel;{CARL};man;;;1;2026-01-15;practice;",
    f"Dora Fel;{pnr('19900101', '321')};woman;;;7;2026-02-30;;",
]


@pytest.fixture
def coordinator(kivo_cli: Kivo) -> Kivo:
    assert kivo_cli("caseworker", "add", "Anna Lindqvist").code == 0
    return kivo_cli


def write(folder: Path, *lines: str, name: str = "caseload.csv") -> Path:
    path = folder / name
    path.write_text("\n".join([HEADER, *lines]) + "\n", encoding="utf-8-sig")
    return path


def cases(kivo_cli: Kivo) -> list[dict[str, Any]]:
    ran = kivo_cli("participant", "list", "--json")
    assert ran.code == 0, ran.err
    listed: list[dict[str, Any]] = json.loads(ran.out)
    return listed


def no_secrets(ran: Ran) -> None:
    assert "Traceback" not in ran.out + ran.err
    for number in (AMINA, BO, CARL):
        assert number[9:] not in ran.out + ran.err


def test_a_file_with_bad_rows_names_each_line_exits_2_and_imports_nothing(
    coordinator: Kivo, tmp_path: Path
) -> None:
    write(tmp_path, *GOOD, *BAD)
    ran = coordinator("import", "participants", "caseload.csv")
    assert ran.code == 2
    assert "2 of 4 row(s) in caseload.csv are bad; nothing was imported" in ran.err
    assert "line 4: unknown step 'practice'" in ran.err
    assert "line 5: unknown caseworker '7'" in ran.err
    assert "'2026-02-30' is not a real date" in ran.err
    no_secrets(ran)
    assert cases(coordinator) == []


def test_with_json_the_bad_rows_are_one_json_document(coordinator: Kivo, tmp_path: Path) -> None:
    write(tmp_path, *GOOD, *BAD)
    ran = coordinator("import", "participants", "caseload.csv", "--json")
    assert ran.code == 2
    error = json.loads(ran.out)["error"]
    assert error["code"] == "invalid-rows"
    assert [p["line"] for p in error["problems"]] == [4, 5]


def test_skip_invalid_imports_the_good_rows_and_writes_a_reject_file(
    coordinator: Kivo, tmp_path: Path
) -> None:
    write(tmp_path, *GOOD, *BAD)
    ran = coordinator(
        "import", "participants", "caseload.csv", "--skip-invalid", "--reject-file", "bad.csv"
    )
    assert ran.code == 0, ran.err
    assert "imported 2 of 4 row(s) from caseload.csv" in ran.out
    assert "2 bad row(s) written to bad.csv" in ran.out
    no_secrets(ran)
    rejected = (tmp_path / "bad.csv").read_text(encoding="utf-8-sig").splitlines()
    assert rejected[0] == HEADER + ";line;reason"
    assert rejected[1].startswith("Carl Fel;")
    assert [(c["name"], c["state"]) for c in cases(coordinator)] == [
        ("Amina Haddad", "information"),
        ("Bo Ek", "enrolled"),
    ]
    history = json.loads(coordinator("history", "1", "--json").out)
    assert [(h["kind"], h["data"].get("imported")) for h in history] == [
        ("enrolled", True),
        ("advanced", True),
        ("consent", True),
    ]


def test_a_dry_run_reports_and_writes_nothing(coordinator: Kivo, tmp_path: Path) -> None:
    write(tmp_path, *GOOD)
    ran = coordinator("import", "participants", "caseload.csv", "--dry-run", "--json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["rows"] == 2
    assert json.loads(ran.out)["imported"] == 0
    assert cases(coordinator) == []


@pytest.mark.parametrize(
    ("args", "code", "expected"),
    [
        (("import", "participants", "missing.csv"), 2, "there is no file missing.csv"),
        (("import", "participants", "caseload.csv", "--delimiter", "|"), 2, "delimiter '|'"),
        (
            ("import", "participants", "caseload.csv", "--reject-file", "/nonexist/r.csv"),
            2,
            "--reject-file /nonexist/r.csv: there is no folder /nonexist",
        ),
        (("export", "people", "x.csv"), 2, "No such command"),
        (("export", "cases", "x.ods", "--format", "ods"), 2, "unknown format 'ods'"),
        (("export", "cases", "x.csv", "--from", "2026-13-01"), 2, "is not a real date"),
        (("export", "cases", "caseload.csv"), 3, "already exists: give --force"),
    ],
)
def test_bad_import_and_export_requests_are_named(
    coordinator: Kivo, tmp_path: Path, args: tuple[str, ...], code: int, expected: str
) -> None:
    write(tmp_path, *GOOD)
    ran = coordinator(*args)
    assert ran.code == code, ran
    assert expected in ran.err
    assert "Traceback" not in ran.out + ran.err
    assert (tmp_path / "caseload.csv").read_text(encoding="utf-8-sig").startswith(HEADER)


def test_exported_cases_open_in_swedish_excel_and_import_again(
    coordinator: Kivo, tmp_path: Path
) -> None:
    write(tmp_path, *GOOD)
    assert coordinator("import", "participants", "caseload.csv").code == 0
    ran = coordinator(
        "export", "cases", "out.csv", "--delimiter", ";", "--bom", "--show-personal", "--json"
    )
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["rows"] == 2
    raw = (tmp_path / "out.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfname;personnummer;gender;")
    assert AMINA.encode() in raw
    masked = coordinator("export", "cases", "masked.csv")
    assert "exported 2 cases row(s) to masked.csv" in masked.out
    assert b"19980412-****" in (tmp_path / "masked.csv").read_bytes()
    again = coordinator("import", "participants", "out.csv", "--dry-run")
    assert again.code == 2
    assert "already in the database" in again.err


def test_every_export_writes_its_file_in_every_format(coordinator: Kivo, tmp_path: Path) -> None:
    write(tmp_path, *GOOD)
    assert coordinator("import", "participants", "caseload.csv").code == 0
    expected = {"cases": 2, "events": 4, "followups": 0, "placements": 0}
    for kind, rows in expected.items():
        for form in ("csv", "jsonl", "xlsx"):
            ran = coordinator("export", kind, f"{kind}.{form}", "--format", form, "--json")
            assert ran.code == 0, ran.err
            assert (json.loads(ran.out)["format"], json.loads(ran.out)["rows"]) == (form, rows)
            assert (tmp_path / f"{kind}.{form}").exists()
        lines = (tmp_path / f"{kind}.jsonl").read_text(encoding="utf-8").splitlines()
        assert len(lines) == rows


def test_without_openpyxl_xlsx_export_says_how_to_install_it(
    coordinator: Kivo, tmp_path: Path
) -> None:
    broken = tmp_path / "site" / "openpyxl"
    broken.mkdir(parents=True)
    (broken / "__init__.py").write_text("raise ImportError('no openpyxl here')\n")
    ran = coordinator(
        "export",
        "cases",
        "out.xlsx",
        "--format",
        "xlsx",
        env={"PYTHONPATH": str(tmp_path / "site")},
    )
    assert ran.code == 2
    assert "pip install '.[xlsx]'" in ran.err
    assert "Traceback" not in ran.err
    assert not (tmp_path / "out.xlsx").exists()


REPO = Path(__file__).resolve().parents[2]
EXAMPLE = REPO / "docs" / "examples" / "participants.csv"


def test_the_readme_example_file_imports_as_the_readme_shows(kivo_cli: Kivo) -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert kivo_cli("caseworker", "add", "Anna Lindqvist", "--email", "anna@example.se").code == 0
    dry = kivo_cli("import", "participants", str(EXAMPLE), "--dry-run")
    assert dry.code == 0, dry.err
    shown = "dry run: 4 of 4 row(s) in participants.csv would be imported"
    assert shown in dry.out
    assert shown in readme
    ran = kivo_cli("import", "participants", str(EXAMPLE))
    assert ran.code == 0, ran.err
    shown = "imported 4 of 4 row(s) from participants.csv"
    assert shown in ran.out
    assert shown in readme
    assert [(c["name"], c["step"]) for c in cases(kivo_cli)] == [
        ("Leila Karimi", 4),
        ("Erik Sandberg", 2),
        ("Noor Hassan", None),
        ("Maja Lund", 1),
    ]
