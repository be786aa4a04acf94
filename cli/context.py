"""Global settings from the command line and the services built from them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import typer

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.ports import UnitOfWork


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
    import os

    from cli.output import warn
    from pathway.bootstrap import bootstrap

    settings = settings_of(ctx)
    kivo = bootstrap(
        settings.database,
        rules=settings.rules,
        now=settings.now,
        programmes=settings.programmes,
        # The organisation's rules are KIVO_RULES (or the default): --rules naming another
        # rule set writes only for a coordinator.
        configured_rules=os.environ.get("KIVO_RULES") or None,
        address="cli",
    )
    ctx.call_on_close(kivo.close)
    ctx.meta["kivo.database"] = kivo.database  # a file written must never replace it
    warn([*kivo.rules.warnings, *kivo.catalogue.warnings])
    if settings.now:
        kivo = _noting_pinned_clock(ctx, kivo)
    return kivo


def _noting_pinned_clock(ctx: typer.Context, kivo: Kivo) -> Kivo:
    """``kivo`` whose writes, when the clock is pinned (``--now``/``KIVO_NOW``), end the
    command with one line on standard error saying so: a shell left with the
    walkthrough's ``export KIVO_NOW`` must not silently date real work. Read-only
    commands (and refused ones, which commit nothing) stay quiet; ``--json`` output is
    on standard output and stays one document."""
    import sys
    from dataclasses import replace

    wrote: list[bool] = []
    factory = kivo.uow

    def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        unit = factory(read_only=read_only)
        if not read_only:
            commit = unit.commit

            def noted() -> None:
                commit()
                wrote.append(True)

            setattr(unit, "commit", noted)  # noqa: B010  (an instance's own commit)
        return unit

    def notice() -> None:
        if wrote:
            at = kivo.now().strftime("%Y-%m-%d %H:%M")
            print(
                f"note: the clock is pinned at {at} by --now/KIVO_NOW: what this command "
                "recorded is dated then (unset KIVO_NOW for real work)",
                file=sys.stderr,
            )

    ctx.call_on_close(notice)
    return replace(kivo, uow=unit_of_work)
