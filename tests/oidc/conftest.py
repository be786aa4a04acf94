"""The test OpenID provider and kivo with the caseworkers its accounts stand for."""

from tests.oidc.provider import (  # noqa: F401 (fixtures)
    openid_provider,
    signed_kivo,
    web_port,
    web_socket,
)
