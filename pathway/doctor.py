"""``kivo doctor``: is the database reachable and at the newest schema, do the stored
cases agree with their histories, is nothing orphaned, is a scheduler alive?

Each problem is a ``Finding`` with a stable code; information that is not a problem
(no scheduler has ever run, say) is a ``Finding`` of severity ``info``. The report is
``ok`` when there is no finding of severity ``error``. The doctor only reads (it never
repairs), and it never raises for a database that is missing, unreachable or not
initialised: that is what it is there to say.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from pathway.bootstrap import DatabaseProbe, bootstrap, probe_database
from pathway.clock import Clock, clock_from
from pathway.context import Kivo
from pathway.health_ports import CaseHistory, Heartbeat
from states.calendar_bounds import MAX_SECONDS
from states.errors import InvalidInput
from states.replay import Replayed, ReplayError, replay

DEFAULT_STALE_AFTER = timedelta(minutes=5)  # five intervals of the default scheduler
BATCH = 500  # cases replayed per read transaction
SAMPLE = 10  # ids listed per finding

ERROR, INFO = "error", "info"
OK, FAILED, SKIPPED = "ok", "failed", "skipped"

MESSAGES = {
    "case-without-enrolment": "cases without their enrolment event",
    "reminder-orphaned": (
        "pending reminders whose follow-up is no longer pending or is due on another day"
    ),
    "reminder-sent-and-unsent": "reminders whose status and sent time disagree",
    "followup-orphaned": (
        "follow-ups still pending on a closed case, or suspended on a case that is not paused"
    ),
    "owner-inactive": "cases with open work whose caseworker is inactive",
}


@dataclass(frozen=True)
class Finding:
    code: str
    message: str
    severity: str = ERROR
    count: int = 1
    ids: list[int] = field(default_factory=list)


@dataclass(frozen=True)
class Check:
    name: str
    status: str  # ok, failed, skipped
    detail: str


@dataclass(frozen=True)
class DoctorReport:
    ok: bool
    database: str
    checks: list[Check]
    findings: list[Finding]


def parse_stale_after(seconds: float) -> timedelta:
    """More than 0 and at most ten years: a span the clock can be moved back by."""
    if not 0 < seconds <= MAX_SECONDS:
        raise InvalidInput(
            f"--stale-after must be more than 0 and at most {MAX_SECONDS:,} seconds "
            f"(ten years), not {seconds:g}",
            field="stale_after",
        )
    return timedelta(seconds=seconds)


def diagnose(
    database: str | None,
    *,
    now: str | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
) -> DoctorReport:
    """Probe the database, then, if it is at the newest schema, examine what it holds."""
    clock = clock_from(now)  # a bad KIVO_NOW is bad input, before anything is opened
    probe = probe_database(database)
    checks, findings = _probe_checks(probe)
    if any(check.status == FAILED for check in checks):
        for name in ("history", "integrity", "scheduler"):
            checks.append(Check(name, SKIPPED, "the database could not be examined"))
        return _report(probe.database, checks, findings)
    kivo = bootstrap(database, now=now)
    try:
        more_checks, more_findings = examine(kivo, clock=clock, stale_after=stale_after)
    finally:
        kivo.close()
    return _report(probe.database, checks + more_checks, findings + more_findings)


def examine(
    kivo: Kivo,
    *,
    clock: Clock | None = None,
    stale_after: timedelta = DEFAULT_STALE_AFTER,
    batch: int = BATCH,
) -> tuple[list[Check], list[Finding]]:
    """The checks of a database at the newest schema: histories, invariants, schedulers."""
    results = [
        _history(kivo, batch),
        _integrity(kivo),
        _schedulers(kivo, (clock or kivo.clock).now(), stale_after),
    ]
    checks = [check for check, _ in results]
    findings = [finding for _, found in results for finding in found]
    return checks, findings


def _report(database: str, checks: list[Check], findings: list[Finding]) -> DoctorReport:
    ok = not any(f.severity == ERROR for f in findings)
    return DoctorReport(ok=ok, database=database, checks=checks, findings=findings)


def _probe_checks(probe: DatabaseProbe) -> tuple[list[Check], list[Finding]]:
    if not probe.reachable:
        message = f"cannot open the database {probe.database}: {probe.error}"
        return (
            [Check("database", FAILED, message), Check("schema", SKIPPED, "not reachable")],
            [Finding("database-unreachable", message)],
        )
    reachable = Check("database", OK, f"{probe.database} is reachable")
    if probe.revision == probe.head:
        return [reachable, Check("schema", OK, f"at {probe.head}, the newest")], []
    if probe.revision is None:
        message = "the database has no kivo schema: run `kivo init`"
    else:
        message = (
            f"the database is at schema {probe.revision}, this kivo expects {probe.head}: "
            "run `kivo init`"
        )
    return [reachable, Check("schema", FAILED, message)], [Finding("schema-not-at-head", message)]


def _history(kivo: Kivo, batch: int) -> tuple[Check, list[Finding]]:
    """Replay every case's history in batches; none may disagree with its stored state."""
    mismatched: list[int] = []
    invalid: list[int] = []
    cases, after = 0, 0
    while True:
        with kivo.uow(read_only=True) as uow:
            histories = uow.health.case_histories(after=after, limit=batch)
        if not histories:
            break
        for history in histories:
            cases += 1
            verdict = _replayed(history)
            if verdict == "mismatch":
                mismatched.append(history.case_id)
            elif verdict == "invalid":
                invalid.append(history.case_id)
        after = histories[-1].case_id
    findings = []
    if mismatched:
        findings.append(
            _many(
                "case-state-mismatch",
                "cases whose stored state or outcome is not the replay of their history",
                mismatched,
            )
        )
    if invalid:
        findings.append(
            _many(
                "case-history-invalid",
                "cases whose history does not replay (a move the path does not allow, "
                "or a gap in the event numbers)",
                invalid,
            )
        )
    if findings:
        return Check("history", FAILED, f"{len(mismatched) + len(invalid)} of {cases} cases"), (
            findings
        )
    return Check("history", OK, f"{_count(cases, 'case')} replay to their stored state"), []


