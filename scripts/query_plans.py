"""Query plans of kivo's hot queries, on SQLite and PostgreSQL: ``docs/query-plans.md``.

    python scripts/query_plans.py [--postgres URL] [--out docs/query-plans.md] [--check]

Builds a caseload of realistic size in a new database of each kind (5,000 cases, their
histories, 15,000 follow-ups and 45,000 reminders, most of them sent), runs ``ANALYZE``,
then runs the real use cases — the dispatch claim, the follow-ups due by a date, a
case's history, a caseworker's caseload — while recording every SQL statement they
send, and asks each database for the plan of each statement with the same parameters
(``EXPLAIN QUERY PLAN`` on SQLite, ``EXPLAIN`` on PostgreSQL; neither runs the
statement). ``--check`` exits 1 if a hot statement reads one of the big tables
(case_event, followup, reminder, kivo_case) with a full scan.

The PostgreSQL database is created and dropped by the script (``--postgres`` names the
server, as ``KIVO_TEST_POSTGRES_URL`` does; default: that variable).
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
import uuid
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, insert, text
from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from pathway import reports, views  # noqa: E402
from pathway.bootstrap import bootstrap, init_database  # noqa: E402
from pathway.context import Kivo  # noqa: E402
from pathway.followups import list_followups  # noqa: E402
from persistence.tables import (  # noqa: E402
    CaseEventRow,
    CaseRow,
    CaseworkerRow,
    FollowupRow,
    PersonRow,
    ReminderRow,
)

CASES, CASEWORKERS, FOLLOWUPS_PER_CASE = 5000, 20, 3
NOW = "2026-03-02T09:00"
TODAY = date(2026, 3, 2)
BIG_TABLES = ("case_event", "followup", "reminder", "kivo_case")


@dataclass
class Plan:
    name: str
    why: str
    statements: list[tuple[str, list[str]]] = field(default_factory=list)


@dataclass
class Recorder:
    statements: list[tuple[str, Any]] = field(default_factory=list)
    on: bool = False

    def __call__(self, conn: Any, cursor: Any, statement: str, params: Any, *_: Any) -> None:
        if self.on and statement.lstrip().upper().startswith(("SELECT", "UPDATE", "WITH")):
            self.statements.append((statement, params))


def seed(url: str) -> None:
    """A caseload of realistic size, written with Core inserts (fast, no use cases)."""
    engine = create_engine(url)
    at = datetime(2026, 1, 5, 8, tzinfo=UTC)
    with engine.begin() as db:
        db.execute(
            insert(CaseworkerRow),
            [
                {"name": f"Handläggare {n}", "email": None, "role": "caseworker", "active": True}
                for n in range(CASEWORKERS)
            ],
        )
        db.execute(
            insert(PersonRow),
            [
                {"name": f"Deltagare {n}", "personnummer": None, "gender": "unknown", "groups": []}
                for n in range(CASES)
            ],
        )
        db.execute(
            insert(CaseRow),
            [
                {
                    "person_id": n + 1,
                    "state": "information",
                    "step": 1,
                    "caseworker_id": n % CASEWORKERS + 1,
                    "opened_on": date(2025, 1, 1) + timedelta(days=n % 400),
                    "version": 2,
                }
                for n in range(CASES)
            ],
        )
        db.execute(
            insert(CaseEventRow),
            [
                {
                    "case_id": n + 1,
                    "seq": seq,
                    "kind": kind,
                    "from_state": before,
                    "to_state": after,
                    "on": date(2025, 1, 1) + timedelta(days=n % 400),
                    "recorded_at": at,
                    "warnings": [],
                    "overrides": [],
                    "data": {},
                }
                for n in range(CASES)
                for seq, kind, before, after in (
                    (1, "enrolled", None, "enrolled"),
                    (2, "advanced", "enrolled", "information"),
                )
            ],
        )
        db.execute(
            insert(FollowupRow),
            [
                {
                    "case_id": n % CASES + 1,
                    "name": f"contact-{n}",
                    "kind": "follow-up",
                    "title": "Follow-up contact",
                    "due": date(2025, 6, 1) + timedelta(days=n % 365),
                    "status": "pending" if n % 5 == 0 else "done",
                    "anchor": "start",
                    "offset_days": 0,
                    "keep": False,
                }
                for n in range(CASES * FOLLOWUPS_PER_CASE)
            ],
        )
        db.execute(
            insert(ReminderRow),
            [
                {
                    "followup_id": n // 3 + 1,
                    "case_id": (n // 3) % CASES + 1,
                    "kind": ("before", "due", "escalation")[n % 3],
                    "due": date(2025, 6, 1) + timedelta(days=(n // 3) % 365),
                    "send_on": date(2025, 6, 1) + timedelta(days=(n // 3) % 365 + n % 3),
                    "status": "pending" if (n // 3) % 5 == 0 else "sent",
                    "attempts": 0,
                }
                for n in range(CASES * FOLLOWUPS_PER_CASE * 3)
            ],
        )
    with engine.begin() as db:
        db.execute(text("ANALYZE"))
    engine.dispose()


def hot_queries(kivo: Kivo) -> list[tuple[str, str, Callable[[], object]]]:
    def claim() -> None:
        now = kivo.now()
        with kivo.uow() as uow:  # never committed: the plans only
            uow.reminders.claim_due(
                today=TODAY, now=now, until=now + timedelta(minutes=5), worker="plans", limit=500
            )

    return [
        (
            "Due-reminder claim",
            "every dispatch pass, every minute, in every scheduler",
            claim,
        ),
        (
            "Follow-ups due by a date",
            "`kivo followup list --due-by`, the digest, a caseworker's week",
            lambda: list_followups(kivo, due_by=TODAY, caseworker_id=3),
        ),
        (
            "A case's events",
            "`kivo history`, `participant show`, every move (the facts are read from them)",
            lambda: views.case_history(kivo, 1234),
        ),
        (
            "A caseworker's caseload",
            "`kivo participant list --caseworker`",
            lambda: views.list_cases(kivo, caseworker_id=7),
        ),
        (
            "The funnel today",
            "`kivo report funnel` (its day is today unless asked), the steering group's view",
            lambda: reports.funnel(kivo),
        ),
    ]


def explain(engine: Engine, statement: str, params: Any) -> list[str]:
    sqlite = engine.dialect.name == "sqlite"
    prefix = "EXPLAIN QUERY PLAN " if sqlite else "EXPLAIN "
    with engine.connect() as connection:
        rows = connection.exec_driver_sql(prefix + statement, params).all()
        connection.rollback()
    if sqlite:
        return [f"{'  ' * _depth(rows, row)}{row[3]}" for row in rows]
    return [str(row[0]) for row in rows]


def _depth(rows: Sequence[Any], row: Any) -> int:
    parents = {r[0]: r[1] for r in rows}
    depth, parent = 0, row[1]
    while parent in parents:
        depth, parent = depth + 1, parents[parent]
    return depth


def plans_for(url: str) -> list[Plan]:
    init_database(url)
    seed(url)
    recorder = Recorder()
    event.listen(Engine, "before_cursor_execute", recorder)
    kivo = bootstrap(url, now=NOW)
    engine = create_engine(url)
    plans = []
    try:
        for name, why, run in hot_queries(kivo):
            recorder.statements.clear()
            recorder.on = True
            run()
            recorder.on = False
            plan = Plan(name, why)
            for statement, params in recorder.statements:
                if "alembic_version" in statement:
                    continue
                plan.statements.append((statement, explain(engine, statement, params)))
            plans.append(plan)
    finally:
        event.remove(Engine, "before_cursor_execute", recorder)
        kivo.close()
        engine.dispose()
    return plans


FULL_SCAN = {
    "sqlite": re.compile(r"^\s*SCAN (\w+)(?! USING)", re.MULTILINE),
    "postgresql": re.compile(r"Seq Scan on (\w+)"),
}


EXPLAINED = {  # see the document
    ("postgresql", "Due-reminder claim", "reminder"),
    ("postgresql", "The funnel today", "kivo_case"),
}


def full_scans(dialect: str, plans: list[Plan]) -> list[str]:
    found = []
    for plan in plans:
        for _, lines in plan.statements:
            for match in FULL_SCAN[dialect].finditer("\n".join(lines)):
                if (dialect, plan.name, match.group(1)) in EXPLAINED:
                    continue
                if match.group(1) in BIG_TABLES:
                    found.append(f"{dialect}: {plan.name}: full scan of {match.group(1)}")
    return found


@contextmanager
def postgres_database(server: str) -> Iterator[str]:
    name = f"kivo_plans_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE DATABASE {name}"))
    try:
        yield make_url(server).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
        admin.dispose()


def markdown(results: dict[str, list[Plan]]) -> str:
    out = [
        "# Query plans of the hot queries",
        "",
        "Generated by `python scripts/query_plans.py --out docs/query-plans.md` (do not edit",
        "by hand): a caseload of 5,000 cases, 10,000 events, 15,000 follow-ups and 45,000",
        "reminders (most of them done or sent), `ANALYZE`d, then the real use cases run",
        "while their SQL is recorded. SQLite plans are `EXPLAIN QUERY PLAN`, PostgreSQL",
        "plans are `EXPLAIN` (neither runs the statement). `--check` fails when a hot",
        "statement scans case_event, followup, reminder or kivo_case in full.",
        "",
        "Indexes the plans rely on: `ix_reminder_due` (status, send_on, id) for the",
        "claim; for the follow-ups due, `ix_followup_status_due` (status, due) with",
        "`ix_kivo_case_caseworker_id` on PostgreSQL, and `ix_kivo_case_caseworker_id` then",
        "`ix_followup_case_id` on SQLite; `uq_case_event_seq` (case_id, seq) for a case's",
        "events; `ix_kivo_case_caseworker_id` for a caseload; primary keys for lookups by",
        "id. PostgreSQL reads the small `person` and `caseworker` tables whole where it",
        "joins names to many rows; that is its cheapest plan there, not a missing index.",
        "",
        "One full scan is expected and explained: on PostgreSQL the claim's outer `UPDATE …",
        "WHERE id IN (SELECT … LIMIT 500 FOR UPDATE SKIP LOCKED)` may join the 500 claimed",
        "ids to `reminder` by a hash semi-join over a sequential scan. The inner select (the",
        "part that finds the due rows) uses `ix_reminder_due`; for the outer join",
        "the planner weighs 500 primary-key lookups against one scan and, at this table size",
        "(45,000 rows), the scan is cheaper. Past a few hundred thousand reminders it picks",
        "the primary key. Writing the claim as `id = ANY(ARRAY(SELECT …))` would make the",
        "primary-key lookups certain at every size (a change to `persistence/outbox.py`).",
        "The funnel today counts every case by its state, so it reads all of `kivo_case`",
        "by design: SQLite reads the covering index `ix_case_state`; PostgreSQL, at this",
        "size, reads the table (an index-only scan of `ix_case_state` once the table is",
        "vacuumed and larger). Only the cases with a state change after the day asked (none",
        "for today) are replayed from `case_event`, found through `ix_case_event_flow`",
        "and read through `uq_case_event_seq`; the flows read the period's events through",
        "`ix_case_event_flow`.",
        "No index is missing: every hot query finds its rows through an index.",
        "",
    ]
    names = [plan.name for plan in next(iter(results.values()))]
    for index, name in enumerate(names):
        first = next(iter(results.values()))[index]
        out += [f"## {name}", "", f"Run by {first.why}.", ""]
        for dialect, plans in results.items():
            plan = plans[index]
            out += [f"### {'SQLite' if dialect == 'sqlite' else 'PostgreSQL'}", ""]
            for number, (statement, lines) in enumerate(plan.statements, start=1):
                sql = _collapse(" ".join(statement.split()))
                out += [f"{number}. Statement:", "", "   ```sql", f"   {sql}", "   ```", ""]
                shown = [_collapse(line) for line in lines]
                out += ["   Plan:", "", "   ```", *(f"   {li}" for li in shown), "   ```", ""]
    return "\n".join(out).rstrip() + "\n"


PARAMETER = r"(?:%\(\w+\)s(?:::\w+)?|\?)"
LONG_LISTS = (
    (re.compile(rf"\((?:{PARAMETER}, ){{3,}}{PARAMETER}\)"), "(…)"),
    (re.compile(r"'\{(?:\d+,){3,}\d+\}'"), "'{…}'"),
    (re.compile(r"\((?:\?,){3,}\?\)"), "(…)"),
)


def _collapse(text: str) -> str:
    """Long lists of ids (``IN (…)`` of a batch) shortened, so the plans stay readable."""
    for pattern, short in LONG_LISTS:
        text = pattern.sub(short, text)
    return text


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--postgres", default=os.environ.get("KIVO_TEST_POSTGRES_URL"))
    parser.add_argument("--out", type=Path)
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    results: dict[str, list[Plan]] = {}
    with tempfile.TemporaryDirectory() as folder:
        results["sqlite"] = plans_for(f"sqlite:///{folder}/plans.db")
    if args.postgres:
        with postgres_database(args.postgres) as url:
            results["postgresql"] = plans_for(url)
    document = markdown(results)
    if args.out:
        args.out.write_text(document, encoding="utf-8")
    else:
        print(document)
    scans = [scan for dialect, plans in results.items() for scan in full_scans(dialect, plans)]
    for scan in scans:
        print(scan, file=sys.stderr)
    return 1 if args.check and scans else 0


if __name__ == "__main__":
    sys.exit(main())
