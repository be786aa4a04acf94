"""The clock for the dispatch pass: APScheduler 3 runs one pass every interval and, once
a day, builds the weekly letter and sends it through the notifier to each caseworker and
coordinator (``pathway.letters``: once per person and ISO week), until told to stop.

APScheduler is only the clock. Its job store is in memory and belongs to this process
alone; what is due and what was sent lives in the database outbox, so any number of
schedulers may run at once (each pass claims its reminders atomically) and the first
pass after downtime sends what was missed, once. Jobs coalesce, never overlap
(``max_instances=1``) and are never dropped for being late (no misfire grace limit).

Stopping is cooperative: the caller sets ``stop`` (from a signal handler, say); no new
pass starts after that, the pass in flight finishes, and ``run_scheduler`` returns.

Each process records a heartbeat (``scheduler_heartbeat``) in a short transaction of
its own: when it starts, every ``min(interval, 60 s)`` on a thread of its own (so a long
pass does not silence it), and ``stopped_at`` when it stops cleanly. ``kivo doctor``
reads them: a scheduler not stopped and not seen for five minutes died or hangs. A new
scheduler retires the silent heartbeats of its own host (the process it replaces).
"""

from __future__ import annotations

import os
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import time, timedelta
from typing import Any, Protocol

from pathway.clock import LOCAL, SystemClock
from pathway.context import Kivo
from pathway.digest import Digest, weekly_digest
from pathway.dispatch import DispatchResult, dispatch, worker_token
from pathway.letters import LetterResult, send_weekly_letters
from pathway.notifiers import LetterNotifier, Notifier
from states.errors import InvalidInput, quoted

DEFAULT_INTERVAL_SECONDS = 60.0
DEFAULT_DIGEST_AT = time(7, 0)
POLL_SECONDS = 0.2  # how often the waiting thread looks at ``stop``
HEARTBEAT_SECONDS = 60.0  # at least this often, whatever the interval
RETIRE_AFTER = timedelta(minutes=5)  # a heartbeat of this host silent this long is dead


class SchedulerEvents(Protocol):
    """What the scheduler tells its caller; called from the scheduler's worker threads."""

    def started(self, interval: float, digest_at: time) -> None: ...
    def stopping(self) -> None: ...
    def passed(self, number: int, result: DispatchResult) -> None: ...
    def digested(self, digest: Digest) -> None: ...
    def lettered(self, result: LetterResult) -> None: ...
    def failed(self, job: str, error: Exception) -> None: ...


@dataclass
class SchedulerRun:
    """What a scheduler did between start and stop."""

    passes: int = 0
    digests: int = 0
    letters: int = 0  # weekly letters sent
    letters_failed: int = 0
    errors: int = 0
    sent: int = 0
    escalated: int = 0
    failed: int = 0
    dropped: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def add(self, result: DispatchResult) -> int:
        with self._lock:
            self.passes += 1
            self.sent += result.sent
            self.escalated += result.escalated
            self.failed += result.failed
            self.dropped += result.dropped
            return self.passes

    def count_digest(self) -> None:
        with self._lock:
            self.digests += 1

    def count_letters(self, result: LetterResult) -> None:
        with self._lock:
            self.letters += result.sent
            self.letters_failed += result.failed

    def count_error(self) -> None:
        with self._lock:
            self.errors += 1


def parse_digest_at(text: str) -> time:
    """``HH:MM``, Swedish time: when the daily letter is built."""
    try:
        value = time.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"digest time {quoted(text)} is not a time of day such as 07:00", field="digest_at"
        ) from None
    return value.replace(second=0, microsecond=0, tzinfo=None)


def check_interval(seconds: float) -> float:
    if not seconds > 0:
        raise InvalidInput(
            f"the interval must be more than 0 seconds, not {seconds:g}", field="interval"
        )
    return seconds