def _replayed(history: CaseHistory) -> str:
    """ok, mismatch or invalid; a case without enrolment is left to the integrity check."""
    events = history.events
    if not any(event.kind == "enrolled" for event in events):
        return "ok"
    if [event.seq for event in events] != list(range(1, len(events) + 1)):
        return "invalid"
    try:
        replayed = replay(events)
    except ReplayError:
        return "invalid"
    stored = Replayed(history.state, history.paused_from, history.outcome)
    return "ok" if replayed == stored else "mismatch"


def _integrity(kivo: Kivo) -> tuple[Check, list[Finding]]:
    with kivo.uow(read_only=True) as uow:
        anomalies = uow.health.anomalies(sample=SAMPLE)
    findings = [
        Finding(a.code, f"{a.count} {MESSAGES.get(a.code, a.code)}", ERROR, a.count, list(a.ids))
        for a in anomalies
    ]
    if findings:
        return Check("integrity", FAILED, ", ".join(f.code for f in findings)), findings
    return (
        Check(
            "integrity",
            OK,
            "every case has its enrolment; no orphaned follow-up or reminder; "
            "no open work owned by an inactive caseworker",
        ),
        [],
    )


def _schedulers(kivo: Kivo, now: datetime, stale_after: timedelta) -> tuple[Check, list[Finding]]:
    """A scheduler that was not stopped and has not been seen for ``stale_after`` died
    or hangs: a finding. No scheduler at all is information: reminders may be sent by
    ``kivo reminders run`` from cron instead."""
    with kivo.uow(read_only=True) as uow:
        beats = list(uow.health.heartbeats())
    if not beats:
        note = Finding(
            "scheduler-never-seen",
            "no scheduler has ever run on this database (reminders go out only when "
            "`kivo scheduler` or `kivo reminders run` runs)",
            INFO,
        )
        return Check("scheduler", OK, "no scheduler has ever run"), [note]
    running = [b for b in beats if b.stopped_at is None]
    silent = [b for b in running if now - b.seen_at > stale_after]
    alive = len(running) - len(silent)
    findings = [
        Finding(
            "scheduler-silent",
            f"the scheduler {_who(b)} started {_moment(b.started_at)} was last seen "
            f"{_ago(now - b.seen_at)} ago and was never stopped: it died or hangs",
        )
        for b in silent
    ]
    if not running:
        last = max(beats, key=lambda b: b.seen_at)
        findings.append(
            Finding(
                "scheduler-not-running",
                f"no scheduler is running; the last one ({_who(last)}) stopped "
                f"{_moment(last.stopped_at or last.seen_at)}",
                INFO,
            )
        )
    detail = f"{_count(alive, 'scheduler')} alive" + (f", {len(silent)} silent" if silent else "")
    return Check("scheduler", FAILED if silent else OK, detail), findings


def _many(code: str, what: str, ids: Sequence[int]) -> Finding:
    return Finding(code, f"{len(ids)} {what}", ERROR, len(ids), list(ids[:SAMPLE]))


def _who(beat: Heartbeat) -> str:
    return f"{beat.host}:{beat.pid}"


def _moment(moment: datetime) -> str:
    from pathway.clock import LOCAL

    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def _ago(span: timedelta) -> str:
    seconds = int(span.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    if seconds < 7200:
        return f"{seconds // 60} min"
    return f"{seconds // 3600} h"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun if number == 1 else noun + 's'}"
