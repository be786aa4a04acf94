"""The ``kivo`` application: global options and the command groups.

Only Typer is imported at start-up. The command modules are imported when their command
is asked for (``cli/lazy.py``: ``kivo --help`` lists them from a static table), and
SQLModel, Alembic and transitions inside the commands that need them.
"""

from __future__ import annotations

import io
import sys
from typing import Annotated, NoReturn

import typer

from cli.context import Settings
from cli.lazy import LazyGroup

app = typer.Typer(
    name="kivo",
    help="Case management for the nine-step KIVO inclusion path.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    cls=LazyGroup,
)


DISTRIBUTION = "kivo-path"  # pyproject.toml's [project] name ("kivo" on the index is not us)


def _print_version(asked: bool) -> None:
    """``kivo --version``: the installed version, from the package metadata."""
    if not asked:
        return
    from importlib.metadata import PackageNotFoundError, version

    for name in (DISTRIBUTION, "kivo"):  # "kivo": a checkout installed before the rename
        try:
            print(f"kivo {version(name)}")
            break
        except PackageNotFoundError:
            continue
    else:
        print("kivo (version unknown: not installed as a package)")
    raise typer.Exit()


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
    programmes: Annotated[
        str | None,
        typer.Option(
            "--programmes",
            envvar="KIVO_PROGRAMMES",
            help="Programmes catalogue (TOML) to use instead of the shipped one.",
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            callback=_print_version,
            is_eager=True,
            expose_value=False,
            help="Print kivo's version and exit.",
        ),
    ] = False,
) -> None:
    ctx.obj = Settings(database, rules, now, programmes)


def main() -> None:
    """Run the app; usage errors honour ``--json`` too (one JSON document, exit 2)."""
    _check_language()
    try:
        code = app(standalone_mode=False)
    except typer.Abort:
        print("Aborted.", file=sys.stderr)
        sys.exit(1)
    except typer.TyperException as error:  # Click's usage errors, as vendored by Typer
        _show_usage_error(error)
        sys.exit(getattr(error, "exit_code", 2))
    except OSError as error:  # e.g. a file name the system refuses, met by a Path check
        from states.errors import quoted

        problem = error.strerror or type(error).__name__
        _report("os-error", f"{problem}: {quoted(str(error.filename or ''))}")
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


GC_THRESHOLD = 50_000
"""Allocations between two young-generation collections while the ``kivo`` command runs
(Python's default is 700): importing SQLAlchemy, SQLModel and pydantic allocates
hundreds of thousands of objects that live to the end, and collecting every 700 of them
is CPU spent for nothing. Collections still happen, only less often."""


def script() -> NoReturn:
    """The ``kivo`` command: ``main``, then a quick exit. A one-shot command has nothing
    left to do once its output is flushed and its ``atexit`` functions have run, but
    Python's finalization still tears down every module and object it imported (about
    0.1 s of CPU after a command that read the database); ``os._exit`` skips that. The
    normal exit is kept whenever something else may still be running (another thread)
    or the output cannot be flushed (a closed pipe)."""
    import gc

    gc.set_threshold(GC_THRESHOLD, *gc.get_threshold()[1:])
    code: str | int | None = 0
    try:
        main()
    except SystemExit as done:
        code = done.code
    if not isinstance(code, int) or not _flushed():
        sys.exit(code)
    import threading

    if threading.active_count() > 1:
        sys.exit(code)
    import atexit
    import os

    atexit._run_exitfuncs()
    if "logging" in sys.modules:
        sys.modules["logging"].shutdown()
    _flushed()
    os._exit(code)


def _flushed() -> bool:
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (OSError, ValueError):
        return False
    return True


def _show_usage_error(error: typer.TyperException) -> None:
    """Click echoes the offending word; anything written like a personnummer is masked."""
    from states.personnummer import redact

    if type(error).__name__ != "NoArgsIsHelpError" and "--json" in sys.argv[1:]:
        from cli.output import print_json

        print_json({"error": {"code": "usage", "message": redact(error.format_message())}})
    shown = io.StringIO()
    error.show(file=shown)  # type: ignore[attr-defined]
    from states.text import shown as safe

    sys.stderr.write(redact(safe(shown.getvalue())))


def _check_language() -> None:
    """A ``KIVO_LANG`` kivo does not have is refused before anything runs (exit 2)."""
    from cli.speech import check_language
    from states.errors import InvalidInput

    try:
        check_language()
    except InvalidInput as error:
        _report(error.code, error.message)
        sys.exit(2)


def _report(code: str, message: str) -> None:
    from states.personnummer import redact
    from states.text import shown

    message = redact(shown(message))
    if "--json" in sys.argv[1:]:
        from cli.output import print_json

        print_json({"error": {"code": code, "message": message}})
    print(f"error: {message}", file=sys.stderr)
