"""Signing in through the test OpenID provider's own login form in Chromium: the
authorization code flow with PKCE end to end, the refusals, and axe on the pages."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, Request

from pathway.language import text
from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.browser.signin_app import signin_app
from tests.oidc.provider import CLIENT_ID, CLIENT_SECRET, SignedKivo, TestProvider
from web.oidc import REFUSED, OidcSettings


@pytest.fixture(scope="module")
def server(
    signed_kivo: SignedKivo, openid_provider: TestProvider, web_socket: socket.socket
) -> Iterator[LiveServer]:
    settings = OidcSettings(
        issuer=openid_provider.issuer, client_id=CLIENT_ID, client_secret=CLIENT_SECRET
    )
    with live_server(signin_app(signed_kivo.kivo, settings), web_socket) as running:
        yield running


def sign_in(page: Page, server: LiveServer, login: str) -> list[str]:
    """Follow the site's sign-in link and fill in the provider's login form; the URLs of
    the requests to the provider's authorization endpoint."""
    authorizations: list[str] = []

    def note(request: Request) -> None:
        if urlsplit(request.url).path == "/auth":
            authorizations.append(request.url)

    page.on("request", note)
    page.goto(f"{server.url}/login")
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.locator("input[name=login]").fill(login)
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{server.url}/**")
    return authorizations


def test_a_caseworker_signs_in_through_the_providers_login_form(
    page: Page, server: LiveServer, openid_provider: TestProvider
) -> None:
    authorizations = sign_in(page, server, "anna")

    assert page.url == f"{server.url}/?vy=vecka"  # where the sign-in link said to return
    assert page.locator("#signed-in").inner_text() == "Inloggad som Anna Andersson"
    asked = parse_qs(urlsplit(authorizations[0]).query)
    assert asked["response_type"] == ["code"]
    assert asked["code_challenge_method"] == ["S256"]
    assert len(asked["code_challenge"][0]) == 43  # base64url of a SHA-256
    assert asked["state"][0]
    assert asked["nonce"][0]
    assert asked["redirect_uri"] == [f"{server.url}/auth/callback"]
    assert_accessible(page)


@pytest.mark.parametrize(("login", "reason"), [("okand", "unknown"), ("bertil", "inactive")])
def test_someone_without_an_active_caseworker_is_refused_in_swedish(
    page: Page, server: LiveServer, login: str, reason: str
) -> None:
    sign_in(page, server, login)

    assert urlsplit(page.url).path == "/auth/callback"
    assert page.get_by_role("heading", level=1).inner_text() == "Du kan inte logga in"
    assert page.get_by_text(text("sv", REFUSED[reason])).is_visible()
    assert_accessible(page)
    page.goto(f"{server.url}/")
    assert page.get_by_role("heading", level=1).inner_text() == "Inte inloggad"


def test_the_axe_check_fails_a_page_with_a_violation(page: Page) -> None:
    page.set_content("<html><title>x</title><main><img src='a.png'></main></html>")
    with pytest.raises(AssertionError, match=r"html-has-lang .*\n.*image-alt"):
        assert_accessible(page)
