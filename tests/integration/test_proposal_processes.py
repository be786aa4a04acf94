"""Six processes accept six proposals for a place's last position at the same moment,
on SQLite and PostgreSQL: exactly one wins; the others are refused ``place-full`` (exit
3), or, where the database turned the race into a conflict, exit 5. The place has its
positions taken and no more, and one case moved."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

from pathway import places, proposals
from pathway.context import Kivo
from tests.conftest import DEFAULT_NOW
from tests.integration.support import Staff, enrol_case, placements_of
from tests.integration.test_places import opened

PROCESSES = 6


def test_six_processes_accepting_for_the_last_position_leave_exactly_one_winner(
    kivo: Kivo, staff: Staff, tmp_path: Path, repo_root: Path
) -> None:
    place = opened(kivo, staff, positions=2)
    first = enrol_case(kivo, staff)
    proposals.accept(kivo, proposals.propose(kivo, place, first).id)  # one position left
    cases = [enrol_case(kivo, staff) for _ in range(PROCESSES)]
    offered = [proposals.propose(kivo, place, case).id for case in cases]
    go = tmp_path / "go"
    ready = [tmp_path / f"{n}.ready" for n in range(PROCESSES)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env["PYTHONPATH"] = str(repo_root)
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.accept_worker",
                kivo.database,
                DEFAULT_NOW,
                str(r),
                str(go),
                str(proposal),
            ],
            cwd=repo_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r, proposal in zip(ready, offered, strict=True)
    ]
    deadline = time.monotonic() + 120
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=300)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))

    won = [r for r in reports if r["outcome"] == "accepted"]
    lost = [r for r in reports if r["outcome"] != "accepted"]
    assert len(won) == 1, reports
    assert all(
        (r["outcome"], r["codes"], r["exit"]) == ("Refused", ["place-full"], 3)
        or (r["outcome"], r["exit"]) == ("Conflict", 5)
        for r in lost
    ), lost
    view = places.show_place(kivo, place)
    assert (view.status, view.taken) == ("filled", 2)
    assert [e.kind for e in view.history].count("taken") == 2
    accepted = proposals.list_proposals(kivo, place_id=place, status="accepted")
    assert len(accepted) == 2
    assert sum(len(placements_of(kivo, case)) for case in cases) == 1
