"""Two people changing the same case at once: one succeeds, the other gets a conflict.

Races are forced, not hoped for: the real SQL unit of work is given repositories that
pause at the chosen moment (after loading, before saving), so each interleaving is the
same on every run; a many-thread run then checks that the books balance.

PostgreSQL lets two units of work read the same case; its version column must turn the
later write into a conflict. SQLite's writer lock (BEGIN IMMEDIATE) serialises whole
units of work instead, so the later one reads the earlier one's result. Either way
nothing may be lost or doubled, and the history must replay to the stored state.
"""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from datetime import date
from functools import partial
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import pytest
from sqlalchemy import Connection
from sqlmodel import Session

from pathway import enrolment, moves
from pathway.bootstrap import bootstrap
from pathway.clock import parse_now
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.ports import UnitOfWork
from persistence.engine import make_engine
from persistence.pipeline_store import PipelineStore
from persistence.repositories import CaseRepository, PersonRepository
from persistence.unit_of_work import SqlUnitOfWork
from states.case import Outcome
from states.errors import Conflict, KivoError
from states.records import Case, CaseEvent, Person
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.integration.support import (
    MOVE_KINDS,
    TODAY,
    Staff,
    add_staff,
    assert_history_replays_to_stored_state,
    enrol_case,
    error_texts,
    events_of,
    personnummer,
    stored_case,
    written_forms,
)

TIMEOUT = 20.0
LINE_UP = 0.5  # how long a contender waits for the others; SQLite's lock breaks the line


def run_together(*calls: Callable[[], object]) -> list[object]:
    """Run the calls in threads released at the same moment; their results or errors."""
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        start.wait(TIMEOUT)
        try:
            results[index] = call()
        except Exception as error:  # collected and checked by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a contender hung"
    return results


def errors_in(results: list[object]) -> list[Exception]:
    return [r for r in results if isinstance(r, Exception)]


def line_up(barrier: threading.Barrier) -> None:
    """Wait for the other contenders; give up when the database keeps them out."""
    with suppress(threading.BrokenBarrierError):
        barrier.wait(LINE_UP)


@dataclasses.dataclass
class Hooks:
    """Where the hooked unit of work pauses: after reading, and before saving a case."""

    after_read: Callable[[], object] = lambda: None
    before_save: Callable[[], object] = lambda: None
    after_exit: Callable[[], object] = lambda: None


class _HookedCases(CaseRepository):
    def __init__(self, session: Session, hooks: Hooks) -> None:
        super().__init__(session)
        self.hooks = hooks

    def get(self, record_id: int) -> Case:
        case = super().get(record_id)
        self.hooks.after_read()
        return case

    def for_person(self, person_id: int) -> list[Case]:
        cases = super().for_person(person_id)
        self.hooks.after_read()
        return cases

    def save(self, record: Case) -> None:
        self.hooks.before_save()
        super().save(record)


class _HookedPeople(PersonRepository):
    def __init__(self, session: Session, hooks: Hooks) -> None:
        super().__init__(session)
        self.hooks = hooks

    def by_personnummer(self, digits: str, *args: Any, **kwargs: Any) -> Person | None:
        person = super().by_personnummer(digits, *args, **kwargs)
        self.hooks.after_read()
        return person


class _HookedPipeline(PipelineStore):
    """The move pipeline's reads and saves of cases, hooked as the repository's are."""

    def __init__(self, connection: Connection, hooks: Hooks) -> None:
        super().__init__(connection)
        self.hooks = hooks

    def load(self, case_ids: Sequence[int]) -> dict[int, tuple[Case, Person, bool, bool]]:
        loaded = super().load(case_ids)
        self.hooks.after_read()
        return loaded

    def save_cases(self, cases: Sequence[Case]) -> None:
        self.hooks.before_save()
        super().save_cases(cases)


