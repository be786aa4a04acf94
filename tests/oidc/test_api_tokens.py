"""The JSON API called with real access tokens from the test OpenID provider's token
endpoint (client credentials): the scope decides reading and changing, the token's
e-mail decides whose caseload; a token for no active caseworker is refused."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from pathway import enrolment
from pathway.views import read_case
from tests.oidc.provider import API, RETIRED, SignedKivo, TestProvider
from web.app import create_app
from web.bearer import READ, WRITE, BearerAuth, BearerSettings


@pytest.fixture(scope="module")
def client(openid_provider: TestProvider, signed_kivo: SignedKivo) -> Iterator[TestClient]:
    settings = BearerSettings(issuer=openid_provider.issuer, audience=API)
    bearer = BearerAuth(signed_kivo.kivo, settings)
    app = create_app(signed_kivo.kivo, dev_login=True, secure_cookies=False, bearer=bearer)
    with TestClient(app, raise_server_exceptions=False) as test_client:
        yield test_client


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_providers_token_reads_and_changes_the_case_of_its_caseworker(
    client: TestClient, openid_provider: TestProvider, signed_kivo: SignedKivo
) -> None:
    kivo = signed_kivo.kivo
    case_id = enrolment.enrol(kivo, "Sara Lind", caseworker_id=signed_kivo.anna).case_id
    reading, writing = openid_provider.token(READ), openid_provider.token(f"{READ} {WRITE}")

    shown = client.get(f"/api/v1/cases/{case_id}", headers=bearer(reading))
    read_only = client.post(
        f"/api/v1/cases/{case_id}/moves", json={"to": 1}, headers=bearer(reading)
    )
    moved = client.post(f"/api/v1/cases/{case_id}/moves", json={"to": 1}, headers=bearer(writing))

    assert shown.status_code == 200, shown.text
    assert shown.json()["caseworker_id"] == signed_kivo.anna
    assert read_only.status_code == 403
    assert moved.status_code == 200, moved.text
    assert read_case(kivo, case_id).view.history[-1].by_id == signed_kivo.anna


def test_a_token_for_a_deactivated_caseworker_is_refused(
    client: TestClient, openid_provider: TestProvider
) -> None:
    token = openid_provider.token(READ, client_id=RETIRED)
    answer = client.get("/api/v1/cases", headers=bearer(token))
    assert answer.status_code == 403
    assert answer.json()["code"] == "not-a-caseworker"
