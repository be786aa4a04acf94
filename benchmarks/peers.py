"""The peers scenario: the lightest single move, kivo beside the raw twin and three peers.

Reproduces the peers' benchmark: cases on SQLite (or PostgreSQL), single moves from one
step to the next, one transaction each (load the case, guard the move, update the case
with its version checked, append one history row), in interleaved rounds (the order of
the stacks rotates every round). kivo runs the work through ``pathway.moves.advance``
(enrolled → information, which plans nothing) on a fresh copy of the generated caseload;
every other stack runs as a child process (``benchmarks/peerstacks/``) on its own
database of as many cases, all enrolled, with an equivalent schema (``peer_case`` with
state and version, ``peer_history``, indexed as kivo's tables are).

Django + django-fsm-2, the SQLAlchemy ORM and SQLAlchemy + transitions are installed by
the benchmark itself into a separate virtual environment (``$KIVO_PEERS_VENV``, default
``~/.cache/kivo-bench/peers-venv``), built once and reused; if it cannot be built
(offline, no mirror), the scenario says so and measures kivo and the raw twin only.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from benchmarks.caseload import NOW, TODAY
from benchmarks.rawsql import RawDatabase
from benchmarks.scenarios import BY, Bench, Result
from pathway import moves
from pathway.bootstrap import bootstrap
from states.steps import Step

ROOT = Path(__file__).resolve().parents[1]
PEER_REQUIREMENTS = (
    "django>=5.2,<6",
    "django-fsm-2",
    "sqlalchemy>=2",
    "transitions",
    "psycopg[binary]>=3.1",
)
VERSIONS_OF = ("django", "django-fsm-2", "sqlalchemy", "transitions", "psycopg")
MOVED_AT = datetime(2026, 3, 2, 9, 0, 0)


@dataclass(frozen=True)
class Stack:
    key: str
    label: str
    module: str = ""
    options: tuple[str, ...] = ()
    peer: bool = True  # runs in the peers' environment


STACKS = (
    Stack("kivo", "kivo (`pathway.moves.advance`)", peer=False),
    Stack("raw", "raw driver (`sqlite3` / `psycopg`), the twin", "raw", peer=False),
    Stack("django", "Django 5.2 + django-fsm-2", "django_fsm2"),
    Stack("sqlalchemy", "SQLAlchemy 2 ORM, guard in Python", "sqlalchemy_orm"),
    Stack(
        "sqlalchemy-transitions",
        "SQLAlchemy 2 + transitions",
        "sqlalchemy_orm",
        ("--transitions",),
    ),
)


def peers_scenario(bench: Bench) -> Result:
    result = Result(
        "peers",
        "Peers: the lightest single move (enrolled → information), one transaction each, "
        "beside the raw twin, Django + django-fsm-2, SQLAlchemy ORM and SQLAlchemy + "
        "transitions",
        "moves",
        target="kivo ≥ 2× Django + django-fsm-2 on SQLite; ahead of every peer on PostgreSQL",
    )
    rounds = 3 if bench.quick else max(1, bench.limit("peer_rounds", 3))
    wanted = 100 if bench.quick else bench.limit("peer_moves", 5000)
    python, why = peers_python()
    stacks = [stack for stack in STACKS if python is not None or not stack.peer]
    if python is None:
        result.notes.append(f"peers skipped: their environment could not be built ({why})")
    kivo_url = _kivo_copy(bench)
    kivo = bootstrap(kivo_url, now=NOW)
    try:
        reader = RawDatabase(kivo_url)
        try:
            pool = [
                int(row[0])
                for row in reader.rows(
                    "SELECT id FROM kivo_case WHERE state = 'enrolled' "
                    f"AND id <= {int(bench.size)} ORDER BY id"
                )
            ]
        finally:
            reader.close()
        per = min(wanted, len(pool) // rounds)
        if per == 0:
            result.status = "skipped"
            result.notes.append("no enrolled cases in the caseload")
            return result
        urls = {
            stack.key: _peer_database(bench, stack.key) for stack in stacks if stack.key != "kivo"
        }
        times: dict[str, list[float]] = {stack.key: [] for stack in stacks}
        for number in range(rounds):
            shift = number % len(stacks)
            for stack in stacks[shift:] + stacks[:shift]:
                if stack.key == "kivo":
                    ids = pool[number * per : (number + 1) * per]
                    times["kivo"].append(_kivo_round(kivo, ids))
                else:
                    interpreter = str(python) if stack.peer else sys.executable
                    times[stack.key].append(
                        _child_round(interpreter, stack, urls[stack.key], number * per + 1, per)
                    )
            said = ", ".join(f"{key} {per / found[-1]:,.0f}/s" for key, found in times.items())
            print(f"peers round {number + 1}/{rounds}: {said}", file=sys.stderr, flush=True)
    finally:
        kivo.close()
    result.count = per
    medians = {key: statistics.median(values) for key, values in times.items()}
    result.kivo_s, result.raw_s = medians["kivo"], medians["raw"]
    result.samples = times
    result.extra = {f"{key}_per_s": per / seconds for key, seconds in medians.items()}
    if python is not None:
        kivo_rate = result.extra["kivo_per_s"]
        peer_rates = [result.extra[f"{s.key}_per_s"] for s in stacks if s.peer]
        if bench.sqlite:
            result.met = kivo_rate >= 2 * result.extra["django_per_s"]
        else:
            result.met = kivo_rate > max(peer_rates)
        result.notes.append("peers' versions: " + _versions(python))
    result.notes.append(
        f"{rounds} interleaved rounds of {per:,} moves per stack (the order rotates every "
        f"round); each stack on its own database of {bench.size:,} cases; kivo on a fresh "
        "copy of the generated caseload, the others on peer_case/peer_history"
    )
    return result


def peers_table(entry: dict[str, Any]) -> list[str]:
    """The stacks' medians as a Markdown table, fastest first."""
    rates = {
        stack.label: entry["extra"][f"{stack.key}_per_s"]
        for stack in STACKS
        if f"{stack.key}_per_s" in entry["extra"]
    }
    lines = ["| stack | moves/s (median) |", "|---|---|"]
    for label, rate in sorted(rates.items(), key=lambda item: -item[1]):
        shown = f"**{label}**" if label.startswith("kivo") else label
        lines.append(f"| {shown} | {rate:,.0f} |")
    return lines


