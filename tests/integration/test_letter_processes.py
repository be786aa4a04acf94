"""Exactly once across processes: four schedulers' weekly-letter runs at once over one
SQLite file and over PostgreSQL; every active caseworker and coordinator finds one
letter in the notifier files, and the letter outbox says each was sent."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import insert

from pathway.context import Kivo
from persistence.tables import CaseworkerRow
from tests.dispatch_support import add_office, engine_of, lines_of
from tests.integration.test_dispatch_processes import environment

MakeKivo = Callable[..., Kivo]
PEOPLE = 150  # caseworkers, besides the office's caseworker and coordinator
NOW = "2026-03-02T07:00"
WORKERS = 4


def start(url: str, folder: Path, repo_root: Path, n: int, go: Path) -> subprocess.Popen[str]:
    args = [str(folder / f"{n}.jsonl"), str(folder / f"{n}.ready"), str(go)]
    return subprocess.Popen(
        [sys.executable, "-m", "tests.outbox_worker", "letters", url, NOW, *args],
        cwd=repo_root,
        env=environment(repo_root),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_four_scheduler_processes_send_each_persons_weekly_letter_exactly_once(
    make_kivo: MakeKivo, tmp_path: Path, repo_root: Path
) -> None:
    kivo = make_kivo(NOW)
    office = add_office(kivo)
    with engine_of(kivo.database).begin() as connection:
        connection.execute(
            insert(CaseworkerRow),
            [
                {"name": f"Handläggare {n}", "role": "caseworker", "active": True}
                for n in range(PEOPLE)
            ],
        )
    go = tmp_path / "go"
    processes = [start(kivo.database, tmp_path, repo_root, n, go) for n in range(WORKERS)]
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and not all(
        (tmp_path / f"{n}.ready").exists() for n in range(WORKERS)
    ):
        time.sleep(0.01)
    go.touch()  # all are up: they queue and claim together
    results = []
    for process in processes:
        out, err = process.communicate(timeout=300)
        assert process.returncode == 0, err
        results.append(json.loads(out))

    files = [tmp_path / f"{n}.jsonl" for n in range(WORKERS)]
    letters = Counter(line["recipient"]["id"] for line in lines_of(*files))
    with kivo.uow(read_only=True) as uow:
        people = [w.id for w in uow.caseworkers.all() if w.active]
        outbox = uow.letters.all()
    assert office.coordinator in letters
    assert letters == dict.fromkeys(people, 1)
    assert sum(r["sent"] for r in results) == PEOPLE + 2
    assert sum(r["failed"] for r in results) == 0
    assert Counter((letter.week, letter.status) for letter in outbox) == {
        ("2026-W10", "sent"): PEOPLE + 2
    }
