"""End-to-end: dates and numbers at the far ends of what Python can hold, and file names
written like a personnummer, as the installed ``kivo`` command gets them.

Each of these once ended in a traceback (exit 1), or was accepted and then broke another
command. Now every date a person gives lies in 1900-01-01..2199-12-31 and every whole
number is bounded: outside, the answer is exit 2 with a message naming the option and the
range, and the database is unchanged. Runs on SQLite, and on PostgreSQL when
``KIVO_TEST_POSTGRES_URL`` is set (the audit reproduced each failure on both).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import Engine, MetaData, create_engine, select

from states.import_rows import REQUIRED_COLUMNS
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.e2e.conftest import Ran, run_kivo

pytestmark = pytest.mark.both_databases  # tests on e2e_database; `seeded` has its own params

NOW = "2026-03-02T09:00"
AMINA = "19980412-3389"
FULL_NUMBER = re.compile(r"(?<![0-9])(?:[0-9]{2})?[0-9]{6}[-+]?[0-9]{4}(?![0-9])")
RANGE = "1900-01-01 to 2199-12-31"
SEED = (
    ["caseworker", "add", "Anna Lindqvist", "--email", "anna@example.se"],
    ["workplace", "add", "Visby bageri"],
    ["supervisor", "add", "Sven Berg", "--workplace", "1", "--trained-on", "2025-09-15"],
    [
        *("participant", "add", "Amina Haddad", "--personnummer", AMINA),
        *("--caseworker", "1", "--consent", "--on", "2026-01-12"),
    ],
    ["meeting", "schedule", "1", "--at", "2026-03-04T10:00"],
)


@dataclass(frozen=True)
class Seeded:
    url: str
    folder: Path
    engine: Engine
    metadata: MetaData


def dump(seeded: Seeded) -> list[str]:
    """Every table's rows in primary-key order (whole rows without one): any write shows."""
    lines: list[str] = []
    with seeded.engine.connect() as connection:
        for table in seeded.metadata.sorted_tables:
            order = list(table.primary_key.columns) or list(table.columns)
            lines.append(table.name)
            lines += [
                repr(tuple(row)) for row in connection.execute(select(table).order_by(*order))
            ]
    return lines


@pytest.fixture(
    scope="module", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)]
)
def seeded(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Seeded]:
    """One seeded caseload per database kind, shared: every call here must leave it as it
    was (each test checks that), so sharing it costs nothing and proves more."""
    fixture = "sqlite_databases" if request.param == "sqlite" else "postgres_databases"
    databases: SqliteDatabases | PostgresDatabases = request.getfixturevalue(fixture)
    folder = tmp_path_factory.mktemp("extreme")
    (folder / f"{AMINA}.toml").write_text("not toml at all\n", encoding="utf-8")
    (folder / f"{AMINA}.csv").write_text("already here\n", encoding="utf-8")
    (folder / "old.csv").write_text(  # a row enrolled in year 1: refused, not imported
        ",".join(REQUIRED_COLUMNS) + "\nOld Row,19850709-1232,,,,,0001-01-01,,\n", encoding="utf-8"
    )
    with databases.fresh() as url:
        for argv in SEED:
            ran = run_kivo(url, folder, *argv)
            assert ran.code == 0, (argv, ran)
        engine = create_engine(url)
        metadata = MetaData()
        metadata.reflect(engine)
        try:
            yield Seeded(url, folder, engine, metadata)
        finally:
            engine.dispose()


def refused_with_nothing_written(seeded: Seeded, *args: str, now: str = NOW) -> Ran:
    before = dump(seeded)
    ran = run_kivo(seeded.url, seeded.folder, *args, now=now)
    assert "Traceback" not in ran.out + ran.err, ran.err
    assert ran.code == 2, ran
    assert ran.err.startswith("error: ") or "Invalid value" in ran.err, ran.err
    assert dump(seeded) == before
    assert not FULL_NUMBER.search(ran.out + ran.err), ran.err
    return ran


