"""The CLI's language: ``KIVO_LANG``, else the POSIX locale (``LANG`` …), English when
neither names a language kivo has. Rule sentences, refusal heads and step names are
rendered here from the catalogue; a hint names the option or command to give. The
catalogue (``pathway``) is imported only when something is said, so ``kivo --help``
stays light. Help texts and ``--json`` stay English: they are the CLI's interface."""

from __future__ import annotations

import os
from collections.abc import Mapping
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


def words(template: str, **params: object) -> str:
    """A CLI text (marked ``N_`` where it is written) in the CLI's language, its
    ``{fields}`` filled; in English exactly the template filled."""
    from pathway import language

    return language.render(current(), template, params)


def count_words(forms: tuple[str, str], count: int, **params: object) -> str:
    """A counted CLI text (marked ``NP_``) in the form ``count`` takes in the CLI's
    language ("1 ärende", "2 ärenden"), its ``{count}`` and other fields filled."""
    from pathway import language

    return language.render_counted(current(), forms, count, {"count": count, **params})


def columns(*names: str) -> list[str]:
    """A table's column names in the CLI's language."""
    return [words(name) for name in names]


def _named(table: Mapping[str, str], key: str | None) -> str | None:
    """A stored word (an event kind, a status) as the CLI says it: the key itself in
    English, which the CLI accepts back; the catalogue's text in another language."""
    if key is None or current() == "en" or key not in table:
        return key
    return text(table[key])


def event_name(kind: str) -> str:
    from states.words import EVENTS

    return _named(EVENTS, kind) or kind


def status_name(status: str) -> str:
    from states.words import STATUSES

    return _named(STATUSES, status) or status


def outcome_name(outcome: str | None) -> str | None:
    from states.words import OUTCOMES

    return _named(OUTCOMES, outcome)


def gender_name(gender: str) -> str:
    from states.words import GENDERS

    return _named(GENDERS, gender) or gender


def followup_words(kind: str, status: str) -> tuple[str, str]:
    """A follow-up's kind and status as the CLI says them."""
    from states.words import FOLLOWUP_KINDS, FOLLOWUP_STATUSES

    return _named(FOLLOWUP_KINDS, kind) or kind, _named(FOLLOWUP_STATUSES, status) or status


def finding_name(finding: str) -> str:
    from states.words import FINDINGS

    return _named(FINDINGS, finding) or finding


def state_name(state: str | None) -> str | None:
    """A case's state: a step by its number and name ("1 Tydligare information om
    yrket") outside English, where the slug stays as the CLI takes it."""
    if state is None or current() == "en":
        return state
    from states.steps import Step
    from states.words import STATES

    step = next((s for s in Step if s.slug == state), None)
    return step_in_sentence(step) if step is not None else _named(STATES, state)
