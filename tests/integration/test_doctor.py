"""``kivo doctor`` (``pathway.doctor``) on SQLite and PostgreSQL: a healthy caseload has
no finding; each broken invariant, made by hand with SQL behind the use cases' back, is
reported with its stable code and the ids concerned; a database that is missing, empty
or behind is a finding, never an exception; scheduler heartbeats tell the living from
the dead."""

from __future__ import annotations

import dataclasses
import threading
import time as wall
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text

from pathway import directory, followups, moves
from pathway.bootstrap import init_database
from pathway.clock import FixedClock, parse_now
from pathway.context import Kivo
from pathway.doctor import diagnose, examine
from pathway.scheduler import run_scheduler
from persistence import migrate
from persistence.engine import make_engine
from states.case import Outcome
from states.steps import Step
from tests.conftest import DEFAULT_NOW
from tests.dispatch_support import add_followup
from tests.integration.support import TODAY, Staff, engine_of, enrol_case
from tests.integration.test_scheduler import Events, Passes, Silent

NOW = parse_now(DEFAULT_NOW)


def codes(kivo: Kivo, **kwargs: object) -> dict[str, list[int]]:
    """The error findings of ``examine``: code → ids."""
    _, findings = examine(kivo, **kwargs)  # type: ignore[arg-type]
    return {f.code: f.ids for f in findings if f.severity == "error"}


def notes(kivo: Kivo, **kwargs: object) -> list[str]:
    _, findings = examine(kivo, **kwargs)  # type: ignore[arg-type]
    return [f.code for f in findings if f.severity == "info"]


def sql(kivo: Kivo, statement: str, **params: object) -> None:
    with engine_of(kivo.database).begin() as connection:
        connection.execute(text(statement), params)


def in_short_practice(kivo: Kivo, staff: Staff, name: str = "Amira Deltagare") -> int:
    case_id = enrol_case(kivo, staff, name=name)
    moves.advance(
        kivo,
        case_id,
        Step.SHORT_PRACTICE,
        on=date(2026, 1, 19),
        supervisor_id=staff.supervisor,
        until=date(2026, 4, 30),
    )
    return case_id


def test_a_healthy_caseload_has_no_finding_and_every_check_passes(kivo: Kivo, staff: Staff) -> None:
    practising = in_short_practice(kivo, staff)
    moves.pause(kivo, practising, reason="ill", on=date(2026, 2, 1))
    employed = in_short_practice(kivo, staff, name="Bo Anställd")
    moves.advance(kivo, employed, Step.PERMANENT, workplace_id=staff.workplace, on=TODAY)
    moves.exit_case(kivo, employed, outcome=Outcome.EMPLOYED, on=TODAY)

    checks, findings = examine(kivo)

    assert [(c.name, c.status) for c in checks] == [
        ("history", "ok"),
        ("integrity", "ok"),
        ("scheduler", "ok"),
    ]
    assert [f.code for f in findings] == ["scheduler-never-seen"]
    assert checks[0].detail == "2 cases replay to their stored state"


def test_a_stored_state_that_is_not_the_replay_of_the_history_is_a_state_mismatch(
    kivo: Kivo, staff: Staff
) -> None:
    fine, broken = enrol_case(kivo, staff), enrol_case(kivo, staff, name="Bo Ändrad")
    sql(kivo, "UPDATE kivo_case SET state = 'permanent', step = 9 WHERE id = :id", id=broken)

    assert codes(kivo) == {"case-state-mismatch": [broken]}
    assert fine != broken


def test_a_stored_outcome_that_is_not_the_one_the_exit_recorded_is_a_state_mismatch(
    kivo: Kivo, staff: Staff
) -> None:
    fine, broken = enrol_case(kivo, staff), enrol_case(kivo, staff, name="Bo Egen")
    for case_id in (fine, broken):
        moves.exit_case(kivo, case_id, outcome=Outcome.SELF_EMPLOYED, on=TODAY)
    sql(kivo, "UPDATE kivo_case SET outcome = 'employed' WHERE id = :id", id=broken)

    assert codes(kivo) == {"case-state-mismatch": [broken]}


