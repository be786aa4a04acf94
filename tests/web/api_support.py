"""The JSON API under test: the workspace app over a real database, with bearer tokens
signed by a local key that the app finds in its (local) JWKS, as the provider's own
would be; callers who are caseworkers with e-mail addresses.

Tokens through the real test OpenID provider are tested in ``tests/oidc``; here the
token's checks are the same code (``web.bearer.BearerAuth``), only the keys are local."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import KeySet, RSAKey

from pathway import directory, enrolment
from pathway.audit import access_reads
from pathway.context import Kivo
from pathway.views import read_case
from tests.integration.support import Staff, fresh_personnummer
from web.app import create_app
from web.bearer import READ, WRITE, BearerAuth, BearerSettings, ProviderKeys

ISSUER = "https://idp.kommun.example"
AUDIENCE = "urn:kivo:api"
KEY = RSAKey.generate_key(2048, parameters={"kid": "test-key"})
SETTINGS = BearerSettings(issuer=ISSUER, audience=AUDIENCE)
BOTH = f"{READ} {WRITE}"


class LocalKeys(ProviderKeys):
    """The provider's keys, published locally: the test key's public half."""

    def __init__(self) -> None:
        super().__init__(SETTINGS.discovery_url)

    async def _fetch(self) -> None:
        self._keys = KeySet.import_key_set({"keys": [KEY.as_dict(private=False)]})
        self._fetched_at = self.clock()
        self.fetches += 1


def mint(email: str, scope: str = BOTH, **claims: Any) -> str:
    """An access token as the provider signs it: for ``email`` with ``scope``."""
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 600,
        "scope": scope,
        "email": email,
        **claims,
    }
    return jwt.encode({"alg": "RS256", "kid": "test-key"}, body, KEY)


def api_app(kivo: Kivo) -> FastAPI:
    bearer = BearerAuth(kivo, SETTINGS, keys=LocalKeys())
    return create_app(kivo, dev_login=True, secure_cookies=False, bearer=bearer)


@dataclass
class Api:
    """A client calling ``/api/v1`` with one caseworker's bearer token."""

    client: TestClient
    token: str
    id: int

    def get(self, path: str, **params: Any) -> httpx.Response:
        answer: httpx.Response = self.client.get(
            "/api/v1" + path, params=params, headers={"Authorization": f"Bearer {self.token}"}
        )
        return answer

    def post(self, path: str, body: dict[str, Any]) -> httpx.Response:
        answer: httpx.Response = self.client.post(
            "/api/v1" + path, json=body, headers={"Authorization": f"Bearer {self.token}"}
        )
        return answer

    def put(self, path: str, body: dict[str, Any]) -> httpx.Response:
        answer: httpx.Response = self.client.put(
            "/api/v1" + path, json=body, headers={"Authorization": f"Bearer {self.token}"}
        )
        return answer


def caller(app: FastAPI, kivo: Kivo, name: str, *, role: str = "caseworker") -> Api:
    """A new caseworker (or coordinator) with an e-mail address, and their client."""
    email = f"{name.lower().replace(' ', '.')}.{time.monotonic_ns()}@kommun.example"
    worker = directory.add_caseworker(kivo, name, email=email, role=role)
    assert worker.id is not None
    client = TestClient(app, raise_server_exceptions=False, follow_redirects=False)
    return Api(client, mint(email), worker.id)


def enrolled(
    kivo: Kivo, caseworker_id: int, *, consent: bool = True, on: date | None = None
) -> int:
    return enrolment.enrol(
        kivo,
        "Sara Deltagare",
        personnummer=fresh_personnummer(),
        gender="woman",
        caseworker_id=caseworker_id,
        consent=consent,
        on=on,
    ).case_id


def log_rows(kivo: Kivo, staff: Staff, case_id: int) -> list[tuple[int | None, str]]:
    """The access log's rows for the case: (who, what), oldest first."""
    page = access_reads(kivo, actor=staff.coordinator, case_id=case_id, limit=0)
    return [(row.caseworker_id, row.action) for row in page.rows]


def written(kivo: Kivo, staff: Staff, case_id: int) -> tuple[Any, ...]:
    """What an action could have written of a case: its version, history and log."""
    view = read_case(kivo, case_id).view
    return view.version, len(view.history), view.state, len(log_rows(kivo, staff, case_id))
