"""Fresh, migrated databases for tests: SQLite files and PostgreSQL databases.

Each kind is migrated once per test session into a template; every test then gets a
cheap copy (a file copy, or ``CREATE DATABASE … TEMPLATE``), so the suite exercises the
real Alembic schema without paying for a migration per test.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import socket
import sqlite3
import uuid
from collections.abc import Callable, Iterator
from contextlib import closing, contextmanager
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from persistence import migrate
from persistence.engine import make_engine

POSTGRES_ENV = "KIVO_TEST_POSTGRES_URL"
TEMPLATE_PREFIX = "kivo_test_template"
COPY_PREFIX = "kivo_t"
# Who made a test database: this host (hashed, short) and the test session's process, so
# a later session can drop what a killed one left behind on the same host, and only that.
HOST = hashlib.sha256(socket.gethostname().encode()).hexdigest()[:6]
OWNED = re.compile(rf"^(?:{TEMPLATE_PREFIX}|{COPY_PREFIX})_{HOST}_(\d+)_[0-9a-f]+$")


def owned_name(prefix: str, random_hex: int) -> str:
    """A database name that says which host and process made it."""
    return f"{prefix}_{HOST}_{os.getpid()}_{uuid.uuid4().hex[:random_hex]}"


def left_behind(names: list[str], alive: Callable[[int], bool]) -> list[str]:
    """Of the databases on the server, those a test session on this host made and whose
    process is gone (killed before it could drop them)."""
    found = []
    for name in names:
        match = OWNED.match(name)
        if match and not alive(int(match.group(1))):
            found.append(name)
    return found


def process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process
    return True


def postgres_url() -> str | None:
    return os.environ.get(POSTGRES_ENV) or None


def _admin_engine(url: str):  # type: ignore[no-untyped-def]
    return create_engine(url, isolation_level="AUTOCOMMIT", pool_pre_ping=True)


class SqliteDatabases:
    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.template = folder / "template.db"
        engine = make_engine(f"sqlite:///{self.template}")
        migrate.upgrade(engine)
        engine.dispose()  # the last connection to close folds the WAL into the file

    @contextmanager
    def fresh(self) -> Iterator[str]:
        yield self._copy_of(self.template)

    @contextmanager
    def copy(self, url: str) -> Iterator[str]:
        """A copy of the database at ``url``, taken when no kivo process holds it open."""
        source = Path(url.removeprefix("sqlite:///"))
        with closing(sqlite3.connect(source)) as db:  # fold a WAL left behind into the file
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        yield self._copy_of(source)

    def _copy_of(self, source: Path) -> str:
        path = self.folder / f"{uuid.uuid4().hex}.db"
        shutil.copyfile(source, path)
        os.chmod(path, 0o600)
        return f"sqlite:///{path}"


class PostgresDatabases:
    def __init__(self, admin_url: str) -> None:
        """A template of this test session's own, so parallel sessions never collide; what
        killed sessions on this host left behind is dropped first."""
        self.admin_url = admin_url
        self.template = owned_name(TEMPLATE_PREFIX, 12)
        admin = _admin_engine(admin_url)
        with admin.connect() as connection:
            names = connection.execute(text("SELECT datname FROM pg_database")).scalars().all()
            for name in left_behind(list(names), process_alive):
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            connection.execute(text(f"CREATE DATABASE {self.template}"))
        admin.dispose()
        engine = make_engine(self.url_of(self.template))
        migrate.upgrade(engine)
        engine.dispose()

    def close(self) -> None:
        admin = _admin_engine(self.admin_url)
        with admin.connect() as connection:
            connection.execute(text(f"DROP DATABASE IF EXISTS {self.template} WITH (FORCE)"))
        admin.dispose()

    def url_of(self, name: str) -> str:
        return make_url(self.admin_url).set(database=name).render_as_string(hide_password=False)

    @contextmanager
    def fresh(self) -> Iterator[str]:
        with self.copy(self.url_of(self.template)) as url:
            yield url

    @contextmanager
    def copy(self, url: str) -> Iterator[str]:
        """A copy of the database at ``url`` (nobody may be connected to it), dropped
        afterwards."""
        with self._database(f" TEMPLATE {make_url(url).database}") as copied:
            yield copied

    @contextmanager
    def empty(self) -> Iterator[str]:
        """A database of its own with no schema at all (``kivo init`` never ran on it),
        dropped afterwards."""
        with self._database("") as created:
            yield created

    @contextmanager
    def _database(self, template: str) -> Iterator[str]:
        name = owned_name(COPY_PREFIX, 16)
        admin = _admin_engine(self.admin_url)
        try:
            with admin.connect() as connection:
                connection.execute(text(f"CREATE DATABASE {name}{template}"))
            yield self.url_of(name)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
            admin.dispose()
