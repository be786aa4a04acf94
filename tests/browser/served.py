"""``kivo serve`` as an operator starts it, once per test session: the installed command
in a process of its own on a free port of 127.0.0.1, its own SQLite database created and
filled by ``kivo demo``, the clock pinned by ``KIVO_NOW``, and sign-in through the test
OpenID provider (no ``--dev-login``).

Each demo caseworker signs in through the provider's login form once; later tests open
a browser context that carries the session cookie that sign-in left
(``Served.context``)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page

from pathway import directory
from pathway.bootstrap import bootstrap
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, TestProvider, free_port, start_provider

DEMO_NOW = "2026-03-02T09:00:00"
TODAY = DEMO_NOW[:10]
# The provider's login -> the e-mail of a caseworker ``kivo demo`` creates.
DEMO_ACCOUNTS = {
    "anna": "anna@demo.kivo.se",  # Anna Lindqvist, caseworker
    "karin": "samordnare@demo.kivo.se",  # Karin Samordnare, coordinator
}
SIGN_IN_LINK = "Logga in med organisationens konto"
# A workplace with a trained supervisor who has room, added beside the demo's.
WORKPLACE = "Gotlands snickeri"
SUPERVISOR = "Greta Handledare"


@dataclass
class Served:
    """The running ``kivo serve``: its address, what it printed, and sign-ins."""

    url: str
    env: dict[str, str]
    process: subprocess.Popen[str]
    provider: TestProvider
    out: list[str] = field(default_factory=list)
    states: dict[str, Any] = field(default_factory=dict)

    def access_log(self) -> list[dict[str, Any]]:
        """The JSON lines the server wrote to standard output so far."""
        return [json.loads(line) for line in list(self.out) if line.startswith("{")]

    def context(self, browser: Browser, login: str | None) -> BrowserContext:
        """A Swedish browser context, signed in as ``login`` (a provider account), or
        not signed in (``None``)."""
        state = None if login is None else self._signed_in(browser, login)
        context = browser.new_context(locale="sv-SE", storage_state=state)
        context.set_default_timeout(15_000)
        return context

    def _signed_in(self, browser: Browser, login: str) -> Any:
        if login not in self.states:
            context = self.context(browser, None)
            try:
                sign_in(context.new_page(), self, login)
                self.states[login] = context.storage_state()
            finally:
                context.close()
        return self.states[login]


def sign_in(page: Page, served: Served, login: str) -> None:
    """From /login through the provider's own login form and back to kivo's Today."""
    page.goto(f"{served.url}/login")
    page.get_by_role("link", name=SIGN_IN_LINK).click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{served.url}/")


def kivo_executable() -> str:
    """The ``kivo`` console script installed next to this Python."""
    beside = Path(sys.executable).parent / "kivo"
    found = str(beside) if beside.exists() else shutil.which("kivo")
    if found is None:
        raise RuntimeError("the kivo command is not installed: pip install -e '.[test]'")
    return found


def kivo(env: dict[str, str], *args: str) -> str:
    """Run the installed ``kivo`` with ``args``; its standard output (it must succeed)."""
    done = subprocess.run(
        [kivo_executable(), *args], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, f"kivo {' '.join(args)}: {done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """The demo caseload served by ``kivo serve`` for the whole session."""
    port = free_port()
    provider = start_provider([f"http://127.0.0.1:{port}/auth/callback"], DEMO_ACCOUNTS)
    folder = tmp_path_factory.mktemp("served")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVO_")}
    env |= {
        "KIVO_DATABASE_URL": f"sqlite:///{folder / 'kivo.db'}",
        "KIVO_NOW": DEMO_NOW,
        "KIVO_SECRET_KEY": "a-test-secret-" + "x" * 32,
        "KIVO_OIDC_ISSUER": provider.issuer,
        "KIVO_OIDC_CLIENT_ID": CLIENT_ID,
        "KIVO_OIDC_CLIENT_SECRET": CLIENT_SECRET,
    }
    try:
        kivo(env, "demo")  # creates the database at the newest schema, then the caseload
        _add_a_placement_with_room(env["KIVO_DATABASE_URL"])
        with _serving(env, port, folder) as process:
            running = Served(f"http://127.0.0.1:{port}", env, process, provider)
            err: list[str] = []
            assert process.stdout is not None
            assert process.stderr is not None
            for stream, lines in ((process.stdout, running.out), (process.stderr, err)):
                threading.Thread(target=_collect, args=(stream, lines), daemon=True).start()
            _wait_until_up(running, err)
            yield running
    finally:
        provider.stop()


def _add_a_placement_with_room(database: str) -> None:
    """``WORKPLACE`` with ``SUPERVISOR`` (trained, room for five): the walk's placements do
    not depend on how full the demo's supervisors are."""
    kivo = bootstrap(database, now=DEMO_NOW)
    try:
        place = directory.add_workplace(kivo, WORKPLACE, employer="Snickeriet AB")
        assert place.id is not None
        directory.add_supervisor(
            kivo, SUPERVISOR, workplace_id=place.id, trained_on=date(2025, 1, 15), capacity=5
        )
    finally:
        kivo.close()


@contextmanager
def _serving(env: dict[str, str], port: int, folder: Path) -> Iterator[subprocess.Popen[str]]:
    """``kivo serve --port PORT`` until the block ends; its standard output and error
    are read as they come (the access log, uvicorn's messages)."""
    process = subprocess.Popen(
        [kivo_executable(), "serve", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def _collect(stream: IO[str], lines: list[str]) -> None:
    for line in stream:
        lines.append(line.rstrip("\n"))


def _wait_until_up(served: Served, err: list[str]) -> None:
    deadline = time.monotonic() + 60  # a loaded machine starts Python slowly
    while True:
        try:
            with urllib.request.urlopen(f"{served.url}/healthz", timeout=2):
                return
        except OSError as error:
            if served.process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("kivo serve did not start:\n" + "\n".join(err)) from error
            time.sleep(0.1)
