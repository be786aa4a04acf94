"""``kivo person erase``: erasure on request (GDPR art. 17), for coordinators."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption
from cli.output import print_json, say
from states.messages import N_

PersonArg = Annotated[
    str,
    typer.Argument(help="The person: their id, or their personnummer.", metavar="PERSON"),
]
ReasonOption = Annotated[
    str | None,
    typer.Option(
        "--reason",
        help="The request erased for: its reference (a diary number), no personal data.",
        metavar="TEXT",
    ),
]


def register(app: typer.Typer) -> None:
    """Nothing at the root: ``person erase`` joins the ``person`` group, which
    ``cli.person_commands`` registers (listed here so every command module is in the
    lazy table)."""


@reports_errors
def person_erase(
    ctx: typer.Context,
    person: PersonArg,
    reason: ReasonOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Erase a person on request (GDPR article 17): name, personnummer, contact details and
    every free text about them removed, their cases kept under a random pseudonym so
    every report counts the same. Coordinators only.

    Refused (exit 3, nothing written), naming the rule, while a case of theirs is open
    or the retention schedule still keeps its data."""
    from pathway.erasure import erase_person

    done = erase_person(kivo_of(ctx), person, reason=reason, by=by)
    if json_output:
        print_json(done.to_dict())
        return
    counted = ", ".join(f"{kind} {n}" for kind, n in sorted(done.counts.items()))
    cases = ", ".join(str(ident) for ident in done.case_ids) or speech.text(N_("none"))
    erased = N_("person {person} erased: now {pseudonym}; cases {cases}; {counted}")
    said = dict(person=done.person_id, pseudonym=done.pseudonym, cases=cases, counted=counted)
    say(speech.words(erased, **said))
    if not done.settled:
        say(speech.text(UNSETTLED))


UNSETTLED = N_("the database's write-ahead log is still in use: run the erasure's checkpoint again")