# -- the stacks' rounds ---------------------------------------------------------------


def _kivo_round(kivo: Any, ids: list[int]) -> float:
    started = time.perf_counter()
    for case_id in ids:
        moves.advance(kivo, case_id, Step.INFORMATION, on=TODAY, by=BY)
    return time.perf_counter() - started


def _child_round(python: str, stack: Stack, url: str, first: int, count: int) -> float:
    command = [python, "-m", f"benchmarks.peerstacks.{stack.module}", url, str(first), str(count)]
    completed = subprocess.run(
        [*command, *stack.options],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"the {stack.key} peer failed: {completed.stderr[-1500:]}")
    report = json.loads(completed.stdout.strip().splitlines()[-1])
    if report["moves"] != count:
        raise RuntimeError(f"the {stack.key} peer moved {report['moves']} of {count}")
    return float(report["seconds"])


# -- the peers' environment -----------------------------------------------------------


def peers_venv() -> Path:
    configured = os.environ.get("KIVO_PEERS_VENV")
    if configured:
        return Path(configured)
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return cache / "kivo-bench" / "peers-venv"


def peers_python() -> tuple[Path | None, str]:
    """The peers' interpreter, building their environment on first use (under a lock,
    so two runs never build it at once); ``None`` and the reason if it cannot be built."""
    folder = peers_venv()
    python = folder / "bin" / "python"
    marker = folder / "kivo-peers-requirements.txt"
    wanted = "\n".join(PEER_REQUIREMENTS) + "\n"
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        with _locked(folder.with_name(folder.name + ".lock")):
            if python.exists() and marker.exists() and marker.read_text() == wanted:
                return python, "cached"
            shutil.rmtree(folder, ignore_errors=True)
            made = subprocess.run(
                [sys.executable, "-m", "venv", str(folder)],
                capture_output=True,
                text=True,
                check=False,
                timeout=300,
            )
            if made.returncode != 0:
                return None, f"python -m venv failed: {_tail(made.stderr)}"
            installed = subprocess.run(
                [
                    str(python),
                    *("-m", "pip", "install", "-q", "--disable-pip-version-check"),
                    *PEER_REQUIREMENTS,
                ],
                capture_output=True,
                text=True,
                check=False,
                timeout=1200,
            )
            if installed.returncode != 0:
                shutil.rmtree(folder, ignore_errors=True)
                return None, f"pip install failed: {_tail(installed.stderr)}"
            marker.write_text(wanted)
            return python, "built"
    except (OSError, subprocess.SubprocessError) as error:
        return None, f"{type(error).__name__}: {error}"


@contextmanager
def _locked(path: Path) -> Iterator[None]:
    with path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _tail(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip() and "is ignored" not in line]
    return " / ".join(lines[-3:]) or "no message"


