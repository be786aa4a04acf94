"""Templates, with what every page needs: the texts, the CSRF token, who is signed in."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, pass_context, select_autoescape
from jinja2.runtime import Context

from pathway import language
from pathway.clock import LOCAL
from states.messages import Message
from states.personnummer import redact
from states.text import shown
from states.violations import Violation
from web import page_language
from web.messages import message_text, violation_text
from web.security import CSRF_FIELD, csrf_token

TEMPLATES = Path(__file__).parent / "templates"
FLASH_KEY = "flash"


@cache
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals.update(csrf_field=CSRF_FIELD)
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    env.filters["safe_text"] = _safe_text
    env.filters["rule_text"] = _rule_text
    env.filters["translated"] = _translated
    return env


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe_text(value: str | None) -> str:
    """Text from the database or the person as shown on a page: control characters made
    visible, anything written like a personnummer masked (autoescaping does the HTML)."""
    return redact(shown(value)) if value else ""


@pass_context
def _rule_text(context: Context, value: Violation | Message | str | None) -> str:
    """A rule's or an error's sentence on a page: safe, and naming fields, not options.
    A violation is said from the catalogue in the page's language (``web.messages``); a
    bare sentence is shown with the options it names as the form's fields."""
    lang = context.get("lang", page_language.DEFAULT)
    if isinstance(value, Violation):
        return _safe_text(violation_text(value, lang))
    if isinstance(value, Message):
        return _safe_text(message_text(value, lang))
    return page_language.page_hint(lang, _safe_text(value))


@pass_context
def _translated(context: Context, value: str | None) -> str:
    """A text stored in English (a default follow-up's title, a programme's name) in the
    page's language; a text the catalogue does not know stays as it is."""
    return language.text(context.get("lang", page_language.DEFAULT), value) if value else ""


def page(
    request: Request,
    template: str,
    status: int = 200,
    **context: Any,
) -> HTMLResponse:
    from web.auth import optional_caseworker

    user = context.pop("user", None)
    if user is None and "caseworker_id" in request.session:
        user = optional_caseworker(request)
    flash = request.session.pop(FLASH_KEY, None)
    lang = page_language.of_request(request)
    body = (
        environment()
        .get_template(template)
        .render(
            request=request,
            user=user,
            csrf=csrf_token(request),
            flash=flash,
            here=request.url.path,
            **{**page_language.page_globals(lang), **context},
        )
    )
    return HTMLResponse(body, status_code=status, headers={"Content-Language": lang})


def render_error(
    request: Request, status: int, detail: str | Message | None = None
) -> HTMLResponse:
    """A clear page in the reader's language (Swedish by default); never a traceback."""
    lang = page_language.of_request(request)
    t = page_language.texts_in(lang)
    message = getattr(t, f"error_{status}", t.error_500)
    try:
        return page(request, "error.html", status, message=message, detail=detail)
    except Exception:  # the error page itself must not fail: a plain page then
        body = (
            f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8"><title>'
            f"{t.error_title}</title></head><body><main><h1>"
            f"{t.error_title}</h1><p>{message}</p></main></body></html>"
        )
        return HTMLResponse(body, status_code=status)


def flash(request: Request, message: str) -> None:
    """A message shown once, on the page the redirect after a post leads to."""
    request.session[FLASH_KEY] = message
