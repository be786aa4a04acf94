"""Templates, with what every page needs: the texts, the CSRF token, who is signed in."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, FileSystemLoader, select_autoescape

from pathway.clock import LOCAL
from states.personnummer import redact
from states.text import shown
from states.violations import Violation
from web import texts as catalogue
from web.messages import violation_text
from web.place_texts import CONTACT_KIND_SV, PLACE_STATUS_SV, PROPOSAL_STATUS_SV
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
    env.globals.update(
        t=catalogue.texts,
        lang=catalogue.LANGUAGE,
        step_name=catalogue.step_name,
        state_name=catalogue.state_name,
        outcomes=catalogue.OUTCOMES_SV,
        findings=catalogue.FINDINGS_SV,
        meeting_outcomes=catalogue.MEETING_OUTCOMES_SV,
        events=catalogue.EVENT_SV,
        gender_names=catalogue.GENDER_SV,
        followup_statuses=catalogue.FOLLOWUP_STATUS_SV,
        csrf_field=CSRF_FIELD,
        place_statuses=PLACE_STATUS_SV,
        proposal_statuses=PROPOSAL_STATUS_SV,
        contact_kinds=CONTACT_KIND_SV,
    )
    env.filters["day"] = _day
    env.filters["moment"] = _moment
    env.filters["safe_text"] = _safe_text
    env.filters["rule_text"] = _rule_text
    return env


def _day(value: date | None) -> str:
    return value.isoformat() if value else ""


def _moment(value: datetime | None) -> str:
    return value.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if value else ""


def _safe_text(value: str | None) -> str:
    """Text from the database or the person as shown on a page: control characters made
    visible, anything written like a personnummer masked (autoescaping does the HTML)."""
    return redact(shown(value)) if value else ""


def _rule_text(value: Violation | str | None) -> str:
    """A rule's or an error's sentence on a page: safe, and naming fields, not options.
    A violation is said from the catalogue (``web.messages``); a bare sentence is English
    with its options named as fields."""
    if isinstance(value, Violation):
        return _safe_text(violation_text(value, "sv"))
    return catalogue.page_hint(_safe_text(value))


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
    body = (
        environment()
        .get_template(template)
        .render(
            request=request,
            user=user,
            csrf=csrf_token(request),
            flash=flash,
            **context,
        )
    )
    return HTMLResponse(body, status_code=status)


def render_error(request: Request, status: int, detail: str | None = None) -> HTMLResponse:
    """A clear page in Swedish for the status; never a traceback."""
    message = getattr(catalogue.texts, f"error_{status}", catalogue.texts.error_500)
    try:
        return page(request, "error.html", status, message=message, detail=detail)
    except Exception:  # the error page itself must not fail: a plain page then
        body = (
            f'<!doctype html><html lang="sv"><head><meta charset="utf-8"><title>'
            f"{catalogue.texts.error_title}</title></head><body><main><h1>"
            f"{catalogue.texts.error_title}</h1><p>{message}</p></main></body></html>"
        )
        return HTMLResponse(body, status_code=status)


def flash(request: Request, message: str) -> None:
    """A message shown once, on the page the redirect after a post leads to."""
    request.session[FLASH_KEY] = message
