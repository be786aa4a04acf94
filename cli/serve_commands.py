"""``kivo serve``: the web workspace under uvicorn."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import kivo_of, settings_of
from cli.errors import reports_errors


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)


@reports_errors
def serve(
    ctx: typer.Context,
    host: Annotated[
        str,
        typer.Option(envvar="KIVO_HOST", help="Address to listen on (behind a reverse proxy)."),
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(envvar="KIVO_PORT", help="Port to listen on.")] = 8000,
    workers: Annotated[
        int,
        typer.Option(
            envvar="KIVO_WORKERS",
            help="Worker processes (several need PostgreSQL and KIVO_SECRET_KEY).",
        ),
    ] = 1,
    dev_login: Annotated[
        bool,
        typer.Option(
            "--dev-login",
            help="Let /login list the active caseworkers and sign in as any of them "
            "(development only; refused unless the host is a loopback address).",
        ),
    ] = False,
) -> None:
    """Serve the web workspace for caseworkers (sessions signed with KIVO_SECRET_KEY);
    refuses an outdated database schema, naming the command that upgrades it."""
    from web.server import ServeSettings, check, run

    settings = settings_of(ctx)
    kivo = kivo_of(ctx)  # refuses a database at an older schema: run `kivo init`
    wanted = ServeSettings(
        host=host,
        port=port,
        workers=workers,
        dev_login=dev_login,
        database=kivo.database,
        rules=settings.rules,
        now=settings.now,
        programmes=settings.programmes,
    )
    kivo.close()
    check(wanted)
    run(wanted)
