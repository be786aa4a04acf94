"""Where a benchmark runs: a fresh copy of a generated caseload, SQLite or PostgreSQL.

Generating a big caseload takes minutes, so each size is generated once into a
template (a SQLite file, or a PostgreSQL database) and every run starts from a copy:
the scenarios use up their pools (enrolled cases, cases in step 1, due reminders), and
the history is append-only, so nothing could be put back.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from benchmarks.caseload import Counts, generate, stored_size
from pathway.bootstrap import database_url, init_database
from persistence.engine import make_engine

DEFAULT_FOLDER = Path(os.environ.get("KIVO_BENCH_DIR", "/tmp/kivo-bench"))


@dataclass(frozen=True)
class Prepared:
    url: str
    template: str
    generated: Counts | None
    generate_seconds: float


def prepare(size: int, database: str | None, *, seed: int = 7) -> Prepared:
    """A working database with a fresh copy of the ``size``-case caseload."""
    url = database_url(database or str(DEFAULT_FOLDER / f"bench-{size}.db"))
    if make_url(url).get_backend_name() == "sqlite":
        return _prepare_sqlite(url, size, seed)
    return _prepare_postgres(url, size, seed)


def _prepare_sqlite(url: str, size: int, seed: int) -> Prepared:
    path = Path(make_url(url).database or "")
    template = path.with_name(f"{path.stem}.template-{size}-{seed}.db")
    counts, seconds = None, 0.0
    path.parent.mkdir(parents=True, exist_ok=True)  # kivo itself never creates folders
    if not template.exists() or _size_at(f"sqlite:///{template}") != size:
        template.unlink(missing_ok=True)
        partial = template.with_suffix(".partial")
        partial.unlink(missing_ok=True)
        counts, seconds = _generate(f"sqlite:///{partial}", size, seed)
        partial.rename(template)
    _up_to_date(f"sqlite:///{template}")
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(template, path)
    os.chmod(path, 0o600)
    return Prepared(f"sqlite:///{path}", f"sqlite:///{template}", counts, seconds)


def _prepare_postgres(url: str, size: int, seed: int) -> Prepared:
    parsed = make_url(url)
    name = parsed.database or "kivo_bench"
    template = f"{name}_tpl_{size}_{seed}"
    admin = create_engine(
        parsed.set(database="postgres").render_as_string(hide_password=False),
        isolation_level="AUTOCOMMIT",
    )
    template_url = parsed.set(database=template).render_as_string(hide_password=False)
    counts, seconds = None, 0.0
    try:
        with admin.connect() as connection:
            exists = connection.execute(
                text("SELECT 1 FROM pg_database WHERE datname = :name"), {"name": template}
            ).first()
        if not exists or _size_at(template_url) != size:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {template} WITH (FORCE)"))
                connection.execute(text(f"CREATE DATABASE {template}"))
            counts, seconds = _generate(template_url, size, seed)
            _analyze(template_url)
        _up_to_date(template_url)
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {name} TEMPLATE {template}"))
    finally:
        admin.dispose()
    return Prepared(parsed.render_as_string(hide_password=False), template_url, counts, seconds)


def _up_to_date(url: str) -> None:
    """A template kept from an earlier kivo is brought to this kivo's schema (the new
    migrations only add tables and columns), instead of being generated again."""
    from persistence import migrate

    engine = make_engine(url)
    try:
        if migrate.current_revision(engine) != migrate.SCHEMA_HEAD:
            migrate.upgrade(engine)
    finally:
        engine.dispose()


def _analyze(url: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text("VACUUM ANALYZE"))
    finally:
        engine.dispose()


def _generate(url: str, size: int, seed: int) -> tuple[Counts, float]:
    init_database(url)
    engine = make_engine(url)
    try:
        started = time.perf_counter()
        counts = generate(engine, size, seed)
    finally:
        engine.dispose()
    if make_url(url).get_backend_name() == "sqlite":
        connection = sqlite3.connect(make_url(url).database or "")
        try:
            connection.execute("ANALYZE")
            connection.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            connection.close()
    return counts, time.perf_counter() - started


def _size_at(url: str) -> int | None:
    """The size of the caseload a template holds, ``None`` if it holds none (no schema,
    or a build that did not finish). Any other error is raised, never taken for "no
    caseload": a template that took twenty minutes to build is not thrown away because
    it was busy for a moment."""
    engine = make_engine(url, create=False) if "sqlite" in url else create_engine(url)
    try:
        return stored_size(engine)
    finally:
        engine.dispose()
