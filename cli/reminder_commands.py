"""The reminder outbox: ``kivo reminders run`` sends what is due, once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption
from cli.output import print_json, say

reminders_app = typer.Typer(
    help="Reminders to caseworkers and coordinators: send what is due.",
    no_args_is_help=True,
)
NotifyOption = Annotated[
    str | None,
    typer.Option(
        "--notify",
        envvar="KIVO_NOTIFY",
        help="Where reminders go: console (default), file:PATH (one JSON line each) or "
        "smtp://HOST:PORT[?from=ADDRESS].",
        metavar="SPEC",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(reminders_app, name="reminders")


@reminders_app.command("run")
@reports_errors
def reminders_run(
    ctx: typer.Context, notify: NotifyOption = None, json_output: JsonOption = False
) -> None:
    """Send every due reminder once (one dispatch pass), then stop.

    Safe to run from cron and from several machines at once: each reminder is sent once.
    A failed send is retried by a later pass. With --json, console reminders go to
    standard error so standard output is one JSON document.
    """
    from pathway.dispatch import dispatch
    from pathway.notifiers import notifier_from

    notifier = notifier_from(notify, sys.stderr if json_output else sys.stdout)
    result = dispatch(kivo_of(ctx), notifier)
    if json_output:
        print_json(result)
        return
    escalated = f" ({result.escalated} escalated)" if result.escalated else ""
    failed = " (retried by a later pass)" if result.failed else ""
    dropped = (
        " (their follow-up was done, cancelled or moved, or its day had passed)"
        if result.dropped
        else ""
    )
    say(
        f"{_count(result.sent, 'reminder')} sent{escalated}, "
        f"{result.failed} failed{failed}, {result.dropped} dropped{dropped}."
    )


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}s"
