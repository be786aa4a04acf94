"""A retention run killed mid-way (SIGKILL of the installed ``kivo retention apply``,
timed on its progress lines) leaves each case either fully processed or untouched, on
SQLite and PostgreSQL; a rerun completes the work, and one more run does nothing."""

from __future__ import annotations

import os
import signal
import subprocess
from datetime import date

from pathway import moves, notes
from pathway.context import Kivo
from states.case import Outcome
from tests.e2e.conftest import kivo_executable
from tests.integration.retention_support import CLOSED_ON, held, removals
from tests.integration.support import Staff, enrol_case, table_contents

CASES = 40
KILLED_AFTER = 3  # progress lines read before the kill; the run goes on meanwhile
DESTROYED = ("notes", "reminders", "access_log")  # what the default schedule destroys here
LATER = "2029-01-01T09:00:00"


def quickly_closed(kivo: Kivo, staff: Staff, number: int) -> int:
    by = staff.caseworker
    case_id = enrol_case(kivo, staff, name=f"Deltagare {number}")
    moves.pause(kivo, case_id, on=date(2026, 2, 9), reason="sjuk", by=by)
    notes.add_note(kivo, case_id, f"Samtal {number}", by=by)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=CLOSED_ON, by=by)
    return case_id


def apply_command(url: str, staff: Staff) -> list[str]:
    return [
        kivo_executable(),
        "retention",
        "apply",
        "--on",
        "2028-12-31",
        "--by",
        str(staff.coordinator),
    ]


def environment(url: str) -> dict[str, str]:
    kept = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    return {**kept, "KIVO_DATABASE_URL": url, "KIVO_NOW": LATER}


def killed_run(url: str, staff: Staff) -> int:
    """Start apply, SIGKILL it once ``KILLED_AFTER`` cases are reported; its status."""
    process = subprocess.Popen(
        apply_command(url, staff),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=environment(url),
    )
    assert process.stderr is not None
    seen = 0
    while seen < KILLED_AFTER:
        line = process.stderr.readline()
        assert line, "the run ended before it could be killed"
        seen += line.startswith("retention: case ")
    os.kill(process.pid, signal.SIGKILL)
    status = process.wait(timeout=60)
    process.stderr.close()
    return status


def processed(url: str, case_ids: list[int], recorded: set[int]) -> list[int]:
    """The cases fully processed; any case half done fails the test."""
    done = []
    for case_id in case_ids:
        left = held(url, case_id)
        untouched = all(left[kind] > 0 for kind in DESTROYED) and case_id not in recorded
        finished = all(left[kind] == 0 for kind in DESTROYED) and case_id in recorded
        assert untouched or finished, f"case {case_id} is half processed: {left}"
        done += [case_id] if finished else []
    return done


def test_a_killed_run_leaves_each_case_whole_and_a_rerun_completes(
    kivo: Kivo, staff: Staff
) -> None:
    case_ids = [quickly_closed(kivo, staff, number) for number in range(CASES)]
    assert all(held(kivo.database, c)[k] > 0 for c in case_ids for k in DESTROYED)

    status = killed_run(kivo.database, staff)

    assert status == -signal.SIGKILL
    recorded = [case for case, *_ in removals(kivo.database)]
    assert len(recorded) == len(set(recorded))  # one record per case, never two
    done = processed(kivo.database, case_ids, set(recorded))
    assert KILLED_AFTER <= len(done) < CASES  # killed mid-way, after the cases it reported
    assert table_contents(kivo.database)["removal_in_progress"] == []

    rerun = subprocess.run(
        apply_command(kivo.database, staff),
        capture_output=True,
        text=True,
        env=environment(kivo.database),
        timeout=120,
        check=False,
    )

    assert rerun.returncode == 0, rerun.stderr
    recorded = [case for case, *_ in removals(kivo.database)]
    assert sorted(recorded) == case_ids  # every case once: the rerun did the rest only
    assert processed(kivo.database, case_ids, set(recorded)) == case_ids
    before = table_contents(kivo.database)
    again = subprocess.run(
        apply_command(kivo.database, staff),
        capture_output=True,
        text=True,
        env=environment(kivo.database),
        timeout=120,
        check=False,
    )
    assert again.returncode == 0
    assert table_contents(kivo.database) == before