@contextmanager
def hooked(kivo: Kivo, hooks: Hooks) -> Iterator[Kivo]:
    """kivo on the real SQL unit of work, pausing where ``hooks`` say (writes only)."""
    engine = make_engine(kivo.database)

    class HookedUnitOfWork(SqlUnitOfWork):
        def __enter__(self) -> Self:
            super().__enter__()
            if not self.read_only:
                self.cases = _HookedCases(self.session, hooks)
                self.people = _HookedPeople(self.session, hooks)
                self.pipeline = _HookedPipeline(self.connection, hooks)
            return self

        def __exit__(
            self,
            exc_type: type[BaseException] | None,
            exc: BaseException | None,
            tb: TracebackType | None,
        ) -> None:
            try:
                super().__exit__(exc_type, exc, tb)
            finally:
                hooks.after_exit()

    def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return HookedUnitOfWork(engine, read_only=read_only)

    try:
        yield dataclasses.replace(kivo, uow=unit_of_work)
    finally:
        engine.dispose()


def case_in_study_prep_for(kivo: Kivo, staff: Staff) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.STUDY_PREP, on=date(2026, 2, 2))
    return case_id


@pytest.fixture
def case_in_study_prep(kivo: Kivo, staff: Staff) -> int:
    return case_in_study_prep_for(kivo, staff)


@pytest.fixture
def pg_kivo(postgres_only_url: str) -> Iterator[Kivo]:
    kivo = bootstrap(postgres_only_url, now=DEFAULT_NOW)
    yield kivo
    kivo.close()


@pytest.fixture
def sqlite_kivo(sqlite_url: str) -> Iterator[Kivo]:
    kivo = bootstrap(sqlite_url, now=DEFAULT_NOW)
    yield kivo
    kivo.close()


def moves_of(kivo: Kivo, case_id: int) -> list[str]:
    return [e.kind for e in events_of(kivo, case_id) if e.kind in MOVE_KINDS]


def test_a_move_made_from_an_outdated_reading_is_a_conflict_and_the_other_one_stands(
    kivo: Kivo, case_in_study_prep: int
) -> None:
    case_id = case_in_study_prep
    read = stored_case(kivo, case_id).version  # both caseworkers look at the case

    moves.advance(kivo, case_id, Step.VOCATIONAL_TRAINING, on=TODAY, expected_version=read)
    with pytest.raises(Conflict):
        moves.pause(kivo, case_id, reason="ill", on=TODAY, expected_version=read)

    assert moves_of(kivo, case_id) == ["advanced", "advanced"]
    assert stored_case(kivo, case_id).version == read + 1
    assert_history_replays_to_stored_state(kivo, case_id)


@pytest.mark.postgres
def test_on_postgresql_when_both_loaded_the_case_the_later_save_is_a_conflict(
    pg_kivo: Kivo,
) -> None:
    kivo = pg_kivo
    case_id = case_in_study_prep_for(kivo, add_staff(kivo))
    both_loaded, first_done = threading.Barrier(2), threading.Event()
    first = Hooks(after_read=lambda: both_loaded.wait(TIMEOUT), after_exit=first_done.set)
    second = Hooks(
        after_read=lambda: both_loaded.wait(TIMEOUT),
        before_save=lambda: assert_set(first_done),
    )

    with hooked(kivo, first) as kivo_1, hooked(kivo, second) as kivo_2:
        results = run_together(
            partial(moves.advance, kivo_1, case_id, Step.VOCATIONAL_TRAINING, on=TODAY),
            partial(moves.pause, kivo_2, case_id, reason="ill", on=TODAY),
        )

    assert isinstance(results[1], Conflict), results
    assert not isinstance(results[0], Exception), results
    assert moves_of(kivo, case_id) == ["advanced", "advanced"]
    assert stored_case(kivo, case_id).state == "vocational-training"
    assert_history_replays_to_stored_state(kivo, case_id)


def assert_set(event: threading.Event) -> None:
    assert event.wait(TIMEOUT), "the other contender never finished"


@pytest.mark.postgres
def test_on_postgresql_a_unit_of_work_saving_a_case_changed_since_it_loaded_it_conflicts(
    pg_kivo: Kivo,
) -> None:
    kivo = pg_kivo
    case_id = enrol_case(kivo, add_staff(kivo))

    with pytest.raises(Conflict), kivo.uow() as first, kivo.uow() as second:  # noqa: PT012
        mine, theirs = first.cases.get(case_id), second.cases.get(case_id)
        _advance_by_hand(first, mine, "study-prep")
        first.commit()
        _advance_by_hand(second, theirs, "information")

    assert stored_case(kivo, case_id).state == "study-prep"
    assert moves_of(kivo, case_id) == ["advanced"]


