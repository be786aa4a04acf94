"""End-to-end: ``kivo scheduler`` and ``kivo digest`` as the installed command.

The scheduler runs as a real process on a seeded database (a demo caseload of 200 cases
with several hundred reminders due), on SQLite and on PostgreSQL: SIGTERM and Ctrl-C stop
it with exit 0 after the pass in flight, two schedulers at once send no reminder twice,
and bad input is refused before anything is written. The digest prints its documented
JSON keys.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

import pytest
import sqlalchemy as sa

from pathway import directory, enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.demo import build_demo
from states.steps import Step
from tests.e2e.conftest import Databases, Ran, database_dump, kivo_executable, read_rows, run_kivo

pytestmark = pytest.mark.both_databases

NOW = "2026-03-02T09:00"
TODAY = "2026-03-02"
DEMO_CASES = 200  # enough reminders that one claim (500 at most) cannot take them all
STOP_WITHIN_SECONDS = 10.0
WAIT_SECONDS = 60.0


@pytest.fixture(scope="module")
def demo_seed(e2e_databases: Databases) -> Iterator[str]:
    """A demo caseload built once per database kind through the real use cases; every
    test gets its own copy. No connection to it stays open (the copy needs none)."""
    with e2e_databases.fresh() as url:
        kivo = bootstrap(url, now=NOW)
        try:
            build_demo(kivo, size=DEMO_CASES)
        finally:
            kivo.close()  # disposes the engine: on SQLite the WAL folds into the file
        yield url


@pytest.fixture
def seeded(e2e_databases: Databases, demo_seed: str) -> Iterator[str]:
    """This test's own copy of the demo caseload (its URL)."""
    with e2e_databases.copy(demo_seed) as url:
        yield url


def query(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    """Rows of one read; ``today`` is bound as a date on both databases."""
    statement = sa.text(sql)
    if "today" in params:
        statement = statement.bindparams(sa.bindparam("today", type_=sa.Date))
    return read_rows(url, statement, **params)


def due_now(url: str) -> int:
    """Reminders still waiting to be sent today."""
    return int(
        query(
            url,
            "SELECT count(*) FROM reminder WHERE status = 'pending' AND send_on <= :today",
            today=date.fromisoformat(TODAY),
        )[0][0]
    )


def sent_in_database(url: str) -> set[int]:
    return {row[0] for row in query(url, "SELECT id FROM reminder WHERE status = 'sent'")}


def file_lines(path: Path, key: str) -> Counter[int]:
    """How often each ``key`` (reminder_id, letter_id) was written to the notifier file."""
    if not path.exists():
        return Counter()
    text = path.read_text(encoding="utf-8")
    entries = [json.loads(line) for line in text[: text.rfind("\n") + 1].splitlines()]
    return Counter(int(entry[key]) for entry in entries if key in entry)


def sent_lines(path: Path) -> Counter[int]:
    """How often each reminder id was written to the notifier file."""
    return file_lines(path, "reminder_id")


def environment(database: str, **extra: str) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env.update({"KIVO_DATABASE_URL": database, "KIVO_NOW": NOW, "COLUMNS": "200"})
    env.update(extra)
    return env


class Scheduler:
    """A ``kivo scheduler`` process; its log (stderr) and stdout go to files."""

    def __init__(self, url: str, folder: Path, name: str, *args: str) -> None:
        self.log_path = folder / f"{name}.log"
        self.out_path = folder / f"{name}.out"
        self._log: IO[str] = self.log_path.open("w", encoding="utf-8")
        self._out: IO[str] = self.out_path.open("w", encoding="utf-8")
        try:
            self.process = subprocess.Popen(
                [kivo_executable(), "scheduler", *args],
                stdout=self._out,
                stderr=self._log,
                env=environment(url),
                cwd=folder,
            )
        except BaseException:
            self._log.close()
            self._out.close()
            raise

    @property
    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8")

    def stop(self, signum: int = signal.SIGTERM) -> int:
        self.process.send_signal(signum)
        try:
            return self.process.wait(timeout=STOP_WITHIN_SECONDS)
        finally:
            self.close()

    def close(self) -> None:
        """Kill the process if it still runs (it holds a connection to the database)."""
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        self._log.close()
        self._out.close()


@pytest.fixture
def schedulers(seeded: str, tmp_path: Path) -> Iterator[Callable[..., Scheduler]]:
    """Start schedulers on this test's copy; every one is stopped at teardown, before
    the copy is dropped, whatever the test did."""
    started: list[Scheduler] = []

    def start(*args: str, name: str = "scheduler") -> Scheduler:
        scheduler = Scheduler(seeded, tmp_path, name, *args)
        started.append(scheduler)
        return scheduler

    try:
        yield start
    finally:
        for scheduler in started:
            scheduler.close()


def wait_for(condition: Callable[[], bool], what: str, *processes: Scheduler) -> None:
    deadline = time.monotonic() + WAIT_SECONDS
    while not condition():
        for scheduler in processes:
            if scheduler.process.poll() is not None:
                raise AssertionError(f"the scheduler ended early:\n{scheduler.log}")
        if time.monotonic() > deadline:
            logs = "\n".join(s.log for s in processes)
            raise AssertionError(f"timed out waiting until {what}\n{logs}")
        time.sleep(0.02)


def assert_every_due_reminder_sent_exactly_once(database: str, *files: Path) -> None:
    lines = sum((sent_lines(path) for path in files), Counter())
    twice = {reminder: n for reminder, n in lines.items() if n > 1}
    assert twice == {}, f"sent more than once: {twice}"
    assert set(lines) == sent_in_database(database)
    assert due_now(database) == 0


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT], ids=["SIGTERM", "Ctrl-C"])
def test_a_signal_stops_the_scheduler_with_exit_0_after_it_sent_what_was_due(
    seeded: str, tmp_path: Path, schedulers: Callable[..., Scheduler], signum: int
) -> None:
    due = due_now(seeded)
    # Enough that the signal lands while a pass is sending (the demo caseload plans fewer
    # since exits cancel booked meetings and late coming-up reminders are dropped).
    assert due > 400
    sent = tmp_path / "sent.jsonl"
    scheduler = schedulers("--interval", "1", "--notify", f"file:{sent}")

    wait_for(lambda: sum(sent_lines(sent).values()) >= due, "every due reminder is sent", scheduler)
    wait_for(lambda: "pass 1:" in scheduler.log, "the first pass ends", scheduler)
    time.sleep(1.5)  # a few more (empty) passes
    code = scheduler.stop(signum)

    assert code == 0, scheduler.log
    assert "stopping: the pass in flight finishes first" in scheduler.log
    assert "stopped after" in scheduler.log
    assert "Traceback" not in scheduler.log
    assert sum(sent_lines(sent).values()) == due
    assert_every_due_reminder_sent_exactly_once(seeded, sent)


