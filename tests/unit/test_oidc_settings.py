"""OpenID Connect settings from the environment, and the small checks of ``web.oidc``
and ``web.bearer`` that need no provider."""

from __future__ import annotations

import pytest

from cli.errors import exit_code
from web.bearer import BearerSettings, scopes_of
from web.oidc import OidcSettings, SettingsMissing, _local_path

ISSUER = "https://idp.kommun.example/realms/kivo"


def test_without_an_issuer_sign_in_through_a_provider_is_off() -> None:
    assert OidcSettings.from_env({}) is None
    assert OidcSettings.from_env({"KIVO_OIDC_CLIENT_ID": "kivo"}) is None
    assert BearerSettings.from_env({"KIVO_OIDC_AUDIENCE": "api"}) is None


def test_an_issuer_without_its_client_names_the_variables_to_set() -> None:
    both = "KIVO_OIDC_CLIENT_ID and KIVO_OIDC_CLIENT_SECRET"
    with pytest.raises(SettingsMissing, match=both) as missing:
        OidcSettings.from_env({"KIVO_OIDC_ISSUER": ISSUER})
    assert exit_code(missing.value) == 2  # bad input: the command stops with the sentence
    with pytest.raises(SettingsMissing, match="KIVO_OIDC_CLIENT_SECRET is not"):
        OidcSettings.from_env({"KIVO_OIDC_ISSUER": ISSUER, "KIVO_OIDC_CLIENT_ID": "kivo"})


def test_the_settings_are_read_from_the_environment() -> None:
    env = {
        "KIVO_OIDC_ISSUER": f" {ISSUER} ",
        "KIVO_OIDC_CLIENT_ID": "kivo",
        "KIVO_OIDC_CLIENT_SECRET": "s3cret",
        "KIVO_OIDC_REDIRECT_URI": "https://kivo.kommun.example/auth/callback",
    }
    settings = OidcSettings.from_env(env)
    assert settings is not None
    assert settings == OidcSettings(
        issuer=ISSUER,
        client_id="kivo",
        client_secret="s3cret",
        redirect_uri="https://kivo.kommun.example/auth/callback",
    )
    assert settings.discovery_url == f"{ISSUER}/.well-known/openid-configuration"
    upn = OidcSettings.from_env({**env, "KIVO_OIDC_EMAIL_CLAIM": "upn"})
    assert upn is not None
    assert upn.email_claim == "upn"


def test_the_apis_audience_is_its_own_setting_or_else_the_client_id() -> None:
    base = {"KIVO_OIDC_ISSUER": ISSUER, "KIVO_OIDC_CLIENT_ID": "kivo"}
    assert BearerSettings.from_env(base) == BearerSettings(issuer=ISSUER, audience="kivo")
    with_audience = BearerSettings.from_env({**base, "KIVO_OIDC_AUDIENCE": "urn:kivo:api"})
    assert with_audience is not None
    assert with_audience.audience == "urn:kivo:api"


def test_scopes_are_read_from_scope_or_scp() -> None:
    assert scopes_of({"scope": "openid kivo.read"}) == {"openid", "kivo.read"}
    assert scopes_of({"scp": ["kivo.write", 3]}) == {"kivo.write"}
    assert scopes_of({"scp": "kivo.read kivo.write"}) == {"kivo.read", "kivo.write"}
    assert scopes_of({"scope": 7}) == set()


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ("/cases/12?step=3", "/cases/12?step=3"),
        ("/", "/"),
        (None, None),
        ("", None),
        ("https://evil.example/", None),
        ("//evil.example/", None),
        ("/\\evil.example", None),
        ("cases", None),
        ("/cases\r\nSet-Cookie: x", None),
    ],
)
def test_after_signing_in_only_a_path_of_this_site_is_returned_to(
    given: str | None, kept: str | None
) -> None:
    assert _local_path(given) == kept
