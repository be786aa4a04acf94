"""What a rule says about a move: a stable code, a sentence, and how much it weighs."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Severity(StrEnum):
    BLOCKING = "blocking"
    WARNING = "warning"


@dataclass(frozen=True, slots=True)
class Violation:
    """One rule's objection; ``overridable`` is false for the path's own structure."""

    code: str
    message: str
    severity: Severity = Severity.BLOCKING
    overridable: bool = True
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def blocking(self) -> bool:
        return self.severity is Severity.BLOCKING

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "severity": self.severity.value,
            "overridable": self.overridable,
            **({"params": self.params} if self.params else {}),
        }


def structural(code: str, message: str, **params: Any) -> Violation:
    """A refusal by the path itself; no override can lift it."""
    return Violation(code, message, Severity.BLOCKING, overridable=False, params=params)
