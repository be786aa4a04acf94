"""End-to-end: a file kivo writes (an export, a reject file, a calendar, a chart) never
harms another file: it is written beside its target and renamed into place; a target
that is not a regular file, or is the input itself, is refused (exit 2) even with
``--force``; an existing file is replaced only with ``--force``."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from states.import_rows import REQUIRED_COLUMNS
from states.personnummer import luhn_check_digit
from tests.e2e.conftest import Kivo, Ran

HEADER = ";".join(REQUIRED_COLUMNS)


def pnr(birth: str, serial: str) -> str:
    return f"{birth}-{serial}{luhn_check_digit(birth[2:] + serial)}"


GOOD = f"Bo Ek;{pnr('19850101', '123')};man;;;1;2026-01-15;;"
BAD = f"Carl Fel;{pnr('19700101', '456')};man;;;1;2026-01-15;practice;"


@pytest.fixture
def coordinator(kivo_cli: Kivo) -> Kivo:
    assert kivo_cli("caseworker", "add", "Anna Lindqvist").code == 0
    return kivo_cli


def caseload(folder: Path) -> Path:
    path = folder / "caseload.csv"
    path.write_text("\n".join([HEADER, GOOD, BAD]) + "\n", encoding="utf-8")
    return path


def refused_as_bad_input(ran: Ran, *words: str) -> None:
    assert ran.code == 2, ran
    assert "Traceback" not in ran.out + ran.err
    for word in words:
        assert word in ran.err


def no_partial_file(folder: Path) -> None:
    assert [p.name for p in folder.iterdir() if p.name.endswith(".partial")] == []


@pytest.fixture
def device_link(tmp_path: Path) -> Path:
    """A symbolic link to a character device, as ``/dev/stdout`` is one."""
    link = tmp_path / "out.csv"
    link.symlink_to("/dev/null")
    return link


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "pipe.csv"
    os.mkfifo(path)
    return path


def test_an_export_onto_a_link_to_a_device_is_refused_even_with_force(
    coordinator: Kivo, tmp_path: Path, device_link: Path
) -> None:
    ran = coordinator("export", "cases", device_link.name, "--force")
    refused_as_bad_input(ran, "is a device, not a regular file", "even with --force")
    assert device_link.is_symlink()
    assert os.readlink(device_link) == "/dev/null"
    no_partial_file(tmp_path)


def test_an_export_onto_a_pipe_or_a_folder_is_refused_even_with_force(
    coordinator: Kivo, tmp_path: Path, fifo: Path
) -> None:
    refused_as_bad_input(coordinator("export", "cases", fifo.name, "--force"), "is a pipe")
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    (tmp_path / "folder").mkdir()
    refused_as_bad_input(coordinator("export", "events", "folder", "--force"), "is a folder")
    no_partial_file(tmp_path)


def test_an_export_through_a_link_to_a_file_replaces_the_file_and_keeps_the_link(
    coordinator: Kivo, tmp_path: Path
) -> None:
    real = tmp_path / "real.csv"
    real.write_text("old\n", encoding="utf-8")
    (tmp_path / "link.csv").symlink_to(real)
    ran = coordinator("export", "cases", "link.csv", "--force")
    assert ran.code == 0, ran.err
    assert (tmp_path / "link.csv").is_symlink()
    assert real.read_text(encoding="utf-8").startswith("name,")
    assert stat.S_IMODE(real.stat().st_mode) == 0o600


def test_the_reject_file_cannot_be_the_input_itself_by_any_name(
    coordinator: Kivo, tmp_path: Path
) -> None:
    source = caseload(tmp_path)
    before = source.read_bytes()
    (tmp_path / "same.csv").hardlink_to(source)
    for name, force in (("caseload.csv", ()), ("./caseload.csv", ("--force",)), ("same.csv", ())):
        ran = coordinator("import", "participants", "caseload.csv", "--reject-file", name, *force)
        refused_as_bad_input(ran, "is a file this command reads")
        assert source.read_bytes() == before
    ran = coordinator("participant", "list", "--json")
    assert ran.out.strip() == "[]"


def test_an_existing_reject_file_is_replaced_only_with_force(
    coordinator: Kivo, tmp_path: Path
) -> None:
    caseload(tmp_path)
    old = tmp_path / "caseload.rejected.csv"
    old.write_text("keep me\n", encoding="utf-8")
    ran = coordinator("import", "participants", "caseload.csv", "--skip-invalid")
    assert ran.code == 3, ran
    assert "already exists: give --force" in ran.err
    assert old.read_text(encoding="utf-8") == "keep me\n"
    assert coordinator("participant", "list", "--json").out.strip() == "[]"

    ran = coordinator("import", "participants", "caseload.csv", "--skip-invalid", "--force")
    assert ran.code == 0, ran.err
    assert old.read_text(encoding="utf-8-sig").splitlines()[1].startswith("Carl Fel;")
    no_partial_file(tmp_path)


def test_a_reject_file_onto_a_device_or_a_pipe_is_refused_even_with_force(
    coordinator: Kivo, tmp_path: Path, device_link: Path, fifo: Path
) -> None:
    caseload(tmp_path)
    for target in (device_link, fifo):
        ran = coordinator(
            "import",
            "participants",
            "caseload.csv",
            "--skip-invalid",
            "--reject-file",
            target.name,
            "--force",
        )
        refused_as_bad_input(ran, "not a regular file")
    assert device_link.is_symlink()
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert coordinator("participant", "list", "--json").out.strip() == "[]"


def test_a_calendar_onto_a_device_is_refused_and_onto_a_file_replaces_it(
    kivo_cli: Kivo, tmp_path: Path, device_link: Path
) -> None:
    ran = kivo_cli("meeting", "ics", "--out", device_link.name)
    refused_as_bad_input(ran, "--out", "is a device")
    assert device_link.is_symlink()
    calendar = tmp_path / "meetings.ics"
    calendar.write_text("old", encoding="utf-8")
    ran = kivo_cli("meeting", "ics", "--out", calendar.name)
    assert ran.code == 0, ran.err
    assert calendar.read_text(encoding="utf-8").startswith("BEGIN:VCALENDAR")
    assert stat.S_IMODE(calendar.stat().st_mode) == 0o600
    no_partial_file(tmp_path)


def test_a_chart_onto_a_device_is_refused(kivo_cli: Kivo, device_link: Path) -> None:
    ran = kivo_cli("report", "funnel", "--plot", device_link.name)
    refused_as_bad_input(ran, "--plot", "is a device")
    assert device_link.is_symlink()


def test_no_file_kivo_writes_may_replace_the_sqlite_database(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    database = Path(e2e_database.removeprefix("sqlite:///"))
    before = database.read_bytes()
    for args in (
        ("export", "cases", str(database), "--force"),
        ("meeting", "ics", "--out", str(database)),
        ("report", "funnel", "--plot", str(database)),
    ):
        refused_as_bad_input(kivo_cli(*args), "is a file this command reads")
    assert database.read_bytes() == before
    assert kivo_cli("participant", "list").code == 0