def _advance_by_hand(uow: UnitOfWork, case: Case, to: str) -> None:
    """What a use case writes for an advance, done by hand on a unit of work."""
    assert case.id is not None
    from_state, case.state = case.state, to
    uow.cases.save(case)
    uow.events.append(
        CaseEvent(
            case_id=case.id,
            kind="advanced",
            on=TODAY,
            recorded_at=parse_now(DEFAULT_NOW),
            from_state=from_state,
            to_state=to,
        )
    )


def test_on_sqlite_the_writer_lock_makes_a_later_move_wait_and_build_on_the_earlier_one(
    sqlite_kivo: Kivo,
) -> None:
    kivo = sqlite_kivo
    case_id = case_in_study_prep_for(kivo, add_staff(kivo))
    loaded = threading.Event()

    def announce_and_dawdle() -> None:
        loaded.set()
        time.sleep(0.3)

    first = Hooks(after_read=announce_and_dawdle)

    def second() -> object:
        assert loaded.wait(TIMEOUT)  # the first has loaded the case and holds the lock
        return moves.fall_back(kivo, case_id, Step.INFORMATION, reason="late", on=TODAY)

    with hooked(kivo, first) as slow:
        results = run_together(
            partial(moves.advance, slow, case_id, Step.VOCATIONAL_TRAINING, on=TODAY), second
        )

    assert errors_in(results) == []
    moved = [(e.kind, e.from_state, e.to_state) for e in events_of(kivo, case_id)][3:]
    assert moved == [
        ("advanced", "study-prep", "vocational-training"),
        ("fell_back", "vocational-training", "information"),  # built on the first's step
    ]
    assert stored_case(kivo, case_id).version == 4
    assert_history_replays_to_stored_state(kivo, case_id)


THREADS, ATTEMPTS = 8, 20


def test_many_caseworkers_moving_one_case_back_and_forth_lose_and_double_nothing(
    kivo: Kivo, case_in_study_prep: int
) -> None:
    case_id = case_in_study_prep
    start_version = stored_case(kivo, case_id).version
    succeeded, turned_away = [0] * THREADS, [0] * THREADS
    unexpected: list[Exception] = []

    def caseworker(worker: int) -> None:
        for attempt in range(ATTEMPTS):
            with kivo.uow(read_only=True) as uow:
                case = uow.cases.get(case_id)
            try:
                if case.state == "vocational-training":
                    moves.fall_back(
                        kivo,
                        case_id,
                        Step.STUDY_PREP,
                        on=TODAY,
                        reason=f"worker {worker} attempt {attempt}",
                        expected_version=case.version,
                    )
                else:
                    moves.advance(
                        kivo,
                        case_id,
                        Step.VOCATIONAL_TRAINING,
                        on=TODAY,
                        expected_version=case.version,
                    )
                succeeded[worker] += 1
            except (Conflict, Refused):
                turned_away[worker] += 1
            except Exception as error:  # anything else is a bug
                unexpected.append(error)

    run_together(*[partial(caseworker, worker) for worker in range(THREADS)])

    assert unexpected == []
    assert sum(succeeded) + sum(turned_away) == THREADS * ATTEMPTS
    assert sum(turned_away) > 0, "the caseworkers never got in each other's way"
    assert len(moves_of(kivo, case_id)) == 1 + sum(succeeded)  # + the setup's advance
    assert_history_replays_to_stored_state(kivo, case_id)
    assert stored_case(kivo, case_id).version == start_version + sum(succeeded)


def test_simultaneous_enrolments_of_a_new_person_give_one_case_and_clear_refusals(
    kivo: Kivo,
) -> None:
    number = personnummer("19850505", "100")
    checked = threading.Barrier(3)

    with hooked(kivo, Hooks(after_read=lambda: line_up(checked))) as lined_up:
        results = run_together(
            *[partial(enrolment.enrol, lined_up, "Bo Samtidig", personnummer=number)] * 3
        )

    errors = errors_in(results)
    assert len(errors) == 2, results  # and one enrolment went through
    assert all(isinstance(e, Refused | Conflict) for e in errors), errors
    shown = "\n".join(error_texts(e) for e in errors if isinstance(e, KivoError))
    assert [form for form in written_forms(number) if form in shown] == []


