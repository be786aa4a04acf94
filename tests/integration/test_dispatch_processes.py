"""Exactly once across processes: four dispatchers at once over 20,000 due reminders
(4,000 outside CI), and one killed with SIGKILL in the middle of a pass, over one
SQLite file and over PostgreSQL.

The due reminders are written straight into the outbox; afterwards every one of them
must be in the notifier files exactly once and recorded sent.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path

from pathway import enrolment
from pathway.context import Kivo
from tests.dispatch_support import add_office, lines_of, seed_many, sent_ids, status_counts
from tests.e2e.conftest import kivo_executable

MakeKivo = Callable[..., Kivo]
REMINDERS = 2000
NOW = "2026-03-20T09:00"  # every seeded reminder is due
AFTER_THE_LEASE = "2026-03-20T09:06"  # a pass's five-minute claims have run out


def seed(make_kivo: MakeKivo) -> tuple[str, list[int]]:
    """A handful of cases and REMINDERS due reminders spread over them."""
    kivo = make_kivo()
    office = add_office(kivo)
    cases = [office.case] + [
        enrolment.enrol(kivo, f"Deltagare {n}", caseworker_id=office.caseworker).case_id
        for n in range(4)
    ]
    return kivo.database, seed_many(kivo.database, cases, REMINDERS, due=date(2026, 3, 2))


def environment(repo_root: Path, **kivo: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env["PYTHONPATH"] = str(repo_root)
    env.update(kivo)
    return env


def run_dispatchers(
    url: str, folder: Path, repo_root: Path, workers: int, batch: int
) -> tuple[list[Path], list[dict[str, int]]]:
    """Start ``workers`` dispatcher processes, release them together, wait for them;
    their notifier files and what each says it did."""
    go = folder / "go"

    def worker_args(file: Path, ready_file: Path) -> list[str]:
        return [str(file), str(ready_file), str(go), str(batch)]

    files = [folder / f"{n}.jsonl" for n in range(workers)]
    ready = [folder / f"{n}.ready" for n in range(workers)]
    processes = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.outbox_worker",
                "reminders",
                url,
                NOW,
                *worker_args(f, r),
            ],
            cwd=repo_root,
            env=environment(repo_root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f, r in zip(files, ready, strict=True)
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # all are up: they start their passes together
    results = []
    for process in processes:
        out, err = process.communicate(timeout=900)
        assert process.returncode == 0, err
        results.append(json.loads(out))
    return files, results


MANY = 20_000 if os.environ.get("CI") else 4_000  # the issue asks 20,000; CI runs it


def test_four_dispatcher_processes_send_each_of_many_due_reminders_exactly_once(
    make_kivo: MakeKivo, tmp_path: Path, repo_root: Path
) -> None:
    """The issue's proof at full scale: count the lines of the ``file:`` notifiers."""
    kivo = make_kivo()
    office = add_office(kivo)
    cases = [office.case] + [
        enrolment.enrol(kivo, f"Deltagare {n}", caseworker_id=office.caseworker).case_id
        for n in range(9)
    ]
    ids = seed_many(kivo.database, cases, MANY, due=date(2026, 3, 2))

    files, results = run_dispatchers(kivo.database, tmp_path, repo_root, workers=4, batch=200)

    assert len(lines_of(*files)) == MANY  # a dispatcher that sent nothing wrote no file
    assert sent_ids(*files) == dict.fromkeys(ids, 1)
    assert sum(r["sent"] for r in results) == MANY
    assert sum(r["failed"] + r["dropped"] for r in results) == 0
    # Proof that the passes overlapped. Not fairness: SQLite's write lock is not fair (a
    # waiting process sleeps in its busy handler while the others keep taking the lock),
    # so under load one dispatcher can find the outbox empty when it first gets in.
    assert sum(r["sent"] > 0 for r in results) >= 2, f"the work was not shared: {results}"
    assert status_counts(kivo.database) == {"sent": MANY}


def test_after_a_dispatcher_is_killed_mid_pass_the_next_pass_sends_the_rest_exactly_once(
    make_kivo: MakeKivo, tmp_path: Path, repo_root: Path
) -> None:
    url, ids = seed(make_kivo)
    path = tmp_path / "reminders.jsonl"
    command = [kivo_executable(), "reminders", "run", "--notify", f"file:{path}", "--json"]
    killed = subprocess.Popen(
        command,
        env=environment(repo_root, KIVO_DATABASE_URL=url, KIVO_NOW=NOW),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while _lines(path) < 200 and killed.poll() is None and time.monotonic() < deadline:
        time.sleep(0.002)
    killed.send_signal(signal.SIGKILL)
    killed.communicate(timeout=30)

    assert killed.returncode == -signal.SIGKILL, "the pass ended before it could be killed"
    written_before = len(lines_of(path))
    assert 0 < written_before < REMINDERS
    assert status_counts(url)["pending"] > 0
    # While the killed pass's claims are leased, a new pass leaves them alone.
    subprocess.run(
        command,
        env=environment(repo_root, KIVO_DATABASE_URL=url, KIVO_NOW=NOW),
        capture_output=True,
        timeout=60,
        check=True,
    )
    assert max(sent_ids(path).values()) == 1
    assert status_counts(url)["pending"] > 0, "the killed pass held no claims"
    after_the_lease = subprocess.run(
        command,
        env=environment(repo_root, KIVO_DATABASE_URL=url, KIVO_NOW=AFTER_THE_LEASE),
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )

    assert json.loads(after_the_lease.stdout)["failed"] == 0
    assert sent_ids(path) == dict.fromkeys(ids, 1)
    assert status_counts(url) == {"sent": REMINDERS}


def _lines(path: Path) -> int:
    try:
        with path.open("rb") as file:
            return file.read().count(b"\n")
    except FileNotFoundError:
        return 0
