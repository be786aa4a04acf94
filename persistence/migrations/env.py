"""Alembic environment: kivo passes the connection in (see persistence.migrate)."""

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import persistence.tables  # noqa: F401  (registers the tables on the metadata)

config = context.config


def run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=SQLModel.metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


connection = config.attributes.get("connection")
if connection is None:
    raise RuntimeError("kivo runs its migrations through persistence.migrate")
run(connection)
