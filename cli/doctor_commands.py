"""``kivo doctor``: check the database and say what is wrong, with stable codes."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import settings_of
from cli.errors import masked, reports_errors
from cli.options import JsonOption
from cli.output import print_json, say

FINDINGS = 6  # the exit code when the doctor found a problem (README, "Operations")


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("doctor")(doctor)


@reports_errors
def doctor(
    ctx: typer.Context,
    stale_after: Annotated[
        float,
        typer.Option(
            "--stale-after",
            help="A scheduler not stopped and not seen for this many seconds is reported "
            "as dead (it beats at least every 60 s).",
            metavar="SECONDS",
        ),
    ] = 300.0,
    json_output: JsonOption = False,
) -> None:
    """Check the database: reachable, at the newest schema, every case's state equal to
    the replay of its history, every case with its enrolment, no orphaned follow-up or
    reminder, the schedulers alive. Exit 0 when all is well, 6 on any finding.

    Only reads; safe to run at any time, also while others work.
    """
    from pathway.doctor import diagnose, parse_stale_after
    from pathway.results import plain
    from states.personnummer import redact

    settings = settings_of(ctx)
    report = diagnose(
        settings.database, now=settings.now, stale_after=parse_stale_after(stale_after)
    )
    if json_output:
        print_json(masked(plain(report), redact))
    else:
        for check in report.checks:
            say(redact(f"{check.status:<7} {check.name:<9} {check.detail}"))
        for finding in report.findings:
            label = "note" if finding.severity == "info" else "problem"
            ids = f" (ids {', '.join(map(str, finding.ids))})" if finding.ids else ""
            say(redact(f"{label} [{finding.code}] {finding.message}{ids}"))
        say("no problems found" if report.ok else "problems found: see above")
    if not report.ok:
        raise typer.Exit(FINDINGS)
