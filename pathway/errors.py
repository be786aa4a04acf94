"""Refusals by the rules; the other errors live in ``states.errors``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from states.errors import KivoError
from states.messages import Message
from states.violations import Violation, structural


class Refused(KivoError):
    """The path or its rules refuse the move; every violated rule is named."""

    code = "refused"

    def __init__(
        self,
        message: str,
        violations: tuple[Violation, ...] | list[Violation],
        next_moves: list[dict[str, Any]] | None = None,
        said: Message | None = None,
    ) -> None:
        super().__init__(message)
        self.violations = tuple(violations)
        self.next_moves = next_moves or []
        self.said = said  # the message from the catalogue, for an entry point to render

    @classmethod
    def saying(
        cls,
        said: Message,
        violations: tuple[Violation, ...] | list[Violation],
        next_moves: list[dict[str, Any]] | None = None,
    ) -> Refused:
        """A refusal whose head comes from the catalogue (``message`` is its English)."""
        return cls(said.english(), violations, next_moves, said=said)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "message": self.message,
            "violations": [v.to_dict() for v in self.violations],
            "next": self.next_moves,
        }


class SignInRefused(KivoError):
    """No active caseworker answers to the identity the provider vouched for: none has
    that e-mail address (``reason`` unknown), the one who has is deactivated (inactive),
    or several have it (ambiguous)."""

    code = "sign-in-refused"


class NotPermitted(Refused):
    """The acting caseworker's role may not do this: only a coordinator may (exit 3 as a
    refusal; the web answers 403). Its one violation, ``coordinator-only``, says so, or
    ``violations`` name what a coordinator alone may lift (an override's rules)."""

    code = "not-permitted"

    def __init__(
        self,
        message: str | Message,
        *,
        violations: Sequence[Violation] = (),
        rule: Message | None = None,
        **params: Any,
    ) -> None:
        """``rule``, when given, is the ``coordinator-only`` rule's own sentence (a page
        shows the rules, and must not be told to give a CLI option); else the message."""
        said = message if isinstance(message, Message) else None
        text = message.english() if isinstance(message, Message) else message
        problems = list(violations) or [structural("coordinator-only", rule or message)]
        super().__init__(text, problems, said=said)
        self.params = params

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), **self.params}
