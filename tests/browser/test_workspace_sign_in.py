"""Signing in to the workspace itself (``web.app.create_app`` with the OpenID
provider's settings in the environment) through the test provider's login form."""

from __future__ import annotations

import socket
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page

from tests.browser.axe import assert_accessible
from tests.browser.conftest import LiveServer, live_server
from tests.oidc.provider import API, CLIENT_ID, CLIENT_SECRET, SignedKivo, TestProvider
from web.app import create_app


@pytest.fixture(scope="module")
def server(
    signed_kivo: SignedKivo, openid_provider: TestProvider, web_socket: socket.socket
) -> Iterator[LiveServer]:
    with pytest.MonkeyPatch.context() as env:
        env.setenv("KIVO_OIDC_ISSUER", openid_provider.issuer)
        env.setenv("KIVO_OIDC_CLIENT_ID", CLIENT_ID)
        env.setenv("KIVO_OIDC_CLIENT_SECRET", CLIENT_SECRET)
        env.setenv("KIVO_OIDC_AUDIENCE", API)
        app = create_app(
            signed_kivo.kivo, dev_login=False, secret_key="x" * 40, secure_cookies=False
        )
    with live_server(app, web_socket) as running:
        yield running


def test_a_caseworker_signs_in_to_the_workspace_through_the_provider(
    page: Page, server: LiveServer
) -> None:
    page.goto(f"{server.url}/cases")
    assert page.url == f"{server.url}/login"
    assert_accessible(page)
    page.get_by_role("link", name="Logga in med organisationens konto").click()
    page.locator("input[name=login]").fill("anna")
    page.locator("input[name=password]").fill("any password")
    page.locator("button[type=submit]").click()
    page.wait_for_url(f"{server.url}/**")

    assert page.url == f"{server.url}/"
    assert "Anna Andersson" in page.locator("body").inner_text()
    assert_accessible(page)
