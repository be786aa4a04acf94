"""The pages' language: Swedish by default, English by the browser's Accept-Language,
either one by the reader's own choice (a cookie set by the switch on every page).

The texts of a language are built once, from the catalogue (``pathway.language``), and
kept; a request only picks the set for its language."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from contextvars import ContextVar
from functools import cache, lru_cache, partial
from types import SimpleNamespace
from typing import Any
from urllib.parse import urlsplit

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from starlette.requests import HTTPConnection
from starlette.types import ASGIApp, Receive, Scope, Send

from pathway import language, sentences
from states.programmes import Programme
from states.steps import Step
from web import texts as source
from web.edit_texts import EDIT
from web.place_texts import CONTACT_KINDS, PLACE_STATUSES, PLACES, PROPOSAL_STATUSES

DEFAULT = "sv"
COOKIE = "kivo_lang"
COOKIE_MAX_AGE = 365 * 24 * 60 * 60
LANGUAGE_NAMES = {"sv": "Svenska", "en": "English"}
"""Each language named in itself, as a switch offers it."""
CURRENT: ContextVar[str] = ContextVar("page_language", default=DEFAULT)
"""The language of the request being served, for texts a handler words before the page
(a field's name in an error); set by ``PageLanguage``."""

TABLES = {
    "report_titles": source.REPORT_TITLES,
    "outcomes": source.OUTCOMES,
    "findings": source.FINDINGS,
    "meeting_outcomes": source.MEETING_OUTCOMES,
    "events": source.EVENTS,
    "gender_names": source.GENDERS,
    "followup_statuses": source.FOLLOWUP_STATUSES,
    "state_names": source.STATES,
    "why_names": source.WHY,
    "place_statuses": PLACE_STATUSES,
    "proposal_statuses": PROPOSAL_STATUSES,
    "contact_kinds": CONTACT_KINDS,
}


@lru_cache(maxsize=256)
def _negotiated(accept_language: str) -> str:
    return language.negotiate(accept_language, default=DEFAULT)


def chosen(cookies: Mapping[str, str], accept_language: str | None) -> str:
    """The reader's own choice if they made one, else what their browser asks for."""
    picked = cookies.get(COOKIE, "")
    if picked in language.LANGUAGES:
        return picked
    return _negotiated(accept_language or "")


def of_request(connection: HTTPConnection) -> str:
    return chosen(connection.cookies, connection.headers.get("accept-language"))


def current() -> str:
    return CURRENT.get()


class PageLanguage:
    """ASGI middleware: the request's language in ``CURRENT`` while it is served."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        token = CURRENT.set(of_request(HTTPConnection(scope)))
        try:
            await self.app(scope, receive, send)
        finally:
            CURRENT.reset(token)


@cache
def texts_in(lang: str) -> SimpleNamespace:
    """``t`` of the templates: every page text in ``lang``."""
    return SimpleNamespace(
        **{
            key: language.text(lang, msgid)
            for key, msgid in {**source.TEXTS, **PLACES, **EDIT}.items()
        }
    )


class _Current:
    """The page texts in the language of the request being served (``texts.key``)."""

    def __getattr__(self, key: str) -> str:
        value: str = getattr(texts_in(CURRENT.get()), key)
        return value


texts = _Current()


@cache
def table_in(lang: str, name: str) -> dict[str, str]:
    return {key: language.text(lang, msgid) for key, msgid in TABLES[name].items()}


@cache
def step_names(lang: str) -> dict[int, str]:
    return {step.number: sentences.step_name(lang, step) for step in Step}


@cache
def state_names(lang: str) -> dict[str, str]:
    """A case's states in words, worked out once: a list page names one on every row."""
    steps = step_names(lang)
    return {
        **table_in(lang, "state_names"),
        **{
            key: f"{step.number} {steps[step.number]}"
            for step in Step
            for key in (step.slug, str(step.number))
        },
    }


def step_name(lang: str, number: int | None) -> str:
    return step_names(lang)[number] if number else ""


def state_name(lang: str, state: str) -> str:
    return state_names(lang).get(state, state)


def programme_name(lang: str, programme: Programme) -> str:
    return sentences.programme_name(lang, programme)


def programme_options(lang: str, programmes: Iterable[Programme]) -> list[tuple[str, str]]:
    return [(p.code, f"{p.code} {programme_name(lang, p)}") for p in programmes]


def counted(lang: str, key: str, count: int, **params: object) -> str:
    """A text of ``COUNTED`` in the form ``count`` takes in ``lang``, filled: "1 ärende",
    "2 ärenden" (``counted('cases', n)`` in a template)."""
    return language.render_counted(lang, source.COUNTED[key], count, {"count": count, **params})


def in_language(lang: str, table: Mapping[str, str]) -> dict[str, str]:
    """A page's own small table of texts (key: English msgid) in ``lang``."""
    return {key: language.text(lang, msgid) for key, msgid in table.items()}


@cache
def _fields(lang: str) -> tuple[tuple[re.Pattern[str], str], ...]:
    return tuple(
        (re.compile(rf"{re.escape(option)}(?![\w-])"), language.text(lang, field))
        for option, field in source.FIELDS.items()
    )


def page_hint(lang: str, message: str) -> str:
    """A message as a page shows it: the options it names become the fields."""
    for option, field in _fields(lang):
        message = option.sub(field, message)
    return message


def same_site(back: str | None) -> str:
    """Where the switch may send the reader back to: a path of this site, else home."""
    if not back or not back.startswith("/") or back.startswith("//"):
        return "/"
    if "\\" in back or not back.isprintable():
        return "/"
    parts = urlsplit(back)
    return back if not (parts.scheme or parts.netloc) else "/"


def page_globals(lang: str) -> dict[str, Any]:
    """What every template may use, for the page's language."""
    return _page_globals(lang if lang in language.LANGUAGES else DEFAULT)


@cache
def _page_globals(lang: str) -> dict[str, Any]:
    return {
        "t": texts_in(lang),
        "lang": lang,
        "other_languages": [other for other in language.LANGUAGES if other != lang],
        "language_names": LANGUAGE_NAMES,
        "step_name": partial(step_name, lang),  # partials, not lambdas: a benchmark
        "state_name": partial(state_name, lang),  # pickles a page's context
        "programme_name": partial(programme_name, lang),
        "counted": partial(counted, lang),
        **{name: table_in(lang, name) for name in TABLES},
    }


router = APIRouter()


@router.get("/language/{code}")
def switch(code: str, request: Request, back: str | None = None) -> Response:
    """The switch on every page: remember the language and go back to the page, without
    JavaScript and without a form (it changes nothing but the reader's own cookie)."""
    if code not in language.LANGUAGES:
        raise HTTPException(status_code=404)
    response = RedirectResponse(same_site(back), status_code=303)
    response.set_cookie(
        COOKIE,
        code,
        max_age=COOKIE_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
    )
    return response
