"""Caseworkers, workplaces and supervisors."""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.find_edit import add_directory_commands
from cli.listing import AfterOption, LimitOption, OffsetOption, page_of, say_more
from cli.options import ByOption, JsonOption, OnOption, id_option, parse_date, parse_id
from cli.output import print_json, say, table
from states.messages import N_

if TYPE_CHECKING:
    from pathway.directory import Deactivated, ToResolve

caseworker_app = typer.Typer(help="Caseworkers and coordinators.", no_args_is_help=True)
workplace_app = typer.Typer(
    help="Workplaces where practice and employment happen.", no_args_is_help=True
)
supervisor_app = typer.Typer(help="Supervisors (handledare) at workplaces.", no_args_is_help=True)
NameArg = Annotated[str, typer.Argument(help="The name.")]


def register(app: typer.Typer) -> None:
    app.add_typer(caseworker_app, name="caseworker")
    app.add_typer(workplace_app, name="workplace")
    app.add_typer(supervisor_app, name="supervisor")


@caseworker_app.command("add")
@reports_errors
def caseworker_add(
    ctx: typer.Context,
    name: NameArg,
    email: Annotated[str | None, typer.Option(help="Email address for reminders.")] = None,
    role: Annotated[str, typer.Option(help="caseworker or coordinator.")] = "caseworker",
    json_output: JsonOption = False,
) -> None:
    """Add a caseworker (or a coordinator, who may override blocking rules); prints the id."""
    from pathway.directory import add_caseworker

    worker = add_caseworker(kivo_of(ctx), name, email=email, role=role)
    print_json(worker) if json_output else print(worker.id)