@pytest.mark.parametrize(
    ("args", "names"),
    [
        (["doctor", "--stale-after", "1000000000000000"], "--stale-after"),
        (["doctor", "--stale-after", "inf"], "--stale-after"),
        (["meeting", "schedule", "1", "--at", "0001-01-01T00:00"], "--at"),
        (["meeting", "schedule", "1", "--at", "9999-12-31T23:59"], "--at"),
        (["meeting", "schedule", "1", "--at", "2200-01-01T00:00"], "--at"),
        (["target", "set", "PRAKTIK", "2026", "99999999999999999999"], "target"),
        (["target", "set", "PRAKTIK", "2026", "1000001"], "target"),
        (["report", "overdue", "--on", "0001-01-01"], "--on"),
        (["report", "overdue", "--on", "1899-12-31"], "--on"),
        (["digest", "--week", "9999-12-31"], "--week"),
        (["digest", "--week", "0001-01-01"], "--week"),
        (["meeting", "list", "--from", "0001-01-01"], "--from"),
        (["report", "fallbacks", "--window-days", "99999999999999999999"], "window"),
        (["report", "fallbacks", "--window-days", "110000"], "window"),
        (["report", "targets", "--year", "2200"], "year"),
        (["import", "participants", "old.csv"], "enrolled_on 0001-01-01"),
        (["scheduler", "--once", "--interval", "1e308"], "--interval"),
        (
            ["advance", "1", "short-practice", "--expect-version", "99999999999999999999"],
            "--expect-version",
        ),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else None,
)
def test_a_date_or_number_beyond_the_bounds_is_refused_with_its_name_and_writes_nothing(
    seeded: Seeded, args: list[str], names: str
) -> None:
    ran = refused_with_nothing_written(seeded, *args)

    assert names in ran.err


@pytest.mark.parametrize(
    ("now", "args"),
    [
        ("0001-01-01", ["participant", "add", "Ny Person"]),
        ("9999-12-31", ["participant", "add", "Ny Person"]),
        ("0001-01-01", ["digest"]),
        ("9999-12-31", ["digest"]),
        ("0001-01-01", ["reminders", "run"]),
        ("9999-12-31T23:59", ["reminders", "run"]),
        ("0001-01-01", ["scheduler", "--once"]),
        ("9999-12-31", ["scheduler", "--once"]),
        ("1899-12-31T23:59", ["report", "overdue"]),
        ("2200-01-01", ["report", "overdue"]),
    ],
    ids=lambda value: " ".join(value) if isinstance(value, list) else value,
)
def test_a_clock_beyond_the_bounds_is_refused_before_anything_runs(
    seeded: Seeded, now: str, args: list[str]
) -> None:
    """A scheduler under --now 9999-12-31 once wrote a heartbeat dated 9999; now it
    writes nothing (the dump comparison includes the heartbeats)."""
    ran = refused_with_nothing_written(seeded, *args, now=now)

    assert "--now/KIVO_NOW" in ran.err
    assert RANGE in ran.err


def test_the_message_names_the_accepted_range(seeded: Seeded) -> None:
    ran = refused_with_nothing_written(
        seeded, "meeting", "schedule", "1", "--at", "9999-12-31T23:59"
    )

    assert ran.err.strip() == (
        f"error: --at 9999-12-31T23:59+01:00 is outside the dates kivo accepts ({RANGE})"
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--rules", f"{AMINA}.toml", "rules", "show"],
        ["rules", "check", f"{AMINA}.toml"],
        ["export", "cases", f"{AMINA}.csv"],
        ["export", "cases", f"{AMINA}.csv", "--json"],
        ["import", "participants", f"missing-{AMINA}.csv"],
        ["--rules", f"missing-{AMINA}.toml", "participant", "list"],
    ],
    ids=" ".join,
)
def test_a_file_named_like_a_personnummer_is_never_echoed_in_full(
    seeded: Seeded, args: list[str]
) -> None:
    ran = run_kivo(seeded.url, seeded.folder, *args)

    assert ran.code in {2, 3}, ran
    assert "Traceback" not in ran.err
    assert not FULL_NUMBER.search(ran.out + ran.err), ran.err
    assert "19980412-****" in ran.out + ran.err


def test_a_meeting_on_the_last_accepted_minute_is_booked_and_every_read_still_works(
    e2e_database: str, tmp_path: Path
) -> None:
    """The edge itself is fine: booked there, the calendar, the case, the digest and the
    overdue report still show (a meeting at 9999-12-31 once broke every ``meeting ics``)."""
    url = e2e_database
    for argv in SEED:
        assert run_kivo(url, tmp_path, *argv).code == 0
    booked = run_kivo(url, tmp_path, "meeting", "schedule", "1", "--at", "2199-12-31T23:59")
    assert booked.code == 0, booked.err

    for argv in (
        ["meeting", "ics"],
        ["meeting", "list"],
        ["participant", "show", "1"],
        ["report", "overdue"],
        ["digest"],
    ):
        ran = run_kivo(url, tmp_path, *argv)
        assert ran.code == 0, (argv, ran.err)
    late = run_kivo(url, tmp_path, "digest", now="2199-12-31T23:59")
    assert late.code == 0, late.err
    assert "Traceback" not in late.err
