"""One base exception with a stable ``code``; entry points map codes to exit codes.

Every error carries its parameters so that the sentence shown to a person can later be
rendered in Swedish as well as English.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

from states.messages import N_, Message


def quoted(text: str) -> str:
    """Echo user input in a message, unless it may be a personnummer or is very long."""
    if sum(char.isdigit() for char in text) >= 9:  # a date has 8 digits, a personnummer 10+
        return "(value not shown: it may be personal data)"
    return repr(text if len(text) <= 40 else text[:37] + "...")


class KivoError(Exception):
    """Base of every error kivo raises on purpose. Given a ``Message`` (an ``N_``-marked
    template with its parameters), the error keeps it as ``said`` for each entry point to
    render in its reader's language; ``message`` is always its English."""

    code = "error"
    said: Message | None = None

    def __init__(self, message: str | Message, **params: Any) -> None:
        if isinstance(message, Message):
            self.said = message
            message = message.english()
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

    @classmethod
    def with_id(cls, what: str, id: object) -> Self:
        """ "no case with id 9" from the catalogue: one sentence per kind of record."""
        return cls(Message(UNKNOWN_ID[what], {"id": id}), what=what, id=id)


UNKNOWN_ID = {
    "case": N_("no case with id {id}"),
    "caseworker": N_("no caseworker with id {id}"),
    "employer contact": N_("no employer contact with id {id}"),
    "event": N_("no event with id {id}"),
    "follow-up": N_("no follow-up with id {id}"),
    "meeting": N_("no meeting with id {id}"),
    "person": N_("no person with id {id}"),
    "place": N_("no place with id {id}"),
    "placement": N_("no placement with id {id}"),
    "proposal": N_("no proposal with id {id}"),
    "record": N_("no record with id {id}"),
    "reminder": N_("no reminder with id {id}"),
    "supervisor": N_("no supervisor with id {id}"),
    "supervisor course": N_("no supervisor course with id {id}"),
    "supervisor training": N_("no supervisor training with id {id}"),
    "workplace": N_("no workplace with id {id}"),
}
"""What ``NotFound.with_id`` says for each kind of record."""


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