@caseworker_app.command("list")
@reports_errors
def caseworker_list(
    ctx: typer.Context,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List caseworkers and coordinators, by id, 50 at a time (--limit 0 for all)."""
    from pathway.directory import list_caseworkers

    workers, more = page_of(
        list_caseworkers(kivo_of(ctx)), limit, offset, after, lambda w: w.id, "caseworker"
    )
    if json_output:
        print_json(workers)
    else:
        rows = [(w.id, w.name, speech.text(w.role), w.email, _yes(w.active)) for w in workers]
        columns = speech.columns(N_("id"), N_("name"), N_("role"), N_("email"), N_("active"))
        table(speech.words(N_("Caseworkers")), columns, rows)
    last = workers[-1].id if workers else None
    say_more(_fmt(json_output), "caseworkers", len(workers), more, last, offset)


@workplace_app.command("add")
@reports_errors
def workplace_add(
    ctx: typer.Context,
    name: NameArg,
    employer: Annotated[str | None, typer.Option(help="The employing organisation.")] = None,
    json_output: JsonOption = False,
) -> None:
    """Add a workplace; prints the id."""
    from pathway.directory import add_workplace

    workplace = add_workplace(kivo_of(ctx), name, employer=employer)
    print_json(workplace) if json_output else print(workplace.id)


@workplace_app.command("list")
@reports_errors
def workplace_list(
    ctx: typer.Context,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List workplaces with their active placements and supervisors' capacity, by id, 50
    at a time (--limit 0 for all)."""
    from pathway.directory import workplace_loads

    workplaces, more = page_of(
        workplace_loads(kivo_of(ctx)), limit, offset, after, lambda w: w.id, "workplace"
    )
    last = workplaces[-1].id if workplaces else None
    if json_output:
        print_json(workplaces)
        say_more("json", "workplaces", len(workplaces), more, last, offset)
        return
    table(
        speech.words(N_("Workplaces")),
        speech.columns(
            N_("id"),
            N_("name"),
            N_("employer"),
            N_("active"),
            N_("placements"),
            N_("supervisors"),
            N_("capacity"),
        ),
        [
            (
                w.id,
                w.name,
                w.employer,
                _yes(w.active),
                w.placements,
                w.supervisors,
                w.capacity,
            )
            for w in workplaces
        ],
    )
    say_more("table", "workplaces", len(workplaces), more, last, offset)


@workplace_app.command("deactivate")
@reports_errors
def workplace_deactivate(
    ctx: typer.Context,
    workplace: Annotated[
        int, typer.Argument(help="The workplace id.", metavar="ID", parser=parse_id)
    ],
    json_output: JsonOption = False,
) -> None:
    """Deactivate a workplace (no new placements there) and list its open placements."""
    from pathway.directory import deactivate_workplace

    _deactivated(deactivate_workplace(kivo_of(ctx), workplace), json_output)


@supervisor_app.command("add")
@reports_errors
def supervisor_add(
    ctx: typer.Context,
    name: NameArg,
    workplace: Annotated[int, id_option("--workplace", "Workplace id.")],
    trained_on: Annotated[
        str | None,
        typer.Option(
            "--trained-on",
            metavar="DATE",
            help="Date the supervisor completed supervisor training.",
        ),
    ] = None,
    capacity: Annotated[int, typer.Option(help="Participants at once.")] = 2,
    json_output: JsonOption = False,
) -> None:
    """Add a supervisor at a workplace; prints the id."""
    from pathway.directory import add_supervisor

    supervisor = add_supervisor(
        kivo_of(ctx),
        name,
        workplace_id=workplace,
        trained_on=parse_date(trained_on, "trained-on"),
        capacity=capacity,
    )
    print_json(supervisor) if json_output else print(supervisor.id)


@supervisor_app.command("list")
@reports_errors
def supervisor_list(
    ctx: typer.Context,
    workplace: Annotated[int | None, id_option("--workplace", "Only at this workplace.")] = None,
    untrained: Annotated[
        bool,
        typer.Option("--untrained", help="Only those without supervisor training by today."),
    ] = False,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List supervisors with their training, load (open placements) and free capacity, by
    id, 50 at a time (--limit 0 for all)."""
    from pathway.directory import supervisor_loads

    supervisors, more = page_of(
        supervisor_loads(kivo_of(ctx), workplace_id=workplace, untrained=untrained),
        limit,
        offset,
        after,
        lambda s: s.id,
        "supervisor",
    )
    last = supervisors[-1].id if supervisors else None
    if json_output:
        print_json([{**asdict(s), "free": s.free} for s in supervisors])
        say_more("json", "supervisors", len(supervisors), more, last, offset)
        return
    rows = [
        (
            s.id,
            s.name,
            f"{s.workplace} ({s.workplace_id})",
            s.trained_on or speech.words(N_("not trained")),
            s.capacity,
            s.load,
            s.free,
            _yes(s.active),
        )
        for s in supervisors
    ]
    table(
        speech.words(N_("Supervisors")),
        speech.columns(
            N_("id"),
            N_("name"),
            N_("workplace"),
            N_("trained on"),
            N_("capacity"),
            N_("load"),
            N_("free"),
            N_("active"),
        ),
        rows,
    )
    say_more("table", "supervisors", len(supervisors), more, last, offset)


def _fmt(json_output: bool) -> str:
    return "json" if json_output else "table"


@supervisor_app.command("deactivate")
@reports_errors
def supervisor_deactivate(
    ctx: typer.Context,
    supervisor: Annotated[
        int, typer.Argument(help="The supervisor id.", metavar="ID", parser=parse_id)
    ],
    json_output: JsonOption = False,
) -> None:
    """Deactivate a supervisor (no new placements with them) and list their open
    placements for the caseworkers to resolve."""
    from pathway.directory import deactivate_supervisor

    _deactivated(deactivate_supervisor(kivo_of(ctx), supervisor), json_output)


def placements_table(placements: list[ToResolve]) -> None:
    """The open placements a caseworker must resolve, participants masked."""
    table(
        speech.words(N_("Open placements to resolve")),
        speech.columns(
            N_("case"),
            N_("participant"),
            N_("caseworker"),
            N_("step"),
            N_("start"),
            N_("planned end"),
        ),
        [
            (
                p.case_id,
                f"{p.participant} {p.personnummer or ''}".strip(),
                f"{p.caseworker} ({p.caseworker_id})" if p.caseworker else None,
                p.step,
                p.start,
                p.planned_end,
            )
            for p in placements
        ],
    )


def _deactivated(done: Deactivated, json_output: bool) -> None:
    if json_output:
        print_json(done)
        return
    said = DEACTIVATED[done.kind, done.was_active]
    say(speech.words(said, id=done.id, count=len(done.placements)))
    if done.placements:
        placements_table(done.placements)
        if done.kind == "supervisor":
            say(
                speech.words(
                    N_(
                        "give each another supervisor (`kivo placement supervisor CASE "
                        "--supervisor ID`) or end it (`kivo placement end`)"
                    )
                )
            )


DEACTIVATED = {
    ("supervisor", True): N_("supervisor {id} deactivated; {count} open placement(s) to resolve"),
    ("supervisor", False): N_(
        "supervisor {id} was already inactive; {count} open placement(s) to resolve"
    ),
    ("workplace", True): N_("workplace {id} deactivated; {count} open placement(s) to resolve"),
    ("workplace", False): N_(
        "workplace {id} was already inactive; {count} open placement(s) to resolve"
    ),
}
"""What deactivating said, by what was deactivated and whether it was active."""


def _yes(flag: bool) -> str:
    return speech.words(N_("yes") if flag else N_("no"))


@caseworker_app.command("deactivate")
@reports_errors
def caseworker_deactivate(
    ctx: typer.Context,
    caseworker: Annotated[
        int, typer.Argument(help="The caseworker id.", metavar="ID", parser=parse_id)
    ],
    handover_to: Annotated[
        int | None, id_option("--handover-to", "The active caseworker taking the caseload.")
    ] = None,
    note: Annotated[
        str | None, typer.Option("--note", help="The handover note, recorded on every case.")
    ] = None,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Deactivate a caseworker, handing every case that still needs someone over first."""
    from pathway.handover import deactivate_caseworker

    done = deactivate_caseworker(
        kivo_of(ctx),
        caseworker,
        handover_to=handover_to,
        note=note,
        on=parse_date(on, "on"),
        by=by,
    )
    moved = done.handover.moved() if done.handover else {"cases": 0, "followups": 0, "meetings": 0}
    if json_output:
        print_json(
            {"caseworker_id": caseworker, "active": False, "handover_to": handover_to, **moved}
        )
        return
    say(
        speech.words(
            N_(
                "caseworker {caseworker} deactivated; handed over {cases} case(s) with "
                "{followups} pending follow-up(s) and {meetings} scheduled meeting(s)"
            ),
            caseworker=caseworker,
            **moved,
        )
    )


add_directory_commands(caseworker_app, workplace_app, supervisor_app)
