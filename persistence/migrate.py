"""Schema migrations with Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from importlib import resources
from typing import TYPE_CHECKING

from persistence.driver import VERSION_QUERY
from states.errors import NotInitialised

if TYPE_CHECKING:  # SQLite's schema check runs on the bare driver (persistence.driver)
    from sqlalchemy import Engine
    from sqlalchemy.exc import DBAPIError

VERSION_TABLE = "alembic_version"


def _config(connection: object) -> object:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(resources.files("persistence") / "migrations"))
    config.attributes["connection"] = connection
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; running it again is a no-op."""
    from alembic import command

    with engine.begin() as connection:
        command.upgrade(_config(connection), revision)  # type: ignore[arg-type]


def downgrade(engine: Engine, revision: str) -> None:
    from alembic import command

    with engine.begin() as connection:
        command.downgrade(_config(connection), revision)  # type: ignore[arg-type]


def head_revision() -> str:
    from alembic.script import ScriptDirectory

    script = ScriptDirectory.from_config(_config(None))  # type: ignore[arg-type]
    head = script.get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The schema's revision, ``None`` without Alembic's table: one ``SELECT``, the check
    every command makes before it works (no catalogue look-up first)."""
    from sqlalchemy.exc import DBAPIError

    with engine.connect() as connection:
        try:
            row = connection.exec_driver_sql(VERSION_QUERY).first()
        except DBAPIError as error:
            if _no_such_table(error):
                return None
            raise
    return None if row is None else str(row[0])


def _no_such_table(error: DBAPIError) -> bool:
    """SQLite's "no such table", PostgreSQL's undefined_table (SQLSTATE 42P01)."""
    found = error.orig
    return getattr(found, "sqlstate", None) == "42P01" or "no such table" in str(found).lower()


def require_current(engine: Engine, expected: str) -> None:
    """Refuse to work on a database that is not at the schema this code expects."""
    require_revision(current_revision(engine), expected)


def require_revision(found: str | None, expected: str) -> None:
    """``found`` must be ``expected``: else the database needs ``kivo init``."""
    if found != expected:
        state = "has no kivo schema" if found is None else f"is at schema {found}"
        raise NotInitialised(
            f"the database {state}, this kivo expects {expected}: run `kivo init`",
            found=found,
            expected=expected,
        )


SCHEMA_HEAD = "0019"
"""The revision this code expects; a test checks it against Alembic's head."""
