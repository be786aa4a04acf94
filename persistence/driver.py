"""SQLite on the bare driver, without importing SQLAlchemy.

The settings every kivo connection to SQLite gets (``configure``, which the engine runs on
each new connection too), the checks of a database file, the schema check as one
``SELECT``, and the connection that read-only one-case reads (the case page) run on:
importing SQLAlchemy is more than a third of a short command's start-up.
"""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from states.errors import DatabaseUnavailable, NotInitialised

BUSY_TIMEOUT_MS = 10_000
PRAGMAS = (
    "PRAGMA journal_mode=WAL",
    "PRAGMA foreign_keys=ON",
    f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}",
    "PRAGMA synchronous=NORMAL",
    "PRAGMA secure_delete=ON",  # erased and removed values are zeroed, not left in free pages
)
VERSION_QUERY = "SELECT version_num FROM alembic_version"

REASONS = (  # what the drivers say, and what it means to the person who typed --database
    (r"file is not a database", "the file is not a SQLite database"),
    (r"unable to open database file", "the file cannot be opened (check the path and rights)"),
    (r'database "[^"]*" does not exist', "the server has no such database"),
    (r'role "[^"]*" does not exist', "the server has no such user"),
    (r"password authentication failed", "the server refused the user name or password"),
    (r"no password supplied", "the server asks for a password"),
    (r"failed to resolve host|could not translate host name", "the host name is not known"),
    (r"connection refused", "no PostgreSQL server answers there"),
    (r"timeout expired|timed out", "the server did not answer in time"),
)


def configure(dbapi_connection: Any) -> None:
    """WAL, foreign keys, a busy timeout; kivo issues ``BEGIN`` itself."""
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    for pragma in PRAGMAS:
        cursor.execute(pragma)
    cursor.close()


def sqlite_file(url: str) -> Path | None:
    """The file of a plain ``sqlite:///FILE`` URL; ``None`` for anything else (another
    database, in memory, options or escapes in the URL: SQLAlchemy reads those)."""
    prefix = "sqlite:///"
    if not url.startswith(prefix) or any(sign in url for sign in "?#%"):
        return None
    name = url[len(prefix) :]
    return None if not name or name == ":memory:" else Path(name)


def check_file(shown: str, path: Path, *, create: bool) -> None:
    """A database file kivo may open: not a folder, in a folder that exists, and (unless
    ``create``) already there: a typo in a path must not become a new database."""
    if path.is_dir():
        raise unavailable(shown, "it is a folder, not a database file")
    if not create and not path.exists():
        raise NotInitialised(
            f"there is no database at {path}: run `kivo init` (or check --database)", found=None
        )
    if not path.parent.is_dir():
        raise unavailable(
            shown, f"the folder {path.parent} does not exist (kivo does not create folders)"
        )


def unavailable(shown: str, reason: str) -> DatabaseUnavailable:
    return DatabaseUnavailable(
        f"cannot open the database {shown}: {reason}", database=shown, reason=reason
    )


def reason_of(error: BaseException) -> str:
    """What a driver said, as the reason a person reads."""
    text = str(getattr(error, "orig", None) or error)
    for clue, reason in REASONS:
        if re.search(clue, text, re.IGNORECASE):
            return reason
    if isinstance(error, ImportError):
        return (
            f"its driver {error.name or ''} is not installed: "
            "in kivo's source folder, pip install '.[postgres]'"
        )
    lines = text.strip().splitlines()
    return f"{type(error).__name__}: {lines[0] if lines else ''}".rstrip(": ")


def connect(url: str, path: Path) -> sqlite3.Connection:
    """A configured connection to an existing database file; what the driver raises is
    ``DatabaseUnavailable`` with its reason."""
    check_file(url, path, create=False)
    try:
        connection = sqlite3.connect(path, check_same_thread=False)
        try:
            configure(connection)
        except BaseException:
            connection.close()
            raise
    except sqlite3.Error as error:
        raise unavailable(url, reason_of(error)) from None
    return connection


def revision(connection: Any) -> str | None:
    """The schema's Alembic revision (``None``: no kivo schema), in one ``SELECT``."""
    try:
        row = connection.execute(VERSION_QUERY).fetchone()
    except sqlite3.OperationalError as error:
        if "no such table" in str(error).lower():
            return None
        raise
    return None if row is None else str(row[0])


def schema_revision(url: str, path: Path) -> str | None:
    """Open the file, read its revision, close it."""
    connection = connect(url, path)
    try:
        return revision(connection)
    except sqlite3.Error as error:
        raise unavailable(url, reason_of(error)) from None
    finally:
        connection.close()
