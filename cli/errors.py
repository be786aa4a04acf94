"""Domain errors become exit codes here, and only here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer

from states.errors import (
    Conflict,
    DatabaseUnavailable,
    InvalidInput,
    KivoError,
    NotFound,
    NotInitialised,
)

P = ParamSpec("P")
T = TypeVar("T")

OK, FAILED, BAD_INPUT, REFUSED, NOT_FOUND, CONFLICT = 0, 1, 2, 3, 4, 5
NO_DATABASE = 7  # 6 is the doctor's "problems found" (cli/doctor_commands.py)


def exit_code(error: KivoError) -> int:
    if isinstance(error, InvalidInput | NotInitialised):
        return BAD_INPUT
    if isinstance(error, NotFound):
        return NOT_FOUND
    if isinstance(error, Conflict):
        return CONFLICT
    if isinstance(error, DatabaseUnavailable):
        return NO_DATABASE
    if error.code == "refused":
        return REFUSED
    return FAILED


def reports_errors(command: Callable[P, T]) -> Callable[P, T]:
    """Turn a ``KivoError`` into a clear message and its exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return command(*args, **kwargs)
        except KivoError as error:
            report(error, as_json=bool(kwargs.get("json_output")))
            raise typer.Exit(exit_code(error)) from None

    return wrapper


def report(error: KivoError, *, as_json: bool) -> None:
    """The error on standard error (and as JSON with ``--json``). Anything written like a
    personnummer is masked here, the one exit of every error: a message may echo a file
    name or a value the person typed."""
    from cli.output import print_json
    from states.personnummer import redact

    if as_json:
        print_json({"error": masked(error.to_dict(), redact)})
    print(f"error: {redact(error.message)}", file=sys.stderr)
    for violation in getattr(error, "violations", ()):
        kind = "blocking" if violation.blocking else "warning"
        print(f"  - [{violation.code}] ({kind}) {redact(violation.message)}", file=sys.stderr)
    moves: list[dict[str, Any]] = getattr(error, "next_moves", [])
    if moves:
        print("  the case can advance now to:", file=sys.stderr)
        for move in moves:
            needs = ", ".join(n["code"] for n in move["needs"]) or "nothing more"
            print(f"    {move['step']} {move['slug']} (needs: {needs})", file=sys.stderr)


def masked(value: Any, redact: Callable[[str], str]) -> Any:
    """``value`` with every string in it (in dicts and lists too) passed through ``redact``."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: masked(item, redact) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, redact) for item in value]
    return value
