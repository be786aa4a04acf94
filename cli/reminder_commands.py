"""The reminder outbox: ``kivo reminders run`` sends what is due, once."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption
from cli.output import print_json, say
from states.messages import N_

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
    say(_dispatched(result.sent, result.escalated, result.failed, result.dropped))


def _dispatched(sent: int, escalated: int, failed: int, dropped: int) -> str:
    """What a dispatch pass did, in the CLI's language, one clause at a time."""
    words = speech.words
    said = words(
        N_("{count} reminder sent") if sent == 1 else N_("{count} reminders sent"), count=sent
    )
    if escalated:
        said += words(N_(" ({count} escalated)"), count=escalated)
    said += words(N_(", {count} failed"), count=failed)
    if failed:
        said += words(N_(" (retried by a later pass)"))
    said += words(N_(", {count} dropped"), count=dropped)
    if dropped:
        said += words(N_(" (their follow-up was done, cancelled or moved, or its day had passed)"))
    return said + "."
