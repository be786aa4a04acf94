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
from states.messages import Message
from states.steps import Step
from states.violations import Violation

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
    if error.code in ("refused", "not-permitted"):  # by the rules, or by the actor's role
        return REFUSED
    return FAILED


def reports_errors(command: Callable[P, T]) -> Callable[P, T]:
    """Turn a ``KivoError`` into a clear message and its exit code, never a traceback."""

    @functools.wraps(command)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> T:
        try:
            refuse_unsafe_text(kwargs)
            return command(*args, **kwargs)
        except KivoError as error:
            report(error, as_json=bool(kwargs.get("json_output")))
            raise typer.Exit(exit_code(error)) from None

    return wrapper


# Parameters whose text may run over several lines (a tab is allowed in every one).
MULTILINE = frozenset({"note", "notes", "text", "body", "reason", "override"})
# Names are checked by the domain itself, more strictly (``states.names``), with a
# message naming whose name it is.
CHECKED_BY_THE_DOMAIN = frozenset({"name", "employer"})


def refuse_unsafe_text(values: dict[str, Any]) -> None:
    """Every text a command was given (names, notes, reasons, titles …), checked before
    the command runs: one with a character a terminal acts on (an escape, a carriage
    return, a text-direction override …) is bad input naming the option, so it is never
    stored and never printed back later (``states.text``)."""
    from states.text import checked_text, unsafe_char

    for name, value in values.items():
        if name in CHECKED_BY_THE_DOMAIN:
            continue
        texts = value if isinstance(value, list | tuple) else [value]
        for text in texts:
            multiline = name in MULTILINE
            if isinstance(text, str) and unsafe_char(text, multiline=multiline):
                checked_text(text, _shown_name(name), multiline=multiline)


def _shown_name(name: str) -> str:
    """The option as typed (``--reason``) or the argument's metavar (``NAME``)."""
    from typer._click.globals import get_current_context  # Typer's own (vendored) Click

    context = get_current_context(silent=True)
    for param in context.command.params if context else ():
        if param.name == name:
            if param.param_type_name == "option":
                return max(param.opts, key=len)
            return str(getattr(param, "metavar", None) or name.upper())
    return name


def report(error: KivoError, *, as_json: bool) -> None:
    """The error on standard error (and as JSON with ``--json``). Anything written like a
    personnummer is masked here, the one exit of every error: a message may echo a file
    name or a value the person typed."""
    from cli.output import print_json
    from states.personnummer import redact as masked_only
    from states.text import shown

    def redact(text: str) -> str:
        return masked_only(shown(text))

    if as_json:
        print_json({"error": masked(error.to_dict(), redact)})
    for line in refusal_lines(error):
        print(redact(line), file=sys.stderr)


def refusal_lines(error: KivoError) -> list[str]:
    """The error's head and each violated rule, in the CLI's language (``cli.speech``);
    a head not from the catalogue stays as it was written."""
    from cli import speech
    from states.messages import N_

    said = getattr(error, "said", None)
    head = speech.say(said) if said is not None else speech.text(error.message)
    lines = [f"error: {head}"]
    for violation in getattr(error, "violations", ()):
        lines.append(violation_line(violation))
    moves: list[dict[str, Any]] = getattr(error, "next_moves", [])
    if moves:
        lines.append("  " + speech.text(N_("the case can advance now to:")))
        for move in moves:
            codes = ", ".join(n["code"] for n in move["needs"])
            needs = codes or speech.text(N_("nothing more"))
            step = speech.step_in_sentence(Step(move["step"]))
            lines.append(
                "    "
                + speech.say(Message(N_("{step} (needs: {needs})"), {"step": step, "needs": needs}))
            )
    return lines


def violation_line(violation: Violation) -> str:
    """``  - [code] (blocking) sentence``, in the CLI's language."""
    from cli import speech
    from states.messages import N_

    kind = speech.text(N_("blocking") if violation.blocking else N_("warning"))
    return f"  - [{violation.code}] ({kind}) {speech.violation_text(violation)}"


def masked(value: Any, redact: Callable[[str], str]) -> Any:
    """``value`` with every string in it (in dicts and lists too) passed through ``redact``."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: masked(item, redact) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [masked(item, redact) for item in value]
    return value
