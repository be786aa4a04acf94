"""Exactly once across processes: two dispatchers at once, and one killed with SIGKILL
in the middle of a pass, over one SQLite file and over PostgreSQL.

A few thousand due reminders are written straight into the outbox; afterwards every
one of them must be in the notifier files exactly once and recorded sent.
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


def test_two_dispatcher_processes_send_every_reminder_exactly_once(
    make_kivo: MakeKivo, tmp_path: Path, repo_root: Path
) -> None:
    url, ids = seed(make_kivo)
    go = tmp_path / "go"
    files = [tmp_path / "a.jsonl", tmp_path / "b.jsonl"]
    ready = [tmp_path / "a.ready", tmp_path / "b.ready"]
    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "tests.dispatch_worker",
                url,
                NOW,
                str(f),
                "50",
                str(r),
                str(go),
            ],
            cwd=repo_root,
            env=environment(repo_root),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for f, r in zip(files, ready, strict=True)
    ]
    deadline = time.monotonic() + 30
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()  # both are up: they start their passes together
    results = []
    for worker in workers:
        out, err = worker.communicate(timeout=60)
        assert worker.returncode == 0, err
        results.append(json.loads(out))

    assert sent_ids(*files) == dict.fromkeys(ids, 1)
    assert [sum(r[key] for r in results) for key in ("sent", "failed", "dropped")] == [
        REMINDERS,
        0,
        0,
    ]
    assert all(r["sent"] > 0 for r in results), f"one worker did all the work: {results}"
    assert status_counts(url) == {"sent": REMINDERS}


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
