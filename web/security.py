"""The CSRF token, the response headers every page carries, the body-size limit and the
access log: the parts of the server that hold for every request."""

from __future__ import annotations

import hmac
import json
import logging
import secrets
import time
from typing import TYPE_CHECKING, Any

from fastapi import HTTPException, Request

if TYPE_CHECKING:
    from starlette.types import ASGIApp, Message, Receive, Scope, Send

CSRF_SESSION_KEY = "csrf"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
MAX_BODY_BYTES = 1_000_000
"""Forms are small; an upload (import, later) sets its own, larger limit."""

HEADERS = {
    # No inline script and nothing from elsewhere; htmx's own indicator style is off
    # (``htmx-config`` in the page), so no inline style is needed either.
    "content-security-policy": "default-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "no-referrer",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}

access_log = logging.getLogger("kivo.web.access")


def csrf_token(request: Request) -> str:
    """The session's token (made on first use): put in every form and in the page's meta."""
    token = request.session.get(CSRF_SESSION_KEY)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        request.session[CSRF_SESSION_KEY] = token
    return token


async def require_csrf(request: Request) -> None:
    """A state-changing request from a browser session must carry the session's token,
    as the ``X-CSRF-Token`` header (htmx, fetch) or the form's hidden field: else 403."""
    if request.method in SAFE_METHODS:
        return
    expected = request.session.get(CSRF_SESSION_KEY)
    given = request.headers.get(CSRF_HEADER)
    if given is None and _is_form(request):
        value = (await request.form()).get(CSRF_FIELD)
        given = value if isinstance(value, str) else None
    if not isinstance(expected, str) or given is None or not hmac.compare_digest(given, expected):
        raise HTTPException(status_code=403, detail="csrf")


def _is_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "")
    return kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))


class TooLarge(Exception):
    """The request's body is over the limit (answered 413)."""


class Guard:
    """ASGI middleware: the security headers on every response, a body-size limit, and
    one access-log line per request (method, route, status, time; never the query
    string, which may carry what someone typed)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        max_body: int = MAX_BODY_BYTES,
        larger: dict[str, int] | None = None,
    ) -> None:
        self.app = app
        self.max_body = max_body
        self.larger = larger or {}  # path -> its own limit (an upload's)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}
        limit = self.larger.get(scope.get("path", ""), self.max_body)
        declared = _content_length(scope)
        if declared is not None and declared > limit:
            await _too_large(send, json_answer=scope.get("path", "").startswith("/api/"))
            self._log(scope, 413, started)
            return
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    raise TooLarge
            return message

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
                headers = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                for name, value in HEADERS.items():
                    if name.encode() not in present:
                        headers.append((name.encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted, with_headers)
        finally:
            self._log(scope, status["code"], started)

    def _log(self, scope: Scope, status: int, started: float) -> None:
        route = scope.get("route")
        line: dict[str, Any] = {
            "method": scope.get("method"),
            "route": getattr(route, "path", None) or _path_shape(scope.get("path", "")),
            "status": status,
            "ms": round((time.perf_counter() - started) * 1000, 1),
        }
        session = scope.get("session")
        if isinstance(session, dict) and isinstance(session.get("caseworker_id"), int):
            line["caseworker_id"] = session["caseworker_id"]
        access_log.info(json.dumps(line, ensure_ascii=False))


def _path_shape(path: str) -> str:
    """A path no route matched: a static file's own, else nothing of what was typed into
    the address (it could be anything)."""
    return path if path.startswith("/static/") and path.isascii() else "(no route)"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


async def _too_large(send: Send, *, json_answer: bool = False) -> None:
    """413, as a page, or for the JSON API (``json_answer``) as its errors are."""
    from web.page_language import current, texts

    if json_answer:
        kind = b"application/json"
        body = json.dumps({"code": "too-large", "message": "the request body is too large"})
    else:
        kind = b"text/html; charset=utf-8"
        body = (
            f'<!doctype html><html lang="{current()}"><head><meta charset="utf-8">'
            f"<title>{texts.error_title}</title></head><body><main><h1>{texts.error_title}</h1>"
            f"<p>{texts.error_413}</p></main></body></html>"
        )
    encoded = body.encode()
    headers = [
        (b"content-type", kind),
        (b"content-length", str(len(encoded)).encode()),
        *((name.encode(), value.encode()) for name, value in HEADERS.items()),
    ]
    await send({"type": "http.response.start", "status": 413, "headers": headers})
    await send({"type": "http.response.body", "body": encoded})
