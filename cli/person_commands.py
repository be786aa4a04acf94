"""``kivo person``: what kivo holds about a person, and erasing it on request."""

from __future__ import annotations

import typer

from cli.erase_commands import person_erase

person_app = typer.Typer(
    help="A person's own data: erase it on request (GDPR article 17).",
    no_args_is_help=True,
)
person_app.command("erase")(person_erase)


def register(app: typer.Typer) -> None:
    """Add the ``person`` group to the app."""
    app.add_typer(person_app, name="person")
