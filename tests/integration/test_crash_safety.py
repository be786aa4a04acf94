"""Crash safety: kill -9 at random moments of a batch of moves, a dispatch pass and a
bulk import, 50 times each (25 on SQLite and 25 on PostgreSQL; 8 each outside CI).

After every kill the invariants hold (``kivo doctor``'s checks find nothing: every
case's stored state is the replay of its history, every case has its enrolment event,
no reminder is both unsent and marked sent, nothing is orphaned), and running the same
work again completes it without doubling any of it: each case moved once, each
reminder in the notifier file once, each imported person once.

The work runs in children forked from a warm process (``tests.crash_zygote``), so a
kill costs milliseconds rather than a Python start-up. A first unkilled run of the job
is watched to learn how long it takes and how fast its work (moves committed, lines
written) shows. In odd rounds the kill moment is drawn uniformly over the whole job; in
even rounds the kill follows a random part of the work seen done (drawn over the whole
job only, too few kills landed mid-work whenever the machine's load stretched a job's
start-up: CI saw 5 of 25). The tests also check that enough kills landed in the middle
of the work to mean something.
"""

from __future__ import annotations

import json
import os
import random
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import IO, Any

import pytest
from sqlalchemy import text

from pathway import directory, enrolment
from pathway.bootstrap import bootstrap
from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.doctor import examine
from states.import_rows import BadRows
from tests.crash_zygote import dispatch_all, import_rows, move_cohort
from tests.dispatch_support import add_office, seed_many, sent_ids, status_counts
from tests.integration.support import TRAINED_ON, add_staff, engine_of, personnummer

MakeKivo = Callable[..., Kivo]
Progress = Callable[[], int]  # how much of a job's work is visible from outside so far
KILLS = 25 if os.environ.get("CI") else 8  # per database: 50 of each kind in all
COHORT = 5  # cases moved per round
REMINDERS = 60  # reminders seeded per round
ROWS = 60  # participants imported per round
START = datetime(2026, 3, 2, 9, 0, tzinfo=LOCAL)
DUE = date(2026, 2, 20)  # every seeded reminder, escalations too, is due at START


@dataclass(frozen=True)
class Window:
    """When a job's work was seen to begin and to end, and when the job ended (seconds
    from its start), in a run that was not killed."""

    first: float
    last: float
    whole: float

    def per_item(self, total: int) -> float:
        """About how long one of the job's ``total`` items of work takes."""
        return max(self.last - self.first, 0.0) / total


class Zygote:
    """The warm process that forks the work; see ``tests.crash_zygote``."""

    def __init__(self, repo_root: Path, log: IO[str]) -> None:
        env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
        env["PYTHONPATH"] = str(repo_root)
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tests.crash_zygote"],
            cwd=repo_root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
        )

    def _read(self, key: str) -> int:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        assert line, "the zygote died"
        return int(json.loads(line)[key])

    def start(self, job: dict[str, Any]) -> int:
        assert self.process.stdin is not None
        self.process.stdin.write(json.dumps(job, default=str) + "\n")
        self.process.stdin.flush()
        return self._read("pid")

    def finish(self) -> int:
        return self._read("status")

    def run(self, job: dict[str, Any]) -> float:
        """Run a job to its end; how long it took, in seconds."""
        began = time.monotonic()
        self.start(job)
        assert self.finish() == 0, "the job failed: see the zygote's log"
        return time.monotonic() - began

    def watch(self, job: dict[str, Any], progress: Progress, total: int) -> Window:
        """Run a job to its end, polling ``progress`` (how much of its ``total`` work is
        visible outside); when its work began and ended to be seen, and how long it took."""
        began = time.monotonic()
        self.start(job)
        first = last = None
        while last is None and time.monotonic() - began < 60:
            done = progress()
            moment = time.monotonic() - began
            first = moment if first is None and done > 0 else first
            last = moment if done >= total else None
            time.sleep(0.0005)
        assert self.finish() == 0, "the job failed: see the zygote's log"
        whole = time.monotonic() - began
        assert first is not None, "the job's work was never seen to begin"
        assert last is not None, "the job's work was never seen to end"
        return Window(first, last, whole)

    def kill_in_round(
        self, job: dict[str, Any], round_: int, window: Window, progress: Progress, total: int
    ) -> int:
        """Kill the job: in odd rounds at a moment drawn over the whole job (start-up and
        end included); in even rounds once ``progress`` shows a random part of its work
        done, then up to one item's time later, so the kill cuts the work in two however
        the machine's load stretches the job."""
        if round_ % 2:
            return self.kill_during(job, random.uniform(0, window.whole * 1.1))
        return self.kill_after(
            job, progress, random.randint(1, total - 1), random.uniform(0, window.per_item(total))
        )

    def kill_after(self, job: dict[str, Any], progress: Progress, done: int, then: float) -> int:
        """Start the job, SIGKILL it ``then`` seconds after ``progress`` reaches ``done``."""
        pid = self.start(job)
        began = time.monotonic()
        while progress() < done and time.monotonic() - began < 60:
            time.sleep(0.0005)
        time.sleep(then)
        with suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        return self.finish()

    def kill_during(self, job: dict[str, Any], after: float) -> int:
        """Start the job, SIGKILL it ``after`` seconds later; its exit status."""
        pid = self.start(job)
        time.sleep(after)
        with suppress(ProcessLookupError):  # it had finished (and was reaped) already
            os.kill(pid, signal.SIGKILL)
        return self.finish()

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait(30)


