"""Domain errors become exit codes here, and only here."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

import typer

from states.errors import Conflict, InvalidInput, KivoError, NotFound, NotInitialised

P = ParamSpec("P")
T = TypeVar("T")

OK, FAILED, BAD_INPUT, REFUSED, NOT_FOUND, CONFLICT = 0, 1, 2, 3, 4, 5


def exit_code(error: KivoError) -> int:
    if isinstance(error, InvalidInput | NotInitialised):
        return BAD_INPUT
    if isinstance(error, NotFound):
        return NOT_FOUND
    if isinstance(error, Conflict):
        return CONFLICT
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
    from cli.output import print_json

    if as_json:
        print_json({"error": error.to_dict()})
    print(f"error: {error.message}", file=sys.stderr)
    for violation in getattr(error, "violations", ()):
        kind = "blocking" if violation.blocking else "warning"
        print(f"  - [{violation.code}] ({kind}) {violation.message}", file=sys.stderr)
    moves: list[dict[str, Any]] = getattr(error, "next_moves", [])
    if moves:
        print("  the case can advance now to:", file=sys.stderr)
        for move in moves:
            needs = ", ".join(n["code"] for n in move["needs"]) or "nothing more"
            print(f"    {move['step']} {move['slug']} (needs: {needs})", file=sys.stderr)