def test_simultaneous_re_enrolments_after_an_exit_open_only_one_case(kivo: Kivo) -> None:
    number = personnummer("19870707", "200")
    first = enrolment.enrol(kivo, "Re Enrolled", personnummer=number, on=date(2026, 1, 5))
    moves.exit_case(kivo, first.case_id, outcome=Outcome.MOVED, on=date(2026, 1, 6))
    checked = threading.Barrier(3)

    with hooked(kivo, Hooks(after_read=lambda: line_up(checked))) as lined_up:
        results = run_together(
            *[partial(enrolment.enrol, lined_up, "Re Enrolled", personnummer=number)] * 3
        )

    assert all(isinstance(e, Refused | Conflict) for e in errors_in(results)), results
    with kivo.uow(read_only=True) as uow:
        cases = uow.cases.for_person(first.person_id)
    assert len([c for c in cases if c.state != "exited"]) == 1


PROCESSES, CONTESTED = 8, 3
PROCESS_ATTEMPTS = 500 if os.environ.get("CI") else 100  # the issue asks 500 each, CI runs it


def case_in_information_for(kivo: Kivo, staff: Staff) -> int:
    case_id = enrol_case(kivo, staff)
    moves.advance(kivo, case_id, Step.INFORMATION, on=date(2026, 2, 2))
    return case_id


def test_eight_processes_moving_three_cases_500_times_each_lose_and_double_nothing(
    kivo: Kivo, staff: Staff, tmp_path: Path, repo_root: Path
) -> None:
    """The promise at scale, across processes: 4,000 attempts at three cases, each
    made from what the caseworker saw (``--expect-version``). Every attempt succeeds or
    is a conflict (exit 5); no two attempts succeed from the same reading (that would be
    a lost update); each success is exactly one event and one version; the history
    replays to the stored state."""
    cases = [case_in_information_for(kivo, staff) for _ in range(CONTESTED)]
    versions = {c: stored_case(kivo, c).version for c in cases}
    moved = {c: len(moves_of(kivo, c)) for c in cases}
    go = tmp_path / "go"
    ready = [tmp_path / f"{n}.ready" for n in range(PROCESSES)]
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env["PYTHONPATH"] = str(repo_root)

    def worker_args(ready_file: Path) -> list[str]:
        attempts = str(PROCESS_ATTEMPTS)
        return [kivo.database, DEFAULT_NOW, attempts, str(ready_file), str(go), *map(str, cases)]

    workers = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.move_worker", *worker_args(r)],
            cwd=repo_root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for r in ready
    ]
    deadline = time.monotonic() + 60
    while not all(r.exists() for r in ready) and time.monotonic() < deadline:
        time.sleep(0.01)
    go.touch()
    reports = []
    for worker in workers:
        out, err = worker.communicate(timeout=600)
        assert worker.returncode == 0, err
        reports.append(json.loads(out))

    assert [r["other"] for r in reports] == [[]] * PROCESSES
    wins = [(c, seen, to) for r in reports for c, seen, to in r["succeeded"]]
    conflicts = sum(r["conflicts"] for r in reports)
    assert len(wins) + conflicts == PROCESSES * PROCESS_ATTEMPTS
    assert conflicts > 0, "the processes never got in each other's way"
    assert {code for r in reports for code in r["conflict_codes"]} == {5}
    assert all(r["succeeded"] for r in reports), "a process never got a move in"
    readings = Counter((c, seen) for c, seen, _ in wins)
    assert max(readings.values()) == 1, "two moves succeeded from the same reading"
    for case_id in cases:
        mine = sorted((seen, to) for c, seen, to in wins if c == case_id)
        assert [seen for seen, _ in mine] == list(
            range(versions[case_id], versions[case_id] + len(mine))
        )
        case = stored_case(kivo, case_id)
        assert case.version == versions[case_id] + len(mine)
        assert case.state == (mine[-1][1] if mine else "information")
        assert len(moves_of(kivo, case_id)) == moved[case_id] + len(mine)
        assert_history_replays_to_stored_state(kivo, case_id)
