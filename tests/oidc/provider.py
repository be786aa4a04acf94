"""The test OpenID provider (``provider.mjs``, oidc-provider pinned in the lock file)
started as a real process on 127.0.0.1, and its test accounts and clients.

Tests sign in through it and get access tokens from its token endpoint: nothing of the
OpenID protocol is mocked. It needs ``node`` on PATH and ``npm ci`` run in this folder
(``.ci/run`` does both); without them the tests that need it are skipped on a
developer's machine and fail under CI.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from pathway import directory
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.handover import deactivate_caseworker
from tests.conftest import DEFAULT_NOW
from tests.databases import SqliteDatabases

HERE = Path(__file__).resolve().parent
CLIENT_ID = "kivo"
CLIENT_SECRET = "kivo-test-secret"  # a test provider's, on 127.0.0.1 only
API = "urn:kivo:api"  # kivo's API: the audience of its access tokens
OTHER_API = "urn:other:api"  # another API of the same provider
STRANGER = "stranger"  # a client whose tokens name an e-mail no caseworker has
RETIRED = "retired"  # a client whose tokens name a deactivated caseworker's e-mail

# login on the provider's form -> e-mail claim
ACCOUNTS = {
    "anna": "anna.andersson@kommun.example",
    "bertil": "bertil.berg@kommun.example",
    "okand": "okand.person@kommun.example",
}
API_CLIENTS = {
    CLIENT_ID: ACCOUNTS["anna"],
    STRANGER: ACCOUNTS["okand"],
    RETIRED: ACCOUNTS["bertil"],
}


def needs(reason: str) -> None:
    """Skip for ``reason`` on a developer's machine; under CI a missing tool fails."""
    if os.environ.get("CI"):
        pytest.fail(f"CI must run this test: {reason}")
    pytest.skip(reason)


def node_or_skip() -> str:
    node = shutil.which("node")
    if node is None:
        needs("the test OpenID provider needs Node.js (node on PATH)")
    if not (HERE / "node_modules" / "oidc-provider").is_dir():
        needs(f"the test OpenID provider is not installed: run `npm ci` in {HERE}")
    assert node is not None
    return node


@dataclass
class TestProvider:
    issuer: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    __test__ = False  # not a test class

    def token(
        self,
        scope: str,
        *,
        resource: str = API,
        client_id: str = CLIENT_ID,
    ) -> str:
        """An access token (JWT) from the provider's token endpoint (client credentials)."""
        response = httpx.post(
            f"{self.issuer}/token",
            data={"grant_type": "client_credentials", "scope": scope, "resource": resource},
            auth=(client_id, CLIENT_SECRET),
            timeout=10,
        )
        response.raise_for_status()
        token = response.json()["access_token"]
        assert isinstance(token, str)
        return token

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_provider(
    redirect_uris: list[str], accounts: dict[str, str] | None = None
) -> TestProvider:
    """Start the provider on a free port of 127.0.0.1 with a client that may send the
    browser back to ``redirect_uris`` and the login form's ``accounts`` (login -> e-mail;
    ``ACCOUNTS`` by default); returns once it listens."""
    node = node_or_skip()
    env = {
        **os.environ,
        "OIDC_PORT": "0",
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_REDIRECT_URIS": " ".join(redirect_uris),
        "OIDC_ACCOUNTS": json.dumps(ACCOUNTS if accounts is None else accounts),
        "OIDC_API_CLIENTS": json.dumps(API_CLIENTS),
    }
    process = subprocess.Popen(
        [node, str(HERE / "provider.mjs")],
        cwd=HERE,
        env=env,
        stdin=subprocess.PIPE,  # closed when this process ends: the provider stops too
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    output: list[str] = []
    ready: list[str] = []
    started = threading.Event()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            output.append(line.rstrip())
            if line.startswith("ready ") and not ready:
                ready.append(line.split()[1])
                started.set()
        started.set()  # the process ended

    threading.Thread(target=read, daemon=True).start()
    if not started.wait(30) or not ready:
        process.kill()
        process.wait()
        raise RuntimeError("the test OpenID provider did not start:\n" + "\n".join(output))
    return TestProvider(issuer=ready[0], process=process, output=output)


def free_port() -> int:
    """A port of 127.0.0.1 that nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
        assert isinstance(port, int)
        return port


@pytest.fixture(scope="session")
def web_socket() -> Iterator[socket.socket]:
    """A listening socket on 127.0.0.1 held for the whole session, which the session's
    test web servers serve on in turn (``tests.browser.conftest.live_server``). Held, not
    just probed: a port only probed could meanwhile become the local end of some outgoing
    connection, and the provider's registered redirect URI names this port."""
    with socket.socket() as held:
        held.bind(("127.0.0.1", 0))
        held.listen(64)
        yield held


@pytest.fixture(scope="session")
def web_port(web_socket: socket.socket) -> int:
    """The provider's client may send the browser back to
    ``http://127.0.0.1:<web_port>/auth/callback``."""
    port = web_socket.getsockname()[1]
    assert isinstance(port, int)
    return port


@pytest.fixture(scope="session")
def openid_provider(web_port: int) -> Iterator[TestProvider]:
    """The test OpenID provider, running for the whole session."""
    provider = start_provider([f"http://127.0.0.1:{web_port}/auth/callback"])
    yield provider
    provider.stop()


@dataclass(frozen=True)
class SignedKivo:
    """kivo with the caseworkers of the provider's accounts: Anna (active, her address
    stored in other letter case), Bertil (deactivated); ``okand`` has no caseworker."""

    kivo: Kivo
    anna: int
    bertil: int


@pytest.fixture(scope="module")
def signed_kivo(sqlite_databases: SqliteDatabases) -> Iterator[SignedKivo]:
    with sqlite_databases.fresh() as url:
        kivo = bootstrap(url, now=DEFAULT_NOW)
        try:
            coordinator = directory.add_caseworker(kivo, "Cecilia Samordnare", role="coordinator")
            anna = directory.add_caseworker(kivo, "Anna Andersson", email=ACCOUNTS["anna"].upper())
            bertil = directory.add_caseworker(kivo, "Bertil Berg", email=ACCOUNTS["bertil"])
            assert anna.id is not None
            assert bertil.id is not None
            deactivate_caseworker(kivo, bertil.id, by=coordinator.id)
            yield SignedKivo(kivo, anna.id, bertil.id)
        finally:
            kivo.close()
