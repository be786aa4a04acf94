"""The benchmark runner at a tiny size: every scenario runs for kivo and its raw-SQL twin
and reports numbers. The figures themselves are not judged here (they are not part of
the suite's pass/fail); that the runner works end to end is."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from benchmarks.scenarios import SCENARIOS

ROOT = Path(__file__).resolve().parents[2]
PEERS_ONLY = ("--scenarios", "peers")


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("bench")
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "1000", "--quick", "--json"],
        cwd=ROOT,
        env={**os.environ, "KIVO_BENCH_DIR": str(folder)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    parsed: dict[str, object] = json.loads(completed.stdout)
    return parsed


def _scenarios(report: dict[str, object]) -> list[dict[str, object]]:
    entries = report["scenarios"]
    assert isinstance(entries, list)
    return entries


def test_the_quick_run_reports_every_scenario_with_kivo_and_raw_figures(
    report: dict[str, object],
) -> None:
    entries = _scenarios(report)
    keys = {str(entry["key"]) for entry in entries}
    assert {"import", "single", "batch", "dispatch", "startup", "peers"} <= keys
    assert {"report-funnel", "report-outcomes", "report-targets"} <= keys
    assert {"match-place", "match-case"} <= keys
    assert {"web-case-1", "web-list-1", "web-today-1"} <= keys
    assert len(SCENARIOS) == 10
    for entry in entries:
        assert entry["status"] == "measured", entry
        for figure in ("kivo_s", "raw_s", "ratio"):
            value = entry[figure]
            assert isinstance(value, float), (entry["key"], figure, value)
            assert value > 0


def test_the_peers_run_reports_moves_per_second_for_kivo_the_twin_and_each_peer(
    report: dict[str, object],
) -> None:
    peers = next(entry for entry in _scenarios(report) if entry["key"] == "peers")
    notes = peers["notes"]
    assert isinstance(notes, list)
    assert not any("skipped" in str(note) for note in notes), notes
    extra = peers["extra"]
    assert isinstance(extra, dict)
    stacks = {"kivo", "raw", "django", "sqlalchemy", "sqlalchemy-transitions"}
    assert set(extra) == {f"{stack}_per_s" for stack in stacks}
    assert all(isinstance(rate, float) and rate > 0 for rate in extra.values())
    samples = peers["samples"]
    assert isinstance(samples, dict)
    assert all(len(samples[stack]) == 3 for stack in stacks)  # three interleaved rounds
    assert isinstance(peers["met"], bool)
    assert any("django 5.2" in str(note) for note in notes), notes


def test_the_report_names_the_machine_and_the_database_it_ran_on(
    report: dict[str, object],
) -> None:
    machine = report["machine"]
    assert isinstance(machine, dict)
    assert {"nproc", "memory_gb", "python", "sqlite"} <= machine.keys()
    assert report["database"] == "sqlite"
    assert report["size"] == 1000


def test_the_single_move_pool_leaves_out_the_cases_the_import_scenario_added(
    tmp_path: Path,
) -> None:
    """Run without ``--quick`` after an import, the single-move pool once took the
    imported cases in step 1 as well, ran out of room at the supervisors and crashed
    ("the raw twin could not move case …"). Only the generated caseload is moved."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks",
            "--size",
            "1000",
            "--scenarios",
            "import",
            "single",
            "--repeats",
            "1",
            "--import-rows",
            "3000",
            "--json",
        ],
        cwd=ROOT,
        env={**os.environ, "KIVO_BENCH_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    single = next(
        entry for entry in json.loads(completed.stdout)["scenarios"] if entry["key"] == "single"
    )
    assert single["status"] == "measured"
    assert single["count"] > 0
    with closing(sqlite3.connect(tmp_path / "bench-1000.db")) as conn:
        moved = conn.execute(
            "SELECT max(id) FROM kivo_case WHERE state = 'short-practice'"
        ).fetchone()[0]
    assert moved <= 1000, "a case the import scenario added was moved"


def test_without_the_peers_environment_the_peers_run_measures_kivo_and_the_twin_and_says_why(
    tmp_path: Path,
) -> None:
    """Offline (pip finds no index), the peers' environment cannot be built: the run
    still succeeds, kivo and the raw twin are measured, and the report says why the
    peers are missing."""
    offline = {"PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1", "PIP_FIND_LINKS": ""}
    completed = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--size", "1000", "--quick", "--json", *PEERS_ONLY],
        cwd=ROOT,
        env={
            **os.environ,
            **offline,
            "KIVO_BENCH_DIR": str(tmp_path),
            "KIVO_PEERS_VENV": str(tmp_path / "peers-venv"),
        },
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-2000:]
    (peers,) = json.loads(completed.stdout)["scenarios"]
    assert peers["status"] == "measured"
    assert set(peers["extra"]) == {"kivo_per_s", "raw_per_s"}
    assert peers["met"] is None
    assert any("peers skipped" in note and "pip install failed" in note for note in peers["notes"])
    assert not (tmp_path / "peers-venv").exists()  # no half-built environment is kept