def _versions(python: Path) -> str:
    script = (
        "from importlib.metadata import version\n"
        f"print(', '.join(n + ' ' + version(n) for n in {VERSIONS_OF!r}))"
    )
    completed = subprocess.run(
        [str(python), "-c", script], capture_output=True, text=True, check=False
    )
    return completed.stdout.strip() or _tail(completed.stderr)


# -- the databases --------------------------------------------------------------------


def _kivo_copy(bench: Bench) -> str:
    """A fresh copy of the generated caseload for kivo's side (the other scenarios use
    up the enrolled pool of the working copy)."""
    template = make_url(bench.template)
    if bench.sqlite:
        path = bench.work / "peers-kivo.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        shutil.copyfile(template.database or "", path)
        return f"sqlite:///{path}"
    name = f"{make_url(bench.url).database}_peer_kivo"
    with _admin(bench.url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name} TEMPLATE {template.database}")
    return make_url(bench.url).set(database=name).render_as_string(hide_password=False)


def _peer_database(bench: Bench, key: str) -> str:
    """A database of ``bench.size`` enrolled cases, each with its enrolment in the history."""
    cases = [(number, "enrolled", 1) for number in range(1, bench.size + 1)]
    history = [(number, None, "enrolled", MOVED_AT) for number in range(1, bench.size + 1)]
    if bench.sqlite:
        path = bench.work / f"peers-{key}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        conn = sqlite3.connect(path, isolation_level=None)
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("BEGIN")
            for statement in SQLITE_SCHEMA:
                conn.execute(statement)
            conn.executemany("INSERT INTO peer_case VALUES (?, ?, ?)", cases)
            conn.executemany(
                "INSERT INTO peer_history (case_id, from_state, to_state, at) VALUES (?, ?, ?, ?)",
                [(c, f, t, a.isoformat(" ")) for c, f, t, a in history],
            )
            conn.execute("COMMIT")
            conn.execute("ANALYZE")
            conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            conn.close()
        return f"sqlite:///{path}"
    import psycopg

    name = f"{make_url(bench.url).database}_peer_{key.replace('-', '_')}"
    with _admin(bench.url) as admin:
        admin.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.execute(f"CREATE DATABASE {name}")
    url = make_url(bench.url).set(database=name)
    plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
    with psycopg.connect(plain) as pg:
        for statement in POSTGRES_SCHEMA:
            pg.execute(statement)
        with pg.cursor() as cursor:
            with cursor.copy("COPY peer_case (id, state, version) FROM STDIN") as copy:
                for row in cases:
                    copy.write_row(row)
            with cursor.copy(
                "COPY peer_history (case_id, from_state, to_state, at) FROM STDIN"
            ) as copy:
                for history_row in history:
                    copy.write_row(history_row)
        pg.commit()
    with psycopg.connect(plain, autocommit=True) as vacuum:
        vacuum.execute("VACUUM ANALYZE")
    return url.render_as_string(hide_password=False)


@contextmanager
def _admin(url: str) -> Iterator[Any]:
    import psycopg

    plain = make_url(url).set(drivername="postgresql", database="postgres")
    with psycopg.connect(plain.render_as_string(hide_password=False), autocommit=True) as conn:
        yield conn


SQLITE_SCHEMA = (
    "CREATE TABLE peer_case (id INTEGER PRIMARY KEY, state VARCHAR(32) NOT NULL, "
    "version INTEGER NOT NULL)",
    "CREATE INDEX ix_peer_case_state ON peer_case (state)",
    "CREATE TABLE peer_history (id INTEGER PRIMARY KEY, case_id INTEGER NOT NULL "
    "REFERENCES peer_case (id), from_state VARCHAR(32), to_state VARCHAR(32) NOT NULL, "
    "at DATETIME NOT NULL)",
    "CREATE INDEX ix_peer_history_case_id ON peer_history (case_id)",
)
POSTGRES_SCHEMA = (
    "CREATE TABLE peer_case (id INTEGER PRIMARY KEY, state VARCHAR(32) NOT NULL, "
    "version INTEGER NOT NULL)",
    "CREATE INDEX ix_peer_case_state ON peer_case (state)",
    "CREATE TABLE peer_history (id BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, "
    "case_id INTEGER NOT NULL REFERENCES peer_case (id), from_state VARCHAR(32), "
    "to_state VARCHAR(32) NOT NULL, at TIMESTAMP NOT NULL)",
    "CREATE INDEX ix_peer_history_case_id ON peer_history (case_id)",
)