@pytest.fixture
def zygote(repo_root: Path, tmp_path: Path) -> Iterator[Zygote]:
    with (tmp_path / "zygote.log").open("w") as log:
        process = Zygote(repo_root, log)
        try:
            yield process
        finally:
            process.close()


def assert_invariants(kivo: Kivo, after: str) -> None:
    _, findings = examine(kivo)
    problems = [(f.code, f.message, f.ids) for f in findings if f.severity == "error"]
    assert problems == [], f"after {after}: {problems}"


def at(minutes: int) -> str:
    return (START + timedelta(minutes=minutes)).isoformat()


WRITTEN = """
SELECT c.id,
  (SELECT count(*) FROM case_event e WHERE e.case_id = c.id AND e.kind = 'advanced'),
  (SELECT count(*) FROM placement p WHERE p.case_id = c.id),
  (SELECT count(*) FROM followup f WHERE f.case_id = c.id),
  (SELECT count(*) FROM reminder r WHERE r.case_id = c.id)
FROM kivo_case c WHERE c.id BETWEEN :first AND :last
"""


def written_per_case(kivo: Kivo, cases: list[int]) -> dict[int, tuple[int, ...]]:
    """What the moves wrote for each case: advances, placements, follow-ups, reminders."""
    with engine_of(kivo.database).connect() as connection:
        rows = connection.execute(text(WRITTEN), {"first": min(cases), "last": max(cases)})
        return {int(row[0]): tuple(int(n) for n in row[1:]) for row in rows}


def count(kivo: Kivo, query: str, **params: Any) -> int:
    with engine_of(kivo.database).connect() as connection:
        return int(connection.execute(text(query), params).scalar_one())


def test_a_batch_of_moves_killed_at_random_moments_leaves_the_invariants_and_a_rerun_finishes_it(
    make_kivo: MakeKivo, zygote: Zygote
) -> None:
    kivo = make_kivo(at(0))
    staff = add_staff(kivo)
    random.seed(6)

    def cohort(round_: int) -> list[int]:
        return [
            enrolment.enrol(
                kivo,
                f"Deltagare {round_}-{n}",
                caseworker_id=staff.caseworker,
                consent=True,
                on=date(2026, 1, 12),
            ).case_id
            for n in range(COHORT)
        ]

    def job(cases: list[int]) -> dict[str, Any]:
        return {
            "kind": "moves",
            "url": kivo.database,
            "now": at(0),
            "cases": cases,
            "supervisor": supervisor,
        }

    def new_supervisor() -> int:
        """One per round, with room for the whole cohort (supervisors have a capacity)."""
        made = directory.add_supervisor(
            kivo,
            "Sven Handledare",
            workplace_id=staff.workplace,
            trained_on=TRAINED_ON,
            capacity=COHORT,
        )
        assert made.id is not None
        return made.id

    supervisor = new_supervisor()
    zygote.run(job(cohort(-1)))  # a first run warms caches up: not a fair measure
    supervisor = new_supervisor()
    reference = cohort(0)
    advanced = "SELECT count(*) FROM case_event WHERE kind = 'advanced' AND case_id >= :first"
    with engine_of(kivo.database).connect() as connection:

        def advances(first: int) -> Progress:
            def progress() -> int:
                made = connection.execute(text(advanced), {"first": first}).scalar_one()
                connection.rollback()  # the next poll sees what was committed since
                return int(made)

            return progress

        window = zygote.watch(job(reference), advances(reference[0]), 2 * COHORT)
        per_case = written_per_case(kivo, reference)[reference[0]]
        assert per_case[:2] == (2, 1)  # two advances, one placement
        assert min(per_case) > 0
        assert written_per_case(kivo, reference) == dict.fromkeys(reference, per_case)
        mid_work = 0
        for round_ in range(1, KILLS + 1):
            cases, supervisor = cohort(round_), new_supervisor()
            progress = advances(cases[0])
            status = zygote.kill_in_round(job(cases), round_, window, progress, 2 * COHORT)
            assert_invariants(kivo, f"kill {round_} of a batch of moves")
            made = progress()
            mid_work += status == -signal.SIGKILL and 0 < made < 2 * COHORT

            move_cohort(kivo, cases, supervisor)  # the rerun

            assert_invariants(kivo, f"the rerun after kill {round_}")
            assert written_per_case(kivo, cases) == dict.fromkeys(cases, per_case), (
                f"after kill {round_}"
            )
    assert mid_work >= KILLS // 4, f"only {mid_work} of {KILLS} kills landed mid-batch"


