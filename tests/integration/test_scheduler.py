"""The scheduler (``pathway.scheduler``) as a clock: it runs the pass at once and then
every interval, never two passes at a time, builds the digest, keeps going when a pass
fails, and when told to stop lets the pass in flight finish before it returns."""

from __future__ import annotations

import threading
import time as clock
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import time

import pytest

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.digest import Digest
from pathway.dispatch import DispatchResult
from pathway.letters import LetterResult
from pathway.notifiers import Notifier, ReminderMessage
from pathway.scheduler import parse_digest_at, run_scheduler
from states.errors import InvalidInput
from tests.conftest import DEFAULT_NOW


@pytest.fixture
def kivo(sqlite_url: str) -> Iterator[Kivo]:
    """The clock does not depend on the database: SQLite is enough here."""
    kivo = bootstrap(sqlite_url, now=DEFAULT_NOW)
    yield kivo
    kivo.close()


class Silent:
    def send(self, message: ReminderMessage) -> None:
        raise AssertionError("these tests replace the pass; nothing is sent")

    def already_sent(self, reminder_id: int) -> bool:
        return False


@dataclass
class Heard:
    """What the scheduler told its caller."""

    started: int = 0
    stopping: int = 0
    passes: list[int] = field(default_factory=list)
    digests: list[Digest] = field(default_factory=list)
    letters: list[LetterResult] = field(default_factory=list)
    failures: list[tuple[str, str]] = field(default_factory=list)


class Events:
    def __init__(self) -> None:
        self.heard = Heard()

    def started(self, interval: float, digest_at: time) -> None:
        self.heard.started += 1

    def stopping(self) -> None:
        self.heard.stopping += 1

    def passed(self, number: int, result: DispatchResult) -> None:
        self.heard.passes.append(number)

    def digested(self, digest: Digest) -> None:
        self.heard.digests.append(digest)

    def lettered(self, result: LetterResult) -> None:
        self.heard.letters.append(result)

    def failed(self, job: str, error: Exception) -> None:
        self.heard.failures.append((job, str(error)))


class Passes:
    """A stand-in pass that records when it ran and whether two ever overlapped."""

    def __init__(self, seconds: float = 0.0, fail_first: bool = False) -> None:
        self.seconds, self.fail_first = seconds, fail_first
        self.running, self.overlapped, self.finished = 0, False, 0
        self.started = threading.Event()
        self.lock = threading.Lock()

    def __call__(self, kivo: Kivo, notifier: Notifier) -> DispatchResult:
        with self.lock:
            self.running += 1
            self.overlapped |= self.running > 1
            first = self.finished == 0
        self.started.set()
        try:
            clock.sleep(self.seconds)
            if first and self.fail_first:
                raise RuntimeError("database unreachable")
            return DispatchResult(sent=1)
        finally:
            with self.lock:
                self.running -= 1
                self.finished += 1


def _run_in_thread(
    kivo: Kivo, passes: Passes, events: Events, stop: threading.Event, interval: float
) -> threading.Thread:
    thread = threading.Thread(
        target=run_scheduler,
        args=(kivo, Silent(), events),
        kwargs={"stop": stop, "interval": interval, "pass_": passes},
        daemon=True,
    )
    thread.start()
    return thread


def test_the_first_pass_runs_at_once_and_then_every_interval(kivo: Kivo) -> None:
    passes, events, stop = Passes(), Events(), threading.Event()

    thread = _run_in_thread(kivo, passes, events, stop, interval=0.2)
    assert passes.started.wait(2), "the first pass did not run at once"
    clock.sleep(1.0)
    stop.set()
    thread.join(5)

    assert not thread.is_alive()
    assert 3 <= passes.finished <= 8
    assert events.heard.passes == list(range(1, passes.finished + 1))
    assert (events.heard.started, events.heard.stopping) == (1, 1)


def test_passes_never_overlap_even_when_one_takes_longer_than_the_interval(kivo: Kivo) -> None:
    passes, events, stop = Passes(seconds=0.5), Events(), threading.Event()

    thread = _run_in_thread(kivo, passes, events, stop, interval=0.1)
    clock.sleep(1.6)
    stop.set()
    thread.join(5)

    assert not passes.overlapped
    assert 2 <= passes.finished <= 4


def test_stopping_lets_the_pass_in_flight_finish_and_starts_no_other(kivo: Kivo) -> None:
    passes, events, stop = Passes(seconds=1.0), Events(), threading.Event()

    thread = _run_in_thread(kivo, passes, events, stop, interval=0.1)
    assert passes.started.wait(2)
    stop.set()
    thread.join(0.3)
    assert thread.is_alive(), "returned while a pass was still running"
    thread.join(5)

    assert not thread.is_alive()
    assert passes.running == 0
    assert passes.finished == 1
    assert events.heard.passes == [1]


def test_a_failed_pass_is_reported_and_the_clock_keeps_going(kivo: Kivo) -> None:
    passes, events, stop = Passes(fail_first=True), Events(), threading.Event()

    thread = _run_in_thread(kivo, passes, events, stop, interval=0.1)
    clock.sleep(0.6)
    stop.set()
    thread.join(5)

    assert events.heard.failures == [("dispatch", "database unreachable")]
    assert len(events.heard.passes) >= 2


def test_once_runs_one_pass_and_builds_this_weeks_digest(kivo: Kivo) -> None:
    passes, events = Passes(), Events()

    run = run_scheduler(
        kivo, Silent(), events, stop=threading.Event(), once=True, pass_=passes, interval=60
    )

    assert (run.passes, run.sent, run.digests, run.errors) == (1, 1, 1, 0)
    (digest,) = events.heard.digests
    assert digest.week == "2026-W10"  # the week of the injected clock, not the real one
    assert events.heard.started == 0


@pytest.mark.parametrize("text", ["7", "25:00", "seven", ""])
def test_a_digest_time_that_is_not_a_time_of_day_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a time of day"):
        parse_digest_at(text)


@pytest.mark.parametrize("seconds", [0.0, -1.0])
def test_an_interval_of_no_time_is_refused(kivo: Kivo, seconds: float) -> None:
    with pytest.raises(InvalidInput, match="more than 0 seconds"):
        run_scheduler(kivo, Silent(), Events(), stop=threading.Event(), interval=seconds)
