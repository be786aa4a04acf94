"""The sign-in routes (``web.oidc``) without a browser: what the start sends the
browser to, and callbacks that must not sign anyone in."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from pathway.language import text
from tests.browser.signin_app import signin_app
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, SignedKivo, TestProvider, free_port
from web.oidc import FAILED, UNAVAILABLE, OidcSettings


def settings_for(issuer: str, **more: str) -> OidcSettings:
    return OidcSettings(issuer=issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, **more)


@pytest.fixture
def client(signed_kivo: SignedKivo, openid_provider: TestProvider) -> Iterator[TestClient]:
    app = signin_app(signed_kivo.kivo, settings_for(openid_provider.issuer))
    with TestClient(app, follow_redirects=False) as test_client:
        yield test_client


def not_signed_in(client: TestClient) -> bool:
    return "Inte inloggad" in client.get("/").text


def test_the_start_sends_the_browser_to_the_provider_with_pkce_state_and_nonce(
    client: TestClient, openid_provider: TestProvider
) -> None:
    first = client.get("/login/oidc")
    second = client.get("/login/oidc")

    assert first.status_code == 302
    target = urlsplit(first.headers["location"])
    asked = parse_qs(target.query)
    assert f"{target.scheme}://{target.netloc}{target.path}" == f"{openid_provider.issuer}/auth"
    assert asked["client_id"] == [CLIENT_ID]
    assert asked["scope"] == ["openid email"]
    assert asked["code_challenge_method"] == ["S256"]
    assert asked["redirect_uri"] == ["http://testserver/auth/callback"]
    again = parse_qs(urlsplit(second.headers["location"]).query)
    for fresh in ("state", "nonce", "code_challenge"):
        assert asked[fresh] != again[fresh], f"{fresh} must be new for each sign-in"


def test_the_configured_redirect_uri_is_the_one_sent(
    signed_kivo: SignedKivo, openid_provider: TestProvider
) -> None:
    proxied = "https://kivo.kommun.example/auth/callback"
    app = signin_app(signed_kivo.kivo, settings_for(openid_provider.issuer, redirect_uri=proxied))
    with TestClient(app, follow_redirects=False) as client:
        asked = parse_qs(urlsplit(client.get("/login/oidc").headers["location"]).query)
    assert asked["redirect_uri"] == [proxied]


@pytest.mark.parametrize(
    "query",
    [
        "code=stolen&state=never-given",  # a state this browser was never given
        "error=access_denied&state=never-given",  # the provider said no
        "code=x",  # no state at all
    ],
)
def test_a_callback_this_session_did_not_start_signs_no_one_in(
    client: TestClient, query: str
) -> None:
    client.get("/login/oidc")  # a sign-in under way, with its own state

    response = client.get(f"/auth/callback?{query}")

    assert response.status_code == 400
    assert text("sv", FAILED) in response.text
    assert '<html lang="sv">' in response.text
    assert not_signed_in(client)


def test_a_callback_naming_another_issuer_is_refused(client: TestClient) -> None:
    started = parse_qs(urlsplit(client.get("/login/oidc").headers["location"]).query)
    state = started["state"][0]

    response = client.get(f"/auth/callback?code=x&state={state}&iss=https://evil.example")

    assert response.status_code == 400
    assert text("sv", FAILED) in response.text
    assert not_signed_in(client)


def test_an_unreachable_provider_is_said_in_swedish(signed_kivo: SignedKivo) -> None:
    app = signin_app(signed_kivo.kivo, settings_for(f"http://127.0.0.1:{free_port()}"))
    with TestClient(app, follow_redirects=False) as client:
        response = client.get("/login/oidc")
    assert response.status_code == 503
    assert text("sv", UNAVAILABLE) in response.text
