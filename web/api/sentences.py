"""Rule sentences as the API says them: in the language of the request's
``Accept-Language`` (English when it names neither), a hint naming the JSON key to send
(or, for what another call records, that call)."""

from __future__ import annotations

from pathway import language, sentences
from states.messages import Hint
from states.violations import Violation

CALLS = {
    "consent": "POST /api/v1/cases/{case_id}/consent",
    "meeting_held": "POST /api/v1/cases/{case_id}/meetings/{meeting_id}/record",
    "programmes": "GET /api/v1/programmes",
    "placement": "POST /api/v1/cases/{case_id}/placement",
}
"""Hints met by another call than the one refused; any other hint is a JSON key."""


def api_hint(hint: Hint) -> str:
    return CALLS.get(hint.name, hint.name)


def language_of(accept_language: str | None) -> str:
    return language.negotiate(accept_language, default="en")


def violation_text(violation: Violation, lang: str) -> str:
    return sentences.violation_text(lang, violation, api_hint)
