"""Reminder dispatch by several processes at once (PostgreSQL): kivo's passes against the
twin's, each process started and connected before the clock starts."""

from __future__ import annotations

import multiprocessing
import statistics
import time
from datetime import UTC
from pathlib import Path
from typing import Any

from benchmarks.caseload import NOW, TODAY
from benchmarks.scenarios import Bench, Result, interleaved

PROCESSES = 4


def _worker(side: str, url: str, path: str, start: Any, done: Any) -> None:
    """Bootstrap and warm up, wait for the start, run one dispatch pass to the end, report
    the count. The warm-up (one read through the outbox) connects and imports what a
    unit of work loads on first use, so the clock measures dispatching, not start-up."""
    from benchmarks import dispatch_twin
    from benchmarks.rawsql import RawDatabase
    from pathway import dispatch
    from pathway.bootstrap import bootstrap
    from pathway.notifiers import FileNotifier

    if side == "kivo":
        kivo = bootstrap(url, now=NOW)
        with kivo.uow() as uow:
            uow.reminders.find(0)
        start.wait()
        sent = dispatch.dispatch(kivo, FileNotifier(Path(path))).sent
        kivo.close()
    else:
        from pathway.clock import parse_now

        raw = RawDatabase(url)
        now = parse_now(NOW).astimezone(UTC)
        raw.one("SELECT count(*) FROM reminder WHERE id = 0")
        start.wait()
        sent = dispatch_twin.dispatch(raw, Path(path), TODAY, now, f"raw-{path}")
        raw.close()
    done.put(sent)


def dispatch_processes(bench: Bench) -> Result:
    result = Result(
        "dispatch4",
        f"Reminder dispatch by {PROCESSES} processes at once (file: notifier)",
        "reminders",
        target=f"≥ 10,000/s with {PROCESSES} processes on PostgreSQL",
    )
    if bench.sqlite:
        result.status = "skipped"
        result.notes.append("PostgreSQL only (SQLite serialises writers)")
        return result
    now_utc = bench.kivo.now().astimezone(UTC)
    due = bench.ids(
        f"SELECT id FROM reminder WHERE status = 'pending' AND send_on <= '{TODAY}' ORDER BY id"
    )
    result.count = len(due)
    context = multiprocessing.get_context("spawn")

    def reset() -> None:
        bench.raw.begin()
        bench.raw.run(
            "UPDATE reminder SET status = 'pending', attempts = 0, claimed_until = NULL, "
            "claimed_by = NULL, sent_at = NULL WHERE sent_at = ?",
            (now_utc,),
        )
        bench.raw.commit()

    def run(side: str, repeat: int) -> float:
        reset()
        start, done = context.Barrier(PROCESSES + 1), context.Queue()
        workers = [
            context.Process(
                target=_worker,
                args=(side, bench.url, str(bench.work / f"{side}-{repeat}-{n}.jsonl"), start, done),
            )
            for n in range(PROCESSES)
        ]
        for worker in workers:
            worker.start()
        start.wait()
        started = time.perf_counter()
        sent = sum(done.get() for _ in workers)
        elapsed = time.perf_counter() - started
        for worker in workers:
            worker.join()
        if sent != len(due):
            raise RuntimeError(f"{side}: {PROCESSES} processes sent {sent} of {len(due)}")
        return elapsed

    times: dict[str, list[float]] = {"kivo": [], "raw": []}
    interleaved(
        bench.repeats,
        lambda r: times["kivo"].append(run("kivo", r)),
        lambda r: times["raw"].append(run("raw", r)),
    )
    reset()
    result.kivo_s = statistics.median(times["kivo"])
    result.raw_s = statistics.median(times["raw"])
    result.samples = times
    result.met = (result.rate(result.kivo_s) or 0.0) >= 10_000
    result.notes.append(
        "timed from the moment all processes are connected and ready until the last "
        "has sent its share; no reminder is sent twice (the counts add up exactly)"
    )
    return result