class _Jobs:
    """The two jobs; each catches its own errors so the clock keeps running."""

    def __init__(
        self,
        kivo: Kivo,
        notifier: Notifier,
        events: SchedulerEvents,
        stop: threading.Event,
        pass_: Callable[[Kivo, Notifier], DispatchResult],
        letters: LetterNotifier | None,
    ) -> None:
        self.kivo, self.notifier, self.events, self.stop = kivo, notifier, events, stop
        self.pass_, self.letters = pass_, letters
        self.run = SchedulerRun()
        self.worker, self.host, self.pid = worker_token(), socket.gethostname(), os.getpid()
        self.beats = 0

    def heartbeat(self) -> None:
        """Tell the database this process is alive; the first beat also retires the
        silent heartbeats of this host (a scheduler that died without stopping)."""
        try:
            at = self.kivo.now()
            with self.kivo.uow() as uow:
                if self.beats == 0:
                    uow.health.retire_silent(host=self.host, silent_since=at - RETIRE_AFTER, at=at)
                uow.health.beat(worker=self.worker, host=self.host, pid=self.pid, at=at)
                uow.commit()
            self.beats += 1
        except Exception as error:
            self.run.count_error()
            self.events.failed("heartbeat", error)

    def stopped(self) -> None:
        try:
            with self.kivo.uow() as uow:
                uow.health.stopped(worker=self.worker, at=self.kivo.now())
                uow.commit()
        except Exception as error:
            self.run.count_error()
            self.events.failed("heartbeat", error)

    def dispatch_pass(self) -> None:
        if self.stop.is_set():
            return  # stopping: no new pass starts
        try:
            result = self.pass_(self.kivo, self.notifier)
        except Exception as error:
            self.run.count_error()
            self.events.failed("dispatch", error)
            return
        self.events.passed(self.run.add(result), result)

    def daily_digest(self) -> None:
        if self.stop.is_set():
            return
        try:
            letter = weekly_digest(self.kivo)
        except Exception as error:
            self.run.count_error()
            self.events.failed("digest", error)
            return
        self.run.count_digest()
        self.events.digested(letter)
        if self.letters is not None:
            self.send_letters(self.letters)

    def send_letters(self, letters: LetterNotifier) -> None:
        try:
            result = send_weekly_letters(self.kivo, letters)
        except Exception as error:
            self.run.count_error()
            self.events.failed("weekly letter", error)
            return
        self.run.count_letters(result)
        self.events.lettered(result)


def run_scheduler(
    kivo: Kivo,
    notifier: Notifier,
    events: SchedulerEvents,
    *,
    stop: threading.Event,
    interval: float = DEFAULT_INTERVAL_SECONDS,
    digest_at: time = DEFAULT_DIGEST_AT,
    once: bool = False,
    pass_: Callable[[Kivo, Notifier], DispatchResult] = dispatch,
    letters: LetterNotifier | None = None,
) -> SchedulerRun:
    """Run the dispatch pass every ``interval`` seconds (the first at once) and the
    digest daily at ``digest_at``, until ``stop`` is set; with ``once``, one pass and one
    digest, then return. The pass in flight when ``stop`` is set always finishes.

    With ``letters`` (the CLI passes its notifier), the daily digest also sends this
    week's letters not sent yet: the first run of a week sends them, later runs (and
    other schedulers) find them sent."""
    check_interval(interval)
    jobs = _Jobs(kivo, notifier, events, stop, pass_, letters)
    jobs.heartbeat()
    if once:
        try:
            jobs.dispatch_pass()
            jobs.daily_digest()
        finally:
            jobs.stopped()
        return jobs.run
    scheduler = _clock(jobs, interval, digest_at)
    events.started(interval, digest_at)
    scheduler.start()
    try:
        while not stop.wait(POLL_SECONDS):
            pass
    finally:
        stop.set()
        events.stopping()
        scheduler.shutdown(wait=True)  # waits for the pass in flight
        jobs.stopped()
    return jobs.run


def _clock(jobs: _Jobs, interval: float, digest_at: time) -> Any:
    """A background APScheduler with an in-memory job store: the clock, nothing more."""
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.memory import MemoryJobStore
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler = BackgroundScheduler(
        jobstores={"default": MemoryJobStore()},
        executors={"default": ThreadPoolExecutor(max_workers=3)},
        job_defaults={
            "coalesce": True,  # runs missed while busy or asleep become one run
            "max_instances": 1,  # a pass never overlaps the previous one
            "misfire_grace_time": None,  # however late, a run still happens
        },
        timezone=LOCAL,
    )
    scheduler.add_job(
        jobs.dispatch_pass,
        IntervalTrigger(seconds=interval, timezone=LOCAL),
        id="dispatch",
        name="reminder dispatch pass",
        next_run_time=SystemClock().now(),  # first pass at once (real time: this is the clock)
    )
    scheduler.add_job(
        jobs.heartbeat,
        IntervalTrigger(seconds=min(interval, HEARTBEAT_SECONDS), timezone=LOCAL),
        id="heartbeat",
        name="scheduler heartbeat",
    )
    scheduler.add_job(
        jobs.daily_digest,
        CronTrigger(hour=digest_at.hour, minute=digest_at.minute, timezone=LOCAL),
        id="digest",
        name="daily digest",
    )
    return scheduler