def test_sigterm_in_the_middle_of_a_pass_lets_the_pass_finish_before_exit_0(
    seeded: str, tmp_path: Path, schedulers: Callable[..., Scheduler]
) -> None:
    due = due_now(seeded)
    sent = tmp_path / "sent.jsonl"
    scheduler = schedulers("--interval", "60", "--notify", f"file:{sent}")

    wait_for(lambda: sent.exists() and sent.stat().st_size > 0, "the first reminder", scheduler)
    code = scheduler.stop(signal.SIGTERM)

    assert code == 0, scheduler.log
    assert "pass 1: sent" in scheduler.log
    assert sum(sent_lines(sent).values()) == due  # the pass in flight was not cut short
    assert_every_due_reminder_sent_exactly_once(seeded, sent)


def test_two_schedulers_at_once_send_every_due_reminder_exactly_once(
    seeded: str, tmp_path: Path, schedulers: Callable[..., Scheduler]
) -> None:
    due = due_now(seeded)
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    one = schedulers("--interval", "0.5", "--notify", f"file:{first}", name="one")
    two = schedulers("--interval", "0.5", "--notify", f"file:{second}", name="two")

    wait_for(lambda: due_now(seeded) == 0, "nothing is left to send", one, two)
    wait_for(lambda: "pass 1:" in one.log and "pass 1:" in two.log, "both passed", one, two)
    time.sleep(1.5)  # more passes on both, with nothing left to send
    codes = (one.stop(), two.stop())

    assert codes == (0, 0), one.log + two.log
    assert sum(sent_lines(first).values()) + sum(sent_lines(second).values()) == due
    assert_every_due_reminder_sent_exactly_once(seeded, first, second)


