"""The CLI's language: ``KIVO_LANG``, else the POSIX locale (``LANG`` …), English when
neither names a language kivo has. Rule sentences, refusal heads and step names are
rendered here from the catalogue; a hint names the option or command to give. The
catalogue (``pathway``) is imported only when something is said, so ``kivo --help``
stays light."""

from __future__ import annotations

import os
from functools import cache
from typing import TYPE_CHECKING

from states.errors import InvalidInput, quoted
from states.languages import LANGUAGES, language_of

if TYPE_CHECKING:
    from states.messages import Message
    from states.steps import Step
    from states.violations import Violation


def check_language() -> None:
    """A ``KIVO_LANG`` kivo does not have is bad input."""
    wanted = os.environ.get("KIVO_LANG", "")
    if wanted and language_of(wanted) is None:
        raise InvalidInput(
            f"KIVO_LANG={quoted(wanted)} is not a language kivo has: "
            f"give one of {', '.join(LANGUAGES)}",
            field="KIVO_LANG",
        )


@cache
def current() -> str:
    from pathway import language

    return language.from_environment()


def say(message: Message) -> str:
    from pathway import sentences

    return sentences.say(current(), message)


def violation_text(violation: Violation) -> str:
    from pathway import sentences

    return sentences.violation_text(current(), violation)


def step_name(step: Step) -> str:
    from pathway import sentences

    return sentences.step_name(current(), step)


def step_in_sentence(step: Step) -> str:
    from pathway import sentences

    return sentences.step_in_sentence(current(), step)


def text(msgid: str) -> str:
    """A catalogue text (a follow-up title, say) in the CLI's language; one the catalogue
    does not have (an organisation's own title) as it was written."""
    from pathway import language

    return language.text(current(), msgid)
