"""The test OpenID provider and kivo with the caseworkers its accounts stand for."""

from tests.oidc.provider import openid_provider, signed_kivo, web_port  # noqa: F401 (fixtures)
