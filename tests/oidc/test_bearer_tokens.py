"""Bearer tokens for the API (``web.bearer``): real access tokens from the test OpenID
provider's token endpoint, checked against its published keys."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey

from tests.oidc.provider import API, OTHER_API, RETIRED, STRANGER, SignedKivo, TestProvider
from web.bearer import (
    READ,
    WRITE,
    BearerAuth,
    BearerSettings,
    ProviderKeys,
    ReadingCaseworker,
    WritingCaseworker,
    install,
)


def api_app(auth: BearerAuth) -> FastAPI:
    app = FastAPI()
    install(app, auth)

    @app.get("/api/v1/me")
    async def me(worker: ReadingCaseworker) -> dict[str, object]:
        return {"id": worker.id, "name": worker.name}

    @app.post("/api/v1/change")
    async def change(worker: WritingCaseworker) -> dict[str, object]:
        return {"changed_by": worker.id}

    return app


class Clock:
    def __init__(self) -> None:
        self.at = 1000.0

    def __call__(self) -> float:
        return self.at


@pytest.fixture(scope="module")
def settings(openid_provider: TestProvider) -> BearerSettings:
    return BearerSettings(issuer=openid_provider.issuer, audience=API)


@pytest.fixture
def keys(settings: BearerSettings) -> ProviderKeys:
    return ProviderKeys(settings.discovery_url, clock=Clock())


@pytest.fixture
def client(
    signed_kivo: SignedKivo, settings: BearerSettings, keys: ProviderKeys
) -> Iterator[TestClient]:
    with TestClient(api_app(BearerAuth(signed_kivo.kivo, settings, keys=keys))) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def refused(response: httpx.Response, status: int, error: str) -> str:
    """The refusal's message, once its status and RFC 6750 challenge are as expected."""
    assert response.status_code == status, response.text
    assert response.headers["www-authenticate"].startswith(f'Bearer error="{error}"')
    message = response.json()["detail"]["message"]
    assert isinstance(message, str)
    return message


def test_a_token_with_the_read_scope_reads_as_the_caseworker_of_its_email(
    client: TestClient, openid_provider: TestProvider, keys: ProviderKeys
) -> None:
    token = openid_provider.token(READ)

    first = client.get("/api/v1/me", headers=bearer(token))
    again = client.get("/api/v1/me", headers=bearer(openid_provider.token(f"{READ} {WRITE}")))

    assert first.status_code == 200, first.text
    assert first.json()["name"] == "Anna Andersson"
    assert again.json() == first.json()
    assert keys.fetches == 1  # the provider's keys are cached


def test_a_token_with_the_write_scope_changes_and_one_without_it_is_refused(
    client: TestClient, openid_provider: TestProvider
) -> None:
    written = client.post("/api/v1/change", headers=bearer(openid_provider.token(WRITE)))
    read_only = client.post("/api/v1/change", headers=bearer(openid_provider.token(READ)))

    assert written.status_code == 200, written.text
    assert "kivo.write" in refused(read_only, 403, "insufficient_scope")


def test_a_request_without_a_token_is_refused_with_a_bearer_challenge(client: TestClient) -> None:
    assert "bearer token is needed" in refused(client.get("/api/v1/me"), 401, "invalid_token")
    basic = client.get("/api/v1/me", headers={"Authorization": "Basic a2l2bzprdm8="})
    refused(basic, 401, "invalid_token")
    garbage = client.get("/api/v1/me", headers=bearer("not.a.jwt"))
    refused(garbage, 401, "invalid_token")


def test_a_token_for_another_api_is_refused(
    client: TestClient, openid_provider: TestProvider
) -> None:
    token = openid_provider.token(READ, resource=OTHER_API)
    assert "aud" in refused(client.get("/api/v1/me", headers=bearer(token)), 401, "invalid_token")


def test_an_expired_token_is_refused(
    signed_kivo: SignedKivo,
    settings: BearerSettings,
    keys: ProviderKeys,
    openid_provider: TestProvider,
) -> None:
    token = openid_provider.token(READ)  # valid for 10 minutes
    later = BearerAuth(signed_kivo.kivo, settings, keys=keys, now=lambda: time.time() + 3600)
    with TestClient(api_app(later)) as client:
        response = client.get("/api/v1/me", headers=bearer(token))
    assert "expired" in refused(response, 401, "invalid_token")


def test_a_token_from_another_issuer_is_refused(
    signed_kivo: SignedKivo,
    settings: BearerSettings,
    keys: ProviderKeys,
    openid_provider: TestProvider,
) -> None:
    elsewhere = BearerSettings(issuer="https://idp.kommun.example", audience=API)
    with TestClient(api_app(BearerAuth(signed_kivo.kivo, elsewhere, keys=keys))) as client:
        response = client.get("/api/v1/me", headers=bearer(openid_provider.token(READ)))
    assert "iss" in refused(response, 401, "invalid_token")


def test_a_token_altered_after_signing_is_refused(
    client: TestClient, openid_provider: TestProvider
) -> None:
    header, _payload, signature = openid_provider.token(READ).split(".")
    # another real token's claims (another client's e-mail) under this token's signature
    forged = openid_provider.token(READ, client_id=STRANGER).split(".")[1]
    response = client.get("/api/v1/me", headers=bearer(f"{header}.{forged}.{signature}"))
    assert "signature" in refused(response, 401, "invalid_token")


def test_a_token_signed_with_a_key_the_provider_does_not_publish_is_refused(
    client: TestClient, openid_provider: TestProvider, keys: ProviderKeys
) -> None:
    assert client.get("/api/v1/me", headers=bearer(openid_provider.token(READ))).status_code == 200
    own_key = RSAKey.generate_key(2048, parameters={"kid": "not-the-providers"})
    claims = {
        "iss": openid_provider.issuer,
        "aud": API,
        "exp": int(time.time()) + 600,
        "scope": READ,
        "email": "anna.andersson@kommun.example",
    }
    forged = jwt.encode({"alg": "RS256", "kid": "not-the-providers"}, claims, own_key)

    soon = client.get("/api/v1/me", headers=bearer(forged))
    assert isinstance(keys.clock, Clock)
    keys.clock.at += 120  # a minute later an unseen key id fetches the keys again
    later = client.get("/api/v1/me", headers=bearer(forged))

    refused(soon, 401, "invalid_token")
    refused(later, 401, "invalid_token")
    assert keys.fetches == 2  # once at first, once more after the minute: not per request


@pytest.mark.parametrize(("client_id", "reason"), [(STRANGER, "unknown"), (RETIRED, "inactive")])
def test_a_token_for_someone_kivo_does_not_know_or_has_deactivated_is_refused(
    client: TestClient, openid_provider: TestProvider, client_id: str, reason: str
) -> None:
    token = openid_provider.token(READ, client_id=client_id)
    message = refused(client.get("/api/v1/me", headers=bearer(token)), 403, "insufficient_scope")
    assert message == f"the bearer token does not stand for an active caseworker ({reason})"


def test_the_providers_keys_are_fetched_again_after_an_hour(
    client: TestClient, openid_provider: TestProvider, keys: ProviderKeys
) -> None:
    token = openid_provider.token(READ)
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert isinstance(keys.clock, Clock)
    keys.clock.at += 59 * 60
    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert keys.fetches == 1
    keys.clock.at += 2 * 60

    assert client.get("/api/v1/me", headers=bearer(token)).status_code == 200
    assert keys.fetches == 2
