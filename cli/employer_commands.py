"""``kivo employer``: the contact log with an employer at a workplace, and the overview."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption, parse_date, parse_id
from cli.output import print_json, say, table
from cli.place_commands import place_status
from states.messages import N_

if TYPE_CHECKING:
    from pathway.employers import EmployerView

employer_app = typer.Typer(
    help="Employers at workplaces: log contacts, show contacts, places and supervisors.",
    no_args_is_help=True,
)
WorkplaceArg = Annotated[
    int, typer.Argument(help="The workplace id.", metavar="WORKPLACE", parser=parse_id)
]


def register(app: typer.Typer) -> None:
    app.add_typer(employer_app, name="employer")


@employer_app.command("contact")
@reports_errors
def employer_contact(
    ctx: typer.Context,
    workplace: WorkplaceArg,
    on: Annotated[
        str, typer.Option("--on", help="When the contact happened (YYYY-MM-DD).", metavar="DATE")
    ],
    kind: Annotated[str, typer.Option("--kind", help="call, visit, meeting or e-mail.")],
    note: Annotated[str, typer.Option("--note", help="The outcome, in a few words.")],
    next_on: Annotated[
        str | None,
        typer.Option("--next", help="When the next agreed step is due.", metavar="DATE"),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Log a contact with the employer at a workplace and the next step agreed; prints
    the id."""
    from pathway.employers import record_contact

    done = record_contact(
        kivo_of(ctx),
        workplace,
        on=parse_date(on, "on"),
        kind=kind,
        note=note,
        next_on=parse_date(next_on, "next"),
        by=by,
    )
    print_json(done) if json_output else print(done.id)


@employer_app.command("show")
@reports_errors
def employer_show(
    ctx: typer.Context, workplace: WorkplaceArg, json_output: JsonOption = False
) -> None:
    """A workplace's employer relationship: contacts, the next step due, places, open
    placements (participants masked) and supervisors with their training."""
    from pathway.employers import employer_view

    view = employer_view(kivo_of(ctx), workplace)
    if json_output:
        print_json(view)
        return
    _print_relationship(view)
    table(
        speech.words(N_("Contacts")),
        speech.columns(N_("id"), N_("on"), N_("kind"), N_("by"), N_("note"), N_("next")),
        [(c.id, c.on, speech.text(c.kind), c.by, c.note, c.next_on) for c in view.contacts],
    )
    table(
        speech.words(N_("Places")),
        speech.columns(
            N_("id"), N_("title"), N_("status"), N_("since"), N_("steps"), N_("taken"), N_("free")
        ),
        [
            (
                p.id,
                p.title,
                place_status(p.status),
                p.status_on,
                ",".join(map(str, p.steps)),
                p.taken,
                p.free,
            )
            for p in view.places
        ],
    )
    _print_people(view)


def _print_relationship(view: EmployerView) -> None:
    """The workplace, whether it takes more, its first contact and the next step due."""
    words = speech.words
    employer = f" ({view.employer})" if view.employer else ""
    say(
        words(
            N_("workplace {workplace}: {name}{employer}"),
            workplace=view.workplace_id,
            name=view.workplace,
            employer=employer,
        )
    )
    if not view.active:
        say(words(N_("inactive: no new places or placements")))
    if view.first_contact is not None:
        say(words(N_("first contact: {on}"), on=view.first_contact.isoformat()))
    step = view.next_step
    if step is None:
        say(words(N_("next step: none agreed")))
    elif step.overdue_days:
        due, days = step.on.isoformat(), step.overdue_days
        say(words(N_("next step: due {on}, {days} day(s) overdue"), on=due, days=days))
    elif step.due:
        say(words(N_("next step: due {on} (today)"), on=step.on.isoformat()))
    else:
        say(words(N_("next step: due {on}"), on=step.on.isoformat()))


def _print_people(view: EmployerView) -> None:
    """The open placements, the supervisors and their training."""
    table(
        speech.words(N_("Open placements")),
        speech.columns(
            N_("case"),
            N_("participant"),
            N_("step"),
            N_("supervisor"),
            N_("start"),
            N_("planned end"),
        ),
        [
            (
                p.case_id,
                f"{p.participant} {p.personnummer or ''}".strip(),
                p.step,
                p.supervisor_id,
                p.start,
                p.planned_end,
            )
            for p in view.placements
        ],
    )
    table(
        speech.words(N_("Supervisors")),
        [
            *speech.columns(N_("id"), N_("name"), N_("trained on"), N_("capacity"), N_("load")),
            # "active" of a supervisor: not a case's status, which the catalogue's has
            "active" if speech.current() == "en" else speech.text(N_("Active")),
        ],
        [
            (
                s.id,
                s.name,
                s.trained_on or speech.text(N_("not trained")),
                s.capacity,
                s.load,
                speech.text(N_("yes") if s.active else N_("no")),
            )
            for s in view.supervisors
        ],
    )
    if view.training:
        table(
            speech.words(N_("Supervisor training")),
            speech.columns(N_("supervisor"), N_("on"), N_("course")),
            [
                (t.supervisor_id, t.on, f"{t.course} ({t.course_id})" if t.course_id else None)
                for t in view.training
            ],
        )
