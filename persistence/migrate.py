"""Schema migrations with Alembic, driven from code (no alembic.ini needed)."""

from __future__ import annotations

from importlib import resources

from sqlalchemy import Engine, inspect, text

from states.errors import NotInitialised

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
    with engine.connect() as connection:
        if not inspect(connection).has_table(VERSION_TABLE):
            return None
        row = connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).first()
    return None if row is None else str(row[0])


def require_current(engine: Engine, expected: str) -> None:
    """Refuse to work on a database that is not at the schema this code expects."""
    found = current_revision(engine)
    if found != expected:
        state = "has no kivo schema" if found is None else f"is at schema {found}"
        raise NotInitialised(
            f"the database {state}, this kivo expects {expected}: run `kivo init`",
            found=found,
            expected=expected,
        )


SCHEMA_HEAD = "0014_roles"
"""The revision this code expects; a test checks it against Alembic's head."""