def test_a_dispatch_pass_killed_at_random_moments_leaves_the_invariants_and_sends_each_once(
    make_kivo: MakeKivo, zygote: Zygote, tmp_path: Path
) -> None:
    kivo = make_kivo(at(0))
    office = add_office(kivo)
    cases = [office.case] + [
        enrolment.enrol(kivo, f"Deltagare {n}", caseworker_id=office.caseworker).case_id
        for n in range(3)
    ]
    path = tmp_path / "sent.jsonl"
    random.seed(7)
    seeded: list[int] = []

    def job(minutes: int) -> dict[str, Any]:
        return {"kind": "dispatch", "url": kivo.database, "now": at(minutes), "path": str(path)}

    seeded += seed_many(kivo.database, cases, REMINDERS, due=DUE)
    zygote.run(job(0))  # a first run warms caches up: not a fair measure
    seeded += seed_many(kivo.database, cases, REMINDERS, due=DUE)
    already = len(sent_ids(path))
    window = zygote.watch(job(5), _lines_since(path, already), REMINDERS)
    mid_work = 0
    for round_ in range(1, KILLS + 1):
        minutes = 10 * round_  # the last round's five-minute claims have run out
        seeded += seed_many(kivo.database, cases, REMINDERS, due=DUE)
        before = len(sent_ids(path))
        status = zygote.kill_in_round(
            job(minutes), round_, window, _lines_since(path, before), REMINDERS
        )
        assert_invariants(kivo, f"kill {round_} of a dispatch pass")
        sent_now = len(sent_ids(path)) - before
        mid_work += status == -signal.SIGKILL and 0 < sent_now < REMINDERS

        later = bootstrap(kivo.database, now=at(minutes + 6))  # after the killed leases
        try:
            dispatch_all(later, path)  # the rerun
        finally:
            later.close()

        assert_invariants(kivo, f"the rerun after kill {round_}")
        times = sent_ids(path)
        assert times == dict.fromkeys(seeded, 1), f"after kill {round_}: {_doubled(times)}"
        assert status_counts(kivo.database) == {"sent": len(seeded)}
    assert mid_work >= KILLS // 4, f"only {mid_work} of {KILLS} kills landed mid-pass"


def _lines_since(path: Path, before: int) -> Progress:
    """Lines added to the notifier's file since it had ``before`` (cheap enough to poll
    every half millisecond)."""

    def progress() -> int:
        try:
            return path.read_bytes().count(b"\n") - before
        except FileNotFoundError:
            return 0

    return progress


def _doubled(times: Counter[int]) -> dict[int, int]:
    return {k: v for k, v in times.items() if v != 1}


def test_a_bulk_import_killed_at_random_moments_leaves_all_or_nothing_and_a_rerun_imports_once(
    make_kivo: MakeKivo, zygote: Zygote
) -> None:
    kivo = make_kivo(at(0))
    directory.add_caseworker(kivo, "Hanna Handläggare")
    random.seed(8)

    def rows(round_: int) -> list[list[str]]:
        born = date(1970, 1, 1) + timedelta(days=round_)
        return [
            [
                f"Importerad {round_}-{n}",
                personnummer(born.strftime("%Y%m%d"), f"{100 + n:03d}"),
                "woman",
                str(born.year),
                "",
                "",
                "2026-01-12",
                "information",
                "2026-01-12",
            ]
            for n in range(ROWS)
        ]

    def job(round_: int) -> dict[str, Any]:
        return {"kind": "import", "url": kivo.database, "now": at(0), "rows": rows(round_)}

    def imported(round_: int) -> int:
        return count(
            kivo, "SELECT count(*) FROM person WHERE name LIKE :n", n=f"Importerad {round_}-%"
        )

    zygote.run(job(-1))  # a first run warms caches up: not a fair measure
    whole = zygote.run(job(0))
    assert imported(0) == ROWS
    mid_work = 0
    for round_ in range(1, KILLS + 1):
        status = zygote.kill_during(job(round_), random.uniform(0, whole * 1.1))
        assert_invariants(kivo, f"kill {round_} of an import")
        assert imported(round_) in (0, ROWS), "an import was left half done"
        mid_work += status == -signal.SIGKILL and imported(round_) == 0

        try:  # the rerun
            import_rows(kivo, rows(round_))
        except BadRows:  # the killed import had committed: every row is known already
            assert imported(round_) == ROWS

        assert imported(round_) == ROWS, f"after kill {round_}"
        assert_invariants(kivo, f"the rerun after kill {round_}")
    assert count(kivo, "SELECT count(*) FROM kivo_case") == ROWS * (KILLS + 2)
    assert mid_work >= KILLS // 4, f"only {mid_work} of {KILLS} kills landed mid-import"