def test_once_runs_one_pass_the_digest_and_the_letters_and_a_second_run_sends_nothing(
    seeded: str, tmp_path: Path
) -> None:
    sent = tmp_path / "sent.jsonl"
    command = [kivo_executable(), "scheduler", "--once", "--notify", f"file:{sent}"]

    runs = [
        subprocess.run(
            command,
            capture_output=True,
            text=True,
            env=environment(seeded),
            cwd=tmp_path,
            timeout=60,
            check=False,
        )
        for _ in range(2)
    ]

    assert [run.returncode for run in runs] == [0, 0]
    first, second = runs[0].stderr, runs[1].stderr
    assert f"pass 1: sent {sum(sent_lines(sent).values())} " in first
    assert "digest 2026-W10 (2026-03-02 – 2026-03-08)" in first
    assert "pass 1: sent 0 (0 escalated), failed 0, dropped 0" in second
    assert_every_due_reminder_sent_exactly_once(seeded, sent)
    people = query(seeded, "SELECT id FROM caseworker WHERE active")
    assert f"weekly letter 2026-W10: sent {len(people)}, failed 0" in first
    assert "weekly letter" not in second  # once per person and week
    assert file_lines(sent, "letter_id") == dict.fromkeys(
        (row[0] for row in query(seeded, "SELECT id FROM weekly_letter")), 1
    )
    assert len(file_lines(sent, "letter_id")) == len(people)


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (("--interval", "0"), "the interval must be more than 0 seconds"),
        (("--interval", "soon"), "Invalid value for '--interval'"),
        (("--notify", "pigeon"), "unknown notifier 'pigeon'"),
        (("--notify", "file:/no/such/folder/sent.jsonl"), "there is no folder"),
        (("--digest-at", "25:00"), "'25:00' is not a time of day"),
    ],
    ids=["no interval", "word interval", "unknown notifier", "missing folder", "bad time"],
)
def test_the_scheduler_refuses_bad_input_with_exit_2_and_sends_nothing(
    seeded: str, tmp_path: Path, args: tuple[str, ...], says: str
) -> None:
    before = database_dump(seeded)

    ran = subprocess.run(
        [kivo_executable(), "scheduler", "--notify", f"file:{tmp_path / 'sent.jsonl'}", *args],
        capture_output=True,
        text=True,
        env=environment(seeded),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert ran.returncode == 2, ran.stderr
    assert says in ran.stderr
    assert "Traceback" not in ran.stderr
    assert database_dump(seeded) == before
    assert not (tmp_path / "sent.jsonl").exists()


def test_the_scheduler_on_a_database_never_initialised_exits_2_and_creates_nothing(
    tmp_path: Path,
) -> None:
    """About a SQLite file in a folder that does not exist: runs on SQLite only (it takes
    no database fixture, so the module's PostgreSQL run leaves it out)."""
    missing = tmp_path / "nowhere" / "kivo.db"

    ran = subprocess.run(
        [kivo_executable(), "scheduler", "--once"],
        capture_output=True,
        text=True,
        env=environment(str(missing)),
        cwd=tmp_path,
        timeout=60,
        check=False,
    )

    assert ran.returncode == 2
    assert "run `kivo init`" in ran.stderr
    assert not missing.exists()


DIGEST_KEYS = {"week", "start", "end", "caseworker_id", "totals", "caseworkers"}
LETTER_KEYS = {
    "caseworker_id",
    "caseworker",
    "counts",
    "due",
    "meetings",
    "starting",
    "ending",
    "overdue",
}
COUNT_KEYS = {"due", "meetings", "starting", "ending", "overdue"}
DUE_KEYS = {"id", "case_id", "participant", "caseworker_id", "kind", "name", "title", "due"}
PLACEMENT_KEYS = {"id", "case_id", "participant", "caseworker_id", "step", "workplace", "start"}


@pytest.fixture(scope="module")
def office_seed(e2e_databases: Databases) -> Iterator[str]:
    """Two caseworkers and a coordinator; a short practice starts for Amina (case 1, Anna's)
    on Monday 2 March. Built once per database kind through the use cases, copied for
    every test."""
    with e2e_databases.fresh() as url:
        kivo = bootstrap(url, now=NOW)
        try:
            anna = directory.add_caseworker(kivo, "Anna Lindqvist").id
            directory.add_caseworker(kivo, "Karin Ek", role="coordinator")
            directory.add_caseworker(kivo, "Bo Ström")
            place = directory.add_workplace(kivo, "Visby bageri").id
            assert place is not None
            sven = directory.add_supervisor(
                kivo, "Sven Berg", workplace_id=place, trained_on=date(2025, 9, 15)
            ).id
            case = enrolment.enrol(
                kivo, "Amina Haddad", caseworker_id=anna, consent=True, on=date(2026, 1, 12)
            ).case_id
            moves.advance(kivo, case, Step.INFORMATION, on=date(2026, 1, 14))
            moves.advance(
                kivo, case, Step.SHORT_PRACTICE, supervisor_id=sven, until=date(2026, 4, 30)
            )
        finally:
            kivo.close()
        yield url


@dataclass(frozen=True)
class Office:
    database: str
    folder: Path

    def __call__(self, *args: str, now: str = NOW) -> Ran:
        return run_kivo(self.database, self.folder, *args, now=now)


@pytest.fixture
def office(e2e_databases: Databases, office_seed: str, tmp_path: Path) -> Iterator[Office]:
    """``kivo`` on this test's own copy of the office."""
    with e2e_databases.copy(office_seed) as url:
        yield Office(url, tmp_path)


def test_digest_json_is_one_document_with_a_letter_per_caseworker_and_the_totals(
    office: Office,
) -> None:
    ran = office("digest", "--json")

    assert ran.code == 0, ran.err
    digest = ran.json()
    assert set(digest) == DIGEST_KEYS
    assert (digest["week"], digest["start"], digest["end"]) == ("2026-W10", TODAY, "2026-03-08")
    assert digest["caseworker_id"] is None
    assert set(digest["totals"]) == COUNT_KEYS
    assert [(p["caseworker_id"], p["caseworker"]) for p in digest["caseworkers"]] == [
        (1, "Anna Lindqvist"),
        (3, "Bo Ström"),
    ]
    anna = digest["caseworkers"][0]
    assert set(anna) == LETTER_KEYS
    assert set(anna["counts"]) == COUNT_KEYS
    (due,) = anna["due"]
    assert set(due) >= DUE_KEYS
    assert (due["case_id"], due["name"], due["due"], due["status"]) == (
        1,
        "tripartite-start",
        TODAY,
        "pending",
    )
    (starting,) = anna["starting"]
    assert set(starting) >= PLACEMENT_KEYS
    assert (starting["step"], starting["workplace"], starting["planned_end"]) == (
        2,
        "Visby bageri",
        "2026-04-30",
    )
    assert digest["totals"] == {"due": 1, "meetings": 0, "starting": 1, "ending": 0, "overdue": 0}


def test_digest_for_one_caseworker_and_another_week_shows_what_became_overdue(
    office: Office,
) -> None:
    ran = office("digest", "--caseworker", "1", "--week", "2026-03-19", "--json", now="2026-03-19")

    assert ran.code == 0, ran.err
    digest = ran.json()
    assert (digest["caseworker_id"], digest["start"], digest["end"]) == (
        1,
        "2026-03-16",
        "2026-03-22",
    )
    (anna,) = digest["caseworkers"]
    assert [(d["name"], d["due"]) for d in anna["overdue"]] == [("tripartite-start", TODAY)]
    assert [(d["name"], d["due"]) for d in anna["due"]] == [("placement-contact", "2026-03-16")]


def test_digest_as_a_table_gives_the_coordinator_an_overview_and_each_caseworker_a_part(
    office: Office,
) -> None:
    ran = office("digest")

    assert ran.code == 0, ran.err
    for text in (
        "Week 2026-W10: 2026-03-02 – 2026-03-08",
        "Overview for the coordinator",
        "Anna Lindqvist (1): 1 due, 0 meetings, 1 starting, 0 ending, 0 overdue",
        "Bo Ström (3): 0 due",
        "Tripartite meeting before or on the first day",
        "Placements starting",
    ):
        assert text in ran.out


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (
            ("--week", "2026-02-30"),
            2,
            "week '2026-02-30' is not a real date in the form YYYY-MM-DD",
        ),
        (("--week", "next"), 2, "week 'next' is not a real date"),
        (("--caseworker", "abc"), 2, "is not an id"),
        (("--caseworker", "99"), 4, "no caseworker with id 99"),
    ],
    ids=["impossible week", "word week", "caseworker no number", "unknown caseworker"],
)
def test_digest_refuses_bad_input_with_a_clear_error_and_writes_nothing(
    office: Office, args: tuple[str, ...], code: int, says: str
) -> None:
    before = database_dump(office.database)

    plain, as_json = office("digest", *args), office("digest", *args, "--json")

    for ran in (plain, as_json):
        assert ran.code == code, ran.err
        assert says in ran.err
        assert "Traceback" not in ran.err
    assert "error" in as_json.json()
    if code == 4:
        assert as_json.json()["error"]["code"] == "not-found"
    assert database_dump(office.database) == before
