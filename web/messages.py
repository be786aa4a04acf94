"""Rule sentences as a page says them: in the page's language, each hint naming the
field of the form (or the form) where the caseworker gives what is missing, never the
CLI's option. The Jinja filter ``rule_text`` (``web.render``) calls ``violation_text``."""

from __future__ import annotations

from collections.abc import Callable

from pathway import language, sentences
from states.messages import N_, Hint, Message
from states.violations import Violation

FIELDS = {
    "workplace": N_("the Workplace field"),
    "supervisor": N_("the Supervisor field"),
    "programme": N_("the Programme field"),
    "programmes": N_("the Programme field"),
    "steps": N_("the Step field"),
    "until": N_("the Planned end field"),
    "reason": N_("the Reason field"),
    "override": N_("the Override reason field"),
    "on": N_("the Date field"),
    "at": N_("the Date and time field"),
    "name": N_("the Name field"),
    "personnummer": N_("the Personnummer field"),
    "training_share": N_("the Training share field"),
    "extent": N_("the Extent field"),
    "permit_date": N_("the Residence permit date field"),
    "consent": N_("the Record consent form on the case page"),
    "meeting_held": N_("the Record meeting form on the case page"),
    "placement": N_("the placement's forms on the case page"),
}
"""What each hint is on a page: a field's label (or a form), as a catalogue text."""


def page_hint(lang: str) -> Callable[[Hint], str]:
    """The hint namer of a page in ``lang``; a hint without a field here is named by its
    domain name (still never the CLI's option)."""

    def name(hint: Hint) -> str:
        field = FIELDS.get(hint.name)
        return language.text(lang, field) if field else hint.name.replace("_", " ")

    return name


def violation_text(violation: Violation, lang: str) -> str:
    """A violation's sentence on a page in ``lang``."""
    return sentences.violation_text(lang, violation, page_hint(lang))


def message_text(message: Message, lang: str) -> str:
    """A domain sentence (a refusal's head, say) on a page in ``lang``."""
    return sentences.say(lang, message, page_hint(lang))
