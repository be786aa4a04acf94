"""The ``kivo`` application: global options and the command groups.

Only Typer is imported at start-up; SQLModel, Alembic and transitions are imported
inside the commands that need them, so ``kivo --help`` stays fast.
"""

from __future__ import annotations

from typing import Annotated

import typer

from cli import directory_commands, move_commands, participant_commands, setup_commands
from cli.context import Settings

app = typer.Typer(
    name="kivo",
    help="Case management for the nine-step KIVO inclusion path.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)


@app.callback()
def main_options(
    ctx: typer.Context,
    database: Annotated[
        str | None,
        typer.Option(
            "--database",
            "-d",
            envvar="KIVO_DATABASE_URL",
            help="Database URL (sqlite:///file.db, postgresql://…) or a SQLite file path. "
            "Default: kivo.db in your user data folder.",
        ),
    ] = None,
    rules: Annotated[
        str | None,
        typer.Option("--rules", envvar="KIVO_RULES", help="Rules file (TOML) to use."),
    ] = None,
    now: Annotated[
        str | None,
        typer.Option(
            "--now",
            envvar="KIVO_NOW",
            help="Pretend the time is this ISO date or datetime (simulations, tests).",
        ),
    ] = None,
) -> None:
    ctx.obj = Settings(database, rules, now)


setup_commands.register(app)
directory_commands.register(app)
participant_commands.register(app)
move_commands.register(app)


def main() -> None:
    app()
