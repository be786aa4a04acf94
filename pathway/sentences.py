"""A domain sentence rendered for one reader: a rule's ``Message`` (or a violation)
translated through the catalogue, its parameters filled in that language.

Every entry point renders through here and differs only in how it names a ``Hint``
(what the reader must give): the CLI names an option or a command, a page a field of its
form, the API a JSON key. A step is named by its number and, in Swedish, its Swedish
name; alternatives are joined by the language's "or"; a ``Message`` inside a message (a
clause of a sentence) is rendered the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pathway import language
from states.messages import N_, Alternatives, Hint, Message
from states.programmes import Programme
from states.steps import Step
from states.violations import Violation

HintNamer = Callable[[Hint], str]
OR = N_("or")  # joins alternatives: "5 or 6", "5 eller 6"


def cli_hint(hint: Hint) -> str:
    return hint.cli


def say(lang: str, message: Message, hint: HintNamer = cli_hint) -> str:
    """``message`` in ``lang``, a counted one in the form its number takes there;
    English comes out exactly as ``Message.english``."""
    params = {name: _param(lang, value, hint) for name, value in message.params.items()}
    if message.plural is None:
        return language.render(lang, message.template, params)
    forms = (message.template, message.plural)
    return language.render_counted(lang, forms, message.number, params)


def violation_text(lang: str, violation: Violation, hint: HintNamer = cli_hint) -> str:
    """A violation's sentence in ``lang``; one not from the catalogue stays as it was
    written (English) rather than being lost."""
    if violation.said is None:
        return language.text(lang, violation.message)
    return say(lang, violation.said, hint)


def step_name(lang: str, step: Step) -> str:
    """A step's name as a reader sees it: "Kort arbetspraktik", "Short work practice"."""
    return language.text(lang, step.label_en)


def programme_name(lang: str, programme: Programme) -> str:
    """A programme's name from the organisation's catalogue, which gives it in both
    languages (``name_sv``, ``name_en``): not from the message catalogue, where English
    names shared with steps ("Fixed-term employment": Visstidsanställning, the step;
    Särskild visstidsanställning, the programme) would need one Swedish text each."""
    return programme.name_sv if lang == "sv" else programme.name_en


def step_in_sentence(lang: str, step: Step) -> str:
    """A step inside a sentence: "2 short-practice" (the CLI's own words for it, which
    it accepts back), "2 Kort arbetspraktik" in Swedish."""
    if lang == language.SOURCE:
        return str(step)
    return f"{step.number} {step_name(lang, step)}"


def _param(lang: str, value: Any, hint: HintNamer) -> Any:
    if isinstance(value, Hint):
        return hint(value)
    if isinstance(value, Message):
        return say(lang, value, hint)
    if isinstance(value, Step):
        return step_in_sentence(lang, value)
    if isinstance(value, Alternatives):
        joined = f" {language.text(lang, OR)} "
        return joined.join(str(_param(lang, item, hint)) for item in value)
    return value
