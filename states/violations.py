"""What a rule says about a move: a stable code, a sentence, and how much it weighs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from states.messages import Message


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule's objection; ``overridable`` is false for the path's own structure.

    ``message`` is the English sentence as the CLI prints it; ``said`` is the same
    sentence as a template and its parameters, for an entry point to render in its
    reader's language (``None`` for a sentence not yet in the catalogue)."""

    code: str
    message: str
    severity: Severity = Severity.BLOCKING
    overridable: bool = True
    params: dict[str, Any] = field(default_factory=dict)
    said: Message | None = field(default=None, compare=False, repr=False)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    @property
    def template(self) -> str:
        return self.said.template if self.said is not None else self.message

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "severity": self.severity.value,
            "overridable": self.overridable,
            **({"params": self.params} if self.params else {}),
        }


def violation(
    code: str,
    said: Message,
    severity: Severity = Severity.BLOCKING,
    overridable: bool = True,
) -> Violation:
    """A violation whose sentence comes from the catalogue."""
    return Violation(code, said.english(), severity, overridable, said=said)


def structural(code: str, message: str | Message, **params: Any) -> Violation:
    """A refusal by the path itself; no override can lift it."""
    said = message if isinstance(message, Message) else None
    text = message.english() if isinstance(message, Message) else message
    return Violation(code, text, Severity.BLOCKING, overridable=False, params=params, said=said)