def test_the_replay_check_reads_every_batch_of_cases(kivo: Kivo, staff: Staff) -> None:
    cases = [enrol_case(kivo, staff, name=f"Deltagare {n}") for n in range(7)]
    sql(kivo, "UPDATE kivo_case SET paused_from = 'information' WHERE id = :id", id=cases[4])
    sql(kivo, "UPDATE kivo_case SET state = 'exited' WHERE id = :id", id=cases[6])

    assert codes(kivo, batch=2) == {"case-state-mismatch": [cases[4], cases[6]]}


def test_a_case_without_its_enrolment_event_is_reported_and_not_replayed(
    kivo: Kivo, staff: Staff
) -> None:
    enrol_case(kivo, staff)
    sql(
        kivo,
        "INSERT INTO kivo_case (person_id, state, opened_on, version) "
        "VALUES (1, 'information', :on, 1)",
        on=TODAY,
    )
    with engine_of(kivo.database).connect() as connection:
        orphan = connection.execute(text("SELECT max(id) FROM kivo_case")).scalar_one()

    assert codes(kivo) == {"case-without-enrolment": [orphan]}


def test_a_pending_reminder_of_a_follow_up_that_is_done_is_orphaned(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    followup, reminders = add_followup(kivo, case_id, date(2026, 3, 10))
    sql(kivo, "UPDATE followup SET status = 'done' WHERE id = :id", id=followup)

    assert codes(kivo) == {"reminder-orphaned": sorted(reminders.values())}


def test_a_pending_reminder_for_another_day_than_its_follow_up_is_orphaned(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    followup, reminders = add_followup(kivo, case_id, date(2026, 3, 10))
    sql(kivo, "UPDATE followup SET due = :due WHERE id = :id", id=followup, due=date(2026, 4, 1))

    assert codes(kivo) == {"reminder-orphaned": sorted(reminders.values())}


def test_a_reminder_both_unsent_and_marked_sent_is_reported(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    _, reminders = add_followup(kivo, case_id, date(2026, 3, 10))
    sql(kivo, "UPDATE reminder SET sent_at = :at WHERE id = :id", id=reminders["due"], at=NOW)
    sql(kivo, "UPDATE reminder SET status = 'sent' WHERE id = :id", id=reminders["before"])

    assert codes(kivo) == {
        "reminder-sent-and-unsent": sorted([reminders["due"], reminders["before"]])
    }


def test_a_pending_follow_up_of_a_closed_case_is_orphaned_unless_it_is_kept(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=TODAY)
    with engine_of(kivo.database).connect() as connection:
        cancelled = connection.execute(
            text("SELECT id FROM followup WHERE case_id = :c ORDER BY id"), {"c": case_id}
        ).scalars()
        first, second = list(cancelled)[:2]
    sql(kivo, "UPDATE followup SET status = 'pending' WHERE id IN (:a, :b)", a=first, b=second)
    sql(kivo, "UPDATE followup SET keep = :yes WHERE id = :b", b=second, yes=True)

    assert codes(kivo) == {"followup-orphaned": [first]}


def test_a_suspended_follow_up_of_a_case_that_is_not_paused_is_orphaned(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = in_short_practice(kivo, staff)
    with engine_of(kivo.database).connect() as connection:
        item = connection.execute(
            text("SELECT min(id) FROM followup WHERE case_id = :c AND status = 'pending'"),
            {"c": case_id},
        ).scalar_one()
    sql(kivo, "UPDATE reminder SET status = 'dropped' WHERE followup_id = :id", id=item)
    sql(kivo, "UPDATE followup SET status = 'suspended' WHERE id = :id", id=item)

    assert codes(kivo) == {"followup-orphaned": [item]}


def test_an_open_case_owned_by_an_inactive_caseworker_is_reported(kivo: Kivo, staff: Staff) -> None:
    case_id = enrol_case(kivo, staff)
    sql(kivo, "UPDATE caseworker SET active = :no WHERE id = :id", id=staff.caseworker, no=False)

    assert codes(kivo) == {"owner-inactive": [case_id]}


def test_a_closed_case_of_an_inactive_caseworker_is_fine_without_open_work(
    kivo: Kivo, staff: Staff
) -> None:
    case_id = enrol_case(kivo, staff)
    moves.exit_case(kivo, case_id, outcome=Outcome.MOVED, on=TODAY)
    sql(kivo, "UPDATE caseworker SET active = :no WHERE id = :id", id=staff.caseworker, no=False)
    # The exit plans ESF+'s follow-up six months after leaving: open work nobody owns.
    assert codes(kivo) == {"owner-inactive": [case_id]}
    with kivo.uow() as uow:
        (after_exit,) = [item.id for item in uow.followups.open_for_case(case_id)]
    assert after_exit is not None
    followups.mark_done(kivo, after_exit, on=TODAY)

    assert codes(kivo) == {}


def _beat(kivo: Kivo, worker: str, *, seen: datetime, stopped: datetime | None = None) -> None:
    with kivo.uow() as uow:
        uow.health.beat(worker=worker, host="elsewhere", pid=7, at=seen)
        if stopped is not None:
            uow.health.stopped(worker=worker, at=stopped)
        uow.commit()


def test_a_scheduler_not_seen_for_longer_than_stale_after_and_never_stopped_is_a_finding(
    kivo: Kivo,
) -> None:
    _beat(kivo, "alive", seen=NOW - timedelta(minutes=4))
    _beat(kivo, "dead", seen=NOW - timedelta(minutes=6))

    checks, findings = examine(kivo, stale_after=timedelta(minutes=5))

    assert [f.code for f in findings] == ["scheduler-silent"]
    assert "elsewhere:7" in findings[0].message
    assert "6 min ago" in findings[0].message
    assert checks[-1].detail == "1 scheduler alive, 1 silent"
    assert codes(kivo, stale_after=timedelta(minutes=10)) == {}


def test_schedulers_that_all_stopped_cleanly_are_information_not_a_finding(kivo: Kivo) -> None:
    _beat(kivo, "gone", seen=NOW - timedelta(days=3), stopped=NOW - timedelta(days=2))

    assert codes(kivo) == {}
    assert notes(kivo) == ["scheduler-not-running"]


def test_the_scheduler_records_its_heartbeat_from_the_injected_clock_and_its_clean_stop(
    kivo: Kivo,
) -> None:
    run_scheduler(kivo, Silent(), Events(), stop=threading.Event(), once=True, pass_=Passes())

    with kivo.uow(read_only=True) as uow:
        (beat,) = uow.health.heartbeats()
    assert beat.started_at == beat.seen_at == beat.stopped_at == NOW
    assert beat.pid > 0
    assert beat.host


class Ticking:
    """A clock that moves on a second each time it is read."""

    def __init__(self, start: datetime) -> None:
        self.at, self.lock = start, threading.Lock()

    def now(self) -> datetime:
        with self.lock:
            self.at += timedelta(seconds=1)
            return self.at


def test_the_heartbeat_goes_on_while_a_long_pass_runs_and_stops_with_the_scheduler(
    kivo: Kivo,
) -> None:
    ticking = dataclasses.replace(kivo, clock=Ticking(NOW))
    passes, stop = Passes(seconds=1.5), threading.Event()
    seen: list[datetime] = []

    thread = threading.Thread(
        target=run_scheduler,
        args=(ticking, Silent(), Events()),
        kwargs={"stop": stop, "interval": 0.2, "pass_": passes},
        daemon=True,
    )
    thread.start()
    assert passes.started.wait(5)
    for _ in range(2):
        wall.sleep(0.5)
        with kivo.uow(read_only=True) as uow:
            (beat,) = uow.health.heartbeats()
        assert beat.stopped_at is None
        seen.append(beat.seen_at)
    assert passes.running == 1, "the pass was expected to be still running"
    stop.set()
    thread.join(10)

    assert seen[0] < seen[1], "no heartbeat while the pass ran"
    with kivo.uow(read_only=True) as uow:
        (beat,) = uow.health.heartbeats()
    assert beat.stopped_at is not None
    assert beat.stopped_at > seen[1]
    assert codes(kivo, clock=FixedClock(beat.seen_at + timedelta(hours=1))) == {}


def test_a_new_scheduler_retires_the_silent_heartbeats_of_its_own_host_only(
    kivo: Kivo,
) -> None:
    import socket

    with kivo.uow() as uow:
        uow.health.beat(worker="died", host=socket.gethostname(), pid=1, at=NOW - timedelta(1))
        uow.health.beat(worker="far", host="elsewhere", pid=1, at=NOW - timedelta(1))
        uow.commit()

    run_scheduler(kivo, Silent(), Events(), stop=threading.Event(), once=True, pass_=Passes())

    with kivo.uow(read_only=True) as uow:
        beats = {b.worker: b for b in uow.health.heartbeats()}
    assert beats["died"].stopped_at == NOW - timedelta(1)
    assert beats["far"].stopped_at is None
    assert codes(kivo) == {"scheduler-silent": []}


def test_diagnose_reports_a_missing_sqlite_file_as_unreachable_and_creates_nothing(
    tmp_path: Path,
) -> None:
    missing = tmp_path / "nowhere" / "kivo.db"

    report = diagnose(str(missing), now=DEFAULT_NOW)

    assert not report.ok
    assert [f.code for f in report.findings] == ["database-unreachable"]
    assert "kivo init" in report.findings[0].message
    assert [c.status for c in report.checks] == ["failed"] + ["skipped"] * 4
    assert not missing.exists()
    assert not missing.parent.exists()


@pytest.mark.postgres
def test_diagnose_reports_a_postgresql_server_that_does_not_answer_as_unreachable(
    postgres_only_url: str,
) -> None:
    from sqlalchemy.engine import make_url

    nowhere = make_url(postgres_only_url).set(port=1).render_as_string(hide_password=False)

    report = diagnose(nowhere, now=DEFAULT_NOW)

    assert [f.code for f in report.findings] == ["database-unreachable"]
    assert "no postgresql server answers there" in report.findings[0].message.lower()


def test_diagnose_reports_a_database_without_the_schema_and_one_behind_it(
    empty_database_url: str,
) -> None:
    engine = make_engine(empty_database_url)  # a new, empty SQLite file
    try:
        empty = diagnose(empty_database_url, now=DEFAULT_NOW)
        migrate.upgrade(engine, "0002")
        behind = diagnose(empty_database_url, now=DEFAULT_NOW)
        init_database(empty_database_url)
        current = diagnose(empty_database_url, now=DEFAULT_NOW)
    finally:
        engine.dispose()

    assert [(f.code, f.message) for f in empty.findings] == [
        ("schema-not-at-head", "the database has no kivo schema: run `kivo init`")
    ]
    assert [f.code for f in behind.findings] == ["schema-not-at-head"]
    assert "is at schema 0002" in behind.findings[0].message
    assert current.ok
    assert [c.status for c in current.checks] == ["ok"] * 5


def test_diagnose_reads_a_database_at_head_and_finds_what_is_wrong(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo()
    worker = directory.add_caseworker(kivo, "Hanna Handläggare")
    staff = Staff(0, worker.id or 0, 0, 0, 0, 0, 0)
    case_id = enrol_case(kivo, staff)
    sql(kivo, "UPDATE kivo_case SET state = 'study-prep' WHERE id = :id", id=case_id)

    report = diagnose(kivo.database, now=DEFAULT_NOW)

    assert not report.ok
    assert [(f.code, f.ids) for f in report.findings if f.severity == "error"] == [
        ("case-state-mismatch", [case_id])
    ]
    assert report.findings[0].count == 1
