"""``kivo employer``: the contact log with an employer at a workplace, and the overview."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption, parse_date, parse_id
from cli.output import print_json, say, table

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
    employer = f" ({view.employer})" if view.employer else ""
    say(f"workplace {view.workplace_id}: {view.workplace}{employer}")
    if not view.active:
        say("inactive: no new places or placements")
    if view.first_contact is not None:
        say(f"first contact: {view.first_contact.isoformat()}")
    step = view.next_step
    if step is None:
        say("next step: none agreed")
    elif step.overdue_days:
        say(f"next step: due {step.on.isoformat()}, {step.overdue_days} day(s) overdue")
    else:
        say(f"next step: due {step.on.isoformat()}" + (" (today)" if step.due else ""))
    table(
        "Contacts",
        ["id", "on", "kind", "by", "note", "next"],
        [(c.id, c.on, c.kind, c.by, c.note, c.next_on) for c in view.contacts],
    )
    table(
        "Places",
        ["id", "title", "status", "since", "steps", "taken", "free"],
        [
            (p.id, p.title, p.status, p.status_on, ",".join(map(str, p.steps)), p.taken, p.free)
            for p in view.places
        ],
    )
    table(
        "Open placements",
        ["case", "participant", "step", "supervisor", "start", "planned end"],
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
        "Supervisors",
        ["id", "name", "trained on", "capacity", "load", "active"],
        [
            (
                s.id,
                s.name,
                s.trained_on or "not trained",
                s.capacity,
                s.load,
                "yes" if s.active else "no",
            )
            for s in view.supervisors
        ],
    )
    if view.training:
        table(
            "Supervisor training",
            ["supervisor", "on", "course"],
            [
                (t.supervisor_id, t.on, f"{t.course} ({t.course_id})" if t.course_id else None)
                for t in view.training
            ],
        )
