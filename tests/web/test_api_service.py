"""A service identity: an employer platform calling the API with its own
client-credentials token (no e-mail claim, its client id configured in
``KIVO_API_SERVICES``) reads the places workplaces offer, and nothing of the cases."""

from __future__ import annotations

import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from joserfc import jwt

from pathway.context import Kivo
from tests.integration.support import Staff
from tests.integration.test_places import opened
from tests.web.api_support import AUDIENCE, ISSUER, KEY, SETTINGS, LocalKeys, enrolled
from web.app import create_app
from web.bearer import READ, WRITE, BearerAuth, BearerSettings

PLATFORM = "employer-platform"


def service_token(client_id: str, scope: str = READ) -> str:
    """A client-credentials access token: a client id, no person (no e-mail claim)."""
    body = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "exp": int(time.time()) + 600,
        "scope": scope,
        "client_id": client_id,
        "sub": client_id,
    }
    return jwt.encode({"alg": "RS256", "kid": "test-key"}, body, KEY)


@pytest.fixture(scope="module")
def client(web_kivo: Kivo) -> TestClient:
    settings = BearerSettings(ISSUER, AUDIENCE, services=frozenset({PLATFORM}))
    app: FastAPI = create_app(
        web_kivo,
        dev_login=True,
        secure_cookies=False,
        bearer=BearerAuth(web_kivo, settings, keys=LocalKeys()),
    )
    return TestClient(app, raise_server_exceptions=False, follow_redirects=False)


def call(client: TestClient, method: str, path: str, token: str, **body: Any) -> Any:
    headers = {"Authorization": f"Bearer {token}"}
    return client.request(method, "/api/v1" + path, headers=headers, json=body or None)


def test_a_service_reads_the_places_without_the_cases_that_took_them(
    web_kivo: Kivo, web_staff: Staff, client: TestClient
) -> None:
    place = opened(web_kivo, web_staff, positions=2)
    token = service_token(PLATFORM)

    listed = call(client, "GET", "/places", token)
    one = call(client, "GET", f"/places/{place}", token)

    assert listed.status_code == 200, listed.text
    assert place in [p["id"] for p in listed.json()]
    assert one.status_code == 200, one.text
    assert one.json()["history"] == []  # its events name the cases that took positions


def test_a_service_reads_no_case_report_or_list_and_changes_nothing(
    web_kivo: Kivo, web_staff: Staff, client: TestClient
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    place = opened(web_kivo, web_staff, positions=1)
    reading, writing = service_token(PLATFORM), service_token(PLATFORM, f"{READ} {WRITE}")

    refused = [
        call(client, "GET", "/cases", reading),
        call(client, "GET", f"/cases/{case_id}", reading),
        call(client, "GET", "/reports/funnel", reading),
        call(client, "GET", "/caseworkers", reading),
        call(client, "POST", "/proposals", writing, place=place, case=case_id),
        call(client, "POST", f"/cases/{case_id}/notes", writing, text="hej"),
    ]

    assert [r.status_code for r in refused] == [403] * len(refused)
    assert {r.json()["code"] for r in refused} == {"not-a-caseworker"}


def test_a_token_without_a_person_or_a_configured_client_id_reads_no_places(
    client: TestClient,
) -> None:
    unknown = call(client, "GET", "/places", service_token("someone-else"))
    unscoped = call(client, "GET", "/places", service_token(PLATFORM, scope="openid"))

    assert (unknown.status_code, unknown.json()["code"]) == (403, "not-a-caseworker")
    assert (unscoped.status_code, unscoped.json()["code"]) == (403, "insufficient-scope")


def test_the_services_are_configured_by_client_id_in_the_environment() -> None:
    env = {"KIVO_OIDC_ISSUER": ISSUER, "KIVO_OIDC_AUDIENCE": AUDIENCE}
    configured = BearerSettings.from_env({**env, "KIVO_API_SERVICES": f" {PLATFORM}, other ,"})

    assert configured is not None
    assert configured.services == frozenset({PLATFORM, "other"})
    assert SETTINGS.services == frozenset()  # none unless configured
