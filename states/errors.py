"""One base exception with a stable ``code``; entry points map codes to exit codes.

Every error carries its parameters so that the sentence shown to a person can later be
rendered in Swedish as well as English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def quoted(text: str) -> str:
    """Echo user input in a message, unless it may be a personnummer or is very long."""
    if sum(char.isdigit() for char in text) >= 9:  # a date has 8 digits, a personnummer 10+
        return "(value not shown: it may be personal data)"
    return repr(text if len(text) <= 40 else text[:37] + "...")


class KivoError(Exception):
    """Base of every error kivo raises on purpose."""

    code = "error"

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message)
        self.message = message
        self.params = params

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, **self.params}


class InvalidInput(KivoError):
    """Input that can never be right: unknown step, malformed date, bad personnummer."""

    code = "invalid-input"


def read_settings_file(path: Path, error: type[InvalidInput], what: str) -> str:
    """The text of an organisation's settings file (rules, programmes); one it cannot
    read, or that is not UTF-8 text, is ``error``, naming the file and why."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise error(f"cannot read {what} {path}: {exc.strerror}", file=str(path)) from None
    try:
        return data.decode("utf-8-sig")  # Notepad starts UTF-8 with a BOM
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise error(
            f"{what} {path}: line {line} is not UTF-8 text: save the file as UTF-8",
            file=str(path),
            line=line,
        ) from None


class RulesFileError(InvalidInput):
    """An organisation's rules file that does not validate."""

    code = "invalid-rules"


class NotFound(KivoError):
    """A case, person, caseworker, workplace or supervisor that does not exist."""

    code = "not-found"


class Conflict(KivoError):
    """Someone else changed the same case first; the caller may reload and retry."""

    code = "conflict"


class NotInitialised(KivoError):
    """The database has no kivo schema, or an older one: run ``kivo init``."""

    code = "not-initialised"


class DatabaseUnavailable(KivoError):
    """The database cannot be opened at all: no server answers, the server has no such
    database, the file is not a database or is a folder, the scheme is not supported."""

    code = "database-unavailable"


class UnknownActor(NotFound):
    """``--by``/``KIVO_ACTOR`` names no caseworker."""

    code = "unknown-actor"


class InactiveActor(InvalidInput):
    """``--by``/``KIVO_ACTOR`` names a caseworker who is no longer active."""

    code = "inactive-actor"
