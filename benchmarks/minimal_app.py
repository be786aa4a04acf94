"""The floor for start-up: a minimal Typer app with one option and one command."""

from __future__ import annotations

import typer

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None)


@app.callback()
def main_options(database: str | None = typer.Option(None, "--database")) -> None:
    """A minimal app."""


@app.command()
def hello(name: str) -> None:
    """Say hello."""
    print(f"hello {name}")


if __name__ == "__main__":
    app()
