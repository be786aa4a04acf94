"""``kivo supervisor course``: the supervisor training courses the programme offers
(joined to the ``supervisor`` group by ``cli.find_edit``)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption, parse_date
from cli.output import print_json, table
from states.messages import N_

course_app = typer.Typer(
    help="Supervisor training courses: add, list.",
    no_args_is_help=True,
)


@course_app.command("add")
@reports_errors
def course_add(
    ctx: typer.Context,
    title: Annotated[str, typer.Option("--title", help="What the course is called.")],
    on: Annotated[
        str,
        typer.Option("--on", help="The day it is held (YYYY-MM-DD).", metavar="DATE"),
    ],
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record a supervisor training course held (or planned) on a day; prints the id."""
    from pathway.courses import add_course

    day = parse_date(on, "on")
    assert day is not None
    done = add_course(kivo_of(ctx), title=title, on=day, by=by)
    print_json(done) if json_output else print(done.id)


@course_app.command("list")
@reports_errors
def course_list(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """List the supervisor training courses by day, with how many completed each."""
    from pathway.courses import list_courses

    found = list_courses(kivo_of(ctx))
    if json_output:
        print_json(found)
        return
    table(
        speech.words(N_("Supervisor courses")),
        speech.columns(N_("id"), N_("title"), N_("on"), N_("attended")),
        [(c.id, c.title, c.on, c.attended) for c in found],
    )
