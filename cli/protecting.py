"""``kivo participant protect``: protected identity (skyddade personuppgifter), set or
lifted by a coordinator with the reason. Joins the ``participant`` group."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.find_edit import EditBy, PersonFlag
from cli.options import JsonOption, parse_id
from cli.output import print_json, say
from states.messages import N_


def add_protect_command(app: typer.Typer) -> None:
    app.command("protect")(participant_protect)


@reports_errors
def participant_protect(
    ctx: typer.Context,
    ident: Annotated[
        int,
        typer.Argument(
            help="The case id (its participant is protected), or a person id with --person.",
            metavar="CASE",
            parser=parse_id,
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (required; logged with the change).")
    ] = None,
    person: PersonFlag = False,
    off: Annotated[bool, typer.Option("--off", help="Lift the protection.")] = False,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Protect a participant's identity (skyddade personuppgifter), or lift it with --off:
    a coordinator only, with --reason; the change is logged.

    While protected the participant is shown by initials ("A. Ö.") in every list,
    export, letter and page, to everyone; the address and workplace only to the case's
    caseworker and the coordinators; an export that includes the case is a coordinator's."""
    from pathway.protection import protect_participant

    done = protect_participant(kivo_of(ctx), ident, reason=reason, by=by, person=person, lift=off)
    if json_output:
        print_json(done)
        return
    said = (
        speech.words(
            N_("person {person}: protected, shown as {initials}"),
            person=done.person_id,
            initials=done.initials,
        )
        if done.protected
        else speech.words(N_("person {person}: not protected"), person=done.person_id)
    )
    say(said if done.changes else said + speech.words(N_(" (unchanged)")))
