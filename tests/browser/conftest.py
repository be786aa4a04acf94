"""Browser tests: Playwright for Python driving the operating system's Chromium
(``/usr/bin/chromium``, Debian's ``chromium`` package; never a downloaded browser),
one browser per test session, a fresh context per test, and web apps served by uvicorn
on 127.0.0.1 in a thread of the test process — or, for ``test_served_workspace``, the
installed ``kivo serve`` in a process of its own (``served``, once per session).

Without Chromium (or Node.js for the test OpenID provider) the tests are skipped on a
developer's machine and fail under CI (``CI=true``), where ``.ci/run`` installs both.
"""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn
from fastapi import FastAPI
from playwright.sync_api import Browser, Page, sync_playwright

from tests.browser.served import served  # noqa: F401 (fixture: kivo serve, once a session)
from tests.oidc.provider import (  # noqa: F401 (fixtures)
    needs,
    openid_provider,
    signed_kivo,
    web_port,
    web_socket,
)

CHROMIUM = Path(os.environ.get("KIVO_TEST_CHROMIUM", "/usr/bin/chromium"))
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Chromium, launched once for the session."""
    if not CHROMIUM.exists():
        needs(f"the browser tests need Chromium at {CHROMIUM} (apt-get install chromium)")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a context of its own (no cookies from other tests), Swedish first."""
    context = browser.new_context(locale="sv-SE")
    context.set_default_timeout(15_000)
    try:
        yield context.new_page()
    finally:
        context.close()


@dataclass(frozen=True)
class LiveServer:
    url: str  # http://127.0.0.1:<port>, no trailing slash


@contextmanager
def live_server(app: FastAPI, listening: socket.socket) -> Iterator[LiveServer]:
    """Serve ``app`` with uvicorn on the ``listening`` socket (``web_socket``) in a thread
    until the block ends; the socket stays open for the next server."""
    host, port = listening.getsockname()[:2]
    config = uvicorn.Config(app, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening.dup()]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the test web server did not start on {host}:{port}")
        time.sleep(0.02)
    try:
        yield LiveServer(f"http://{host}:{port}")
    finally:
        server.should_exit = True
        thread.join(10)
