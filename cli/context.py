"""Global settings from the command line and the services built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pathway.context import Kivo


@dataclass
class Settings:
    database: str | None
    rules: str | None
    now: str | None
    programmes: str | None = None


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.find_root().obj
    assert isinstance(settings, Settings)
    return settings


def kivo_of(ctx: typer.Context) -> Kivo:
    """Bootstrap the services for this command (lazily: only commands that need them)."""
    from cli.output import warn
    from pathway.bootstrap import bootstrap

    settings = settings_of(ctx)
    kivo = bootstrap(
        settings.database, rules=settings.rules, now=settings.now, programmes=settings.programmes
    )
    ctx.call_on_close(kivo.close)
    warn([*kivo.rules.warnings, *kivo.catalogue.warnings])
    return kivo
