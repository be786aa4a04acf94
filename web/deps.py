"""What the app holds for its requests: the engine's services and its settings."""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request

from pathway.context import Kivo


@dataclass(frozen=True)
class WebSettings:
    dev_login: bool
    oidc: bool = False  # sign-in through the organisation's provider (/login/oidc)


def kivo_of(request: Request) -> Kivo:
    """The app's kivo, acting from this request's client address (the access log
    records where each read and action came from)."""
    kivo = request.app.state.kivo
    assert isinstance(kivo, Kivo)
    host = request.client.host if request.client is not None else None
    return kivo.acting_from(host) if host else kivo


def settings_of(request: Request) -> WebSettings:
    settings = request.app.state.web_settings
    assert isinstance(settings, WebSettings)
    return settings
