"""The CLI's language: ``KIVO_LANG``, else the POSIX locale (``LANG`` …), English when
neither names a language kivo has. Rule sentences, refusal heads and step names are
rendered here from the catalogue; a hint names the option or command to give."""

from __future__ import annotations

import os
from functools import cache

from pathway import language, sentences
from states.errors import InvalidInput, quoted
from states.messages import Message
from states.steps import Step
from states.violations import Violation


def checked_language() -> str:
    """The language of this run; a ``KIVO_LANG`` kivo does not have is bad input."""
    wanted = os.environ.get("KIVO_LANG", "")
    if wanted and not language.is_language(wanted):
        raise InvalidInput(
            f"KIVO_LANG={quoted(wanted)} is not a language kivo has: "
            f"give one of {', '.join(language.LANGUAGES)}",
            field="KIVO_LANG",
        )
    return current()


@cache
def current() -> str:
    return language.from_environment()


def say(message: Message) -> str:
    return sentences.say(current(), message)


def violation_text(violation: Violation) -> str:
    return sentences.violation_text(current(), violation)


def step_name(step: Step) -> str:
    return sentences.step_name(current(), step)


def step_in_sentence(step: Step) -> str:
    return sentences.step_in_sentence(current(), step)


def text(msgid: str) -> str:
    """A catalogue text (a follow-up title, say) in the CLI's language; one the catalogue
    does not have (an organisation's own title) as it was written."""
    return language.text(current(), msgid)
