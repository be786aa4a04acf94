"""End-to-end: ``kivo --version``, relative dates, the pinned-clock notice and a
settings file that is not UTF-8."""

from __future__ import annotations

import json
from importlib.metadata import version
from pathlib import Path

from tests.e2e.conftest import Kivo

PINNED = "the clock is pinned at 2026-03-02 09:00 by --now/KIVO_NOW"


def test_version_prints_the_installed_version(kivo_cli: Kivo) -> None:
    ran = kivo_cli("--version")
    assert ran.code == 0, ran.err
    assert ran.out == f"kivo {version('kivo-path')}\n"


def test_relative_dates_count_from_the_pinned_clock(kivo_cli: Kivo) -> None:
    assert kivo_cli("caseworker", "add", "Anna Lindqvist").code == 0
    for on, day in (("yesterday", "2026-03-01"), ("-2w", "2026-02-16"), ("today", "2026-03-02")):
        ran = kivo_cli("participant", "add", "Bo Ek", "--caseworker", "1", "--on", on, "--json")
        assert ran.code == 0, ran.err
        assert json.loads(ran.out)["opened_on"] == day


def test_a_weekday_is_the_next_such_day_and_a_wrong_form_names_the_accepted_ones(
    kivo_cli: Kivo,
) -> None:
    ran = kivo_cli("report", "funnel", "--on", "friday", "--json")  # Monday 2 March
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["on"] == "2026-03-06"
    ran = kivo_cli("report", "funnel", "--on", "+3y")
    assert ran.code == 2
    assert "is not a real date in the form YYYY-MM-DD (or: today, tomorrow" in ran.err


def test_a_write_with_a_pinned_clock_says_so_once_on_standard_error(kivo_cli: Kivo) -> None:
    ran = kivo_cli("caseworker", "add", "Anna Lindqvist", "--json")
    assert ran.code == 0, ran.err
    assert json.loads(ran.out)["name"] == "Anna Lindqvist"  # stdout stays one document
    assert ran.err.count(PINNED) == 1
    assert len(ran.err.splitlines()) == 1


def test_reads_refusals_and_an_unpinned_clock_say_nothing_of_the_clock(kivo_cli: Kivo) -> None:
    assert kivo_cli("caseworker", "add", "Anna Lindqvist").code == 0
    read = kivo_cli("caseworker", "list")
    refused = kivo_cli("pause", "9", "--reason", "sick")
    unpinned = kivo_cli("caseworker", "add", "Bo Nilsson", env={"KIVO_NOW": ""})
    assert (read.code, refused.code, unpinned.code) == (0, 4, 0)
    for ran in (read, refused, unpinned):
        assert "pinned" not in ran.err


def test_a_rules_file_that_is_not_utf_8_is_bad_input_naming_the_line(
    kivo_cli: Kivo, tmp_path: Path
) -> None:
    (tmp_path / "rules.toml").write_bytes("version = 2\n# Göteborg\n".encode("latin-1"))
    ran = kivo_cli("--rules", "rules.toml", "rules", "show")
    assert ran.code == 2, ran
    assert "Traceback" not in ran.err
    assert "rules file rules.toml: line 2 is not UTF-8 text" in ran.err
