"""Finding participants, and editing people and places with every change logged.

The commands join the groups of ``cli.participant_commands`` and
``cli.directory_commands``, which add them when they are imported.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption, parse_date, parse_id
from cli.output import print_json, say, table
from cli.supervisor_courses import course_app
from states.messages import N_

if TYPE_CHECKING:
    from pathway.editing import ChangeLine, Edited

IdArg = Annotated[int, typer.Argument(help="The id.", metavar="ID", parser=parse_id)]
NewName = Annotated[str | None, typer.Option("--name", help="The new name.")]
NewEmail = Annotated[
    str | None, typer.Option("--email", help="The new e-mail address (empty: remove it).")
]
EditBy = Annotated[
    int | None,
    typer.Option(
        "--by",
        help="Id of the caseworker or coordinator making the change (logged with it).",
        envvar="KIVO_ACTOR",
        parser=parse_id,
        metavar="ID",
    ),
]
PersonFlag = Annotated[bool, typer.Option("--person", help="ID is a person id, not a case id.")]


def add_participant_commands(app: typer.Typer) -> None:
    app.command("find")(participant_find)
    app.command("edit")(participant_edit)


def add_directory_commands(
    caseworker_app: typer.Typer, workplace_app: typer.Typer, supervisor_app: typer.Typer
) -> None:
    caseworker_app.command("edit")(caseworker_edit)
    caseworker_app.command("reactivate")(caseworker_reactivate)
    workplace_app.command("edit")(workplace_edit)
    workplace_app.command("reactivate")(workplace_reactivate)
    supervisor_app.command("edit")(supervisor_edit)
    supervisor_app.command("train")(supervisor_train)
    supervisor_app.command("reactivate")(supervisor_reactivate)
    supervisor_app.add_typer(course_app, name="course")


@reports_errors
def participant_find(
    ctx: typer.Context,
    text: Annotated[
        str, typer.Argument(help="Part of a name (accents and case ignored) or a personnummer.")
    ],
    by: Annotated[
        int | None,
        typer.Option(
            "--by",
            help="Your caseworker id: your own cases are listed first.",
            envvar="KIVO_ACTOR",
            parser=parse_id,
            metavar="ID",
        ),
    ] = None,
    limit: Annotated[int, typer.Option("--limit", help="At most this many cases (1–500).")] = 20,
    json_output: JsonOption = False,
) -> None:
    """Find participants by part of their name or by personnummer; personnummer masked."""
    from pathway.finding import find_participants

    found = find_participants(kivo_of(ctx), text, by=by, limit=limit)
    if json_output:
        print_json(found)
        return
    rows = [
        (
            f.case_id,
            f.name,
            f.personnummer,
            f.step,
            speech.state_name(f.state),
            f"{f.caseworker} ({f.caseworker_id})" if f.caseworker else None,
            f.opened_on,
            speech.words(N_("yes")) if f.mine else "",
        )
        for f in found.cases
    ]
    title = speech.words(N_("Found {count} case(s)"), count=len(rows))
    if found.more:
        title += speech.words(N_(" (first {limit}; more match)"), limit=found.limit)
    columns = speech.columns(
        N_("case"),
        N_("name"),
        N_("personnummer"),
        N_("step"),
        N_("state"),
        N_("caseworker"),
        N_("opened"),
        N_("mine"),
    )
    table(title, columns, rows)


@reports_errors
def participant_edit(
    ctx: typer.Context,
    ident: Annotated[
        int,
        typer.Argument(
            help="The case id (its participant is edited), or a person id with --person.",
            metavar="CASE",
            parser=parse_id,
        ),
    ],
    person: PersonFlag = False,
    name: NewName = None,
    email: NewEmail = None,
    phone: Annotated[
        str | None, typer.Option("--phone", help="The new phone number (empty: remove it).")
    ] = None,
    personnummer: Annotated[
        str | None,
        typer.Option(
            "--personnummer",
            help="The corrected personnummer (a coordinator only, with --reason).",
        ),
    ] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why (needed for a personnummer).")
    ] = None,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Correct a participant's name, e-mail, phone or personnummer; each change logged."""
    from pathway.editing import edit_participant

    done = edit_participant(
        kivo_of(ctx),
        ident,
        person=person,
        name=name,
        email=email,
        phone=phone,
        personnummer=personnummer,
        reason=reason,
        by=by,
    )
    _edited(done, json_output)


@reports_errors
def caseworker_edit(
    ctx: typer.Context,
    ident: IdArg,
    name: NewName = None,
    email: NewEmail = None,
    role: Annotated[
        str | None,
        typer.Option("--role", help="caseworker or coordinator (changed by a coordinator)."),
    ] = None,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Change a caseworker's name, e-mail or role; each change logged."""
    from pathway.editing import edit_caseworker

    _edited(
        edit_caseworker(kivo_of(ctx), ident, name=name, email=email, role=role, by=by), json_output
    )


@reports_errors
def caseworker_reactivate(
    ctx: typer.Context, ident: IdArg, by: EditBy = None, json_output: JsonOption = False
) -> None:
    """Make a deactivated caseworker active again (logged)."""
    from pathway.editing import reactivate_caseworker

    _edited(reactivate_caseworker(kivo_of(ctx), ident, by=by), json_output)


@reports_errors
def supervisor_edit(
    ctx: typer.Context,
    ident: IdArg,
    name: NewName = None,
    capacity: Annotated[
        int | None, typer.Option("--capacity", help="Participants at once (1–50).")
    ] = None,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Change a supervisor's name or capacity; each change logged."""
    from pathway.editing import edit_supervisor

    _edited(edit_supervisor(kivo_of(ctx), ident, name=name, capacity=capacity, by=by), json_output)


@reports_errors
def supervisor_train(
    ctx: typer.Context,
    ident: IdArg,
    on: Annotated[
        str,
        typer.Option(
            "--on", help="The day supervisor training was completed (YYYY-MM-DD).", metavar="DATE"
        ),
    ],
    course: Annotated[
        int | None,
        typer.Option(
            "--course",
            help="The supervisor course they completed (kivo supervisor course list).",
            parser=parse_id,
            metavar="ID",
        ),
    ] = None,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Record that a supervisor completed supervisor training, at a course or not
    (logged; every training kept, shown in kivo employer show)."""
    from pathway.editing import train_supervisor

    day = parse_date(on, "on")
    assert day is not None
    done = train_supervisor(kivo_of(ctx), ident, on=day, by=by, course_id=course)
    _edited(done, json_output)


@reports_errors
def supervisor_reactivate(
    ctx: typer.Context, ident: IdArg, by: EditBy = None, json_output: JsonOption = False
) -> None:
    """Make a deactivated supervisor active again (logged)."""
    from pathway.editing import reactivate_supervisor

    _edited(reactivate_supervisor(kivo_of(ctx), ident, by=by), json_output)


@reports_errors
def workplace_edit(
    ctx: typer.Context,
    ident: IdArg,
    name: NewName = None,
    employer: Annotated[
        str | None, typer.Option("--employer", help="The employing organisation (empty: remove).")
    ] = None,
    by: EditBy = None,
    json_output: JsonOption = False,
) -> None:
    """Change a workplace's name or employer; each change logged."""
    from pathway.editing import edit_workplace

    _edited(edit_workplace(kivo_of(ctx), ident, name=name, employer=employer, by=by), json_output)


@reports_errors
def workplace_reactivate(
    ctx: typer.Context, ident: IdArg, by: EditBy = None, json_output: JsonOption = False
) -> None:
    """Make a deactivated workplace active again (logged)."""
    from pathway.editing import reactivate_workplace

    _edited(reactivate_workplace(kivo_of(ctx), ident, by=by), json_output)


@reports_errors
def changes(
    ctx: typer.Context,
    record: Annotated[
        str,
        typer.Argument(help="participant, caseworker, supervisor or workplace.", metavar="RECORD"),
    ],
    ident: Annotated[
        int,
        typer.Argument(
            help="The id (for a participant: the case id, or the person id with --person).",
            metavar="ID",
            parser=parse_id,
        ),
    ],
    person: PersonFlag = False,
    json_output: JsonOption = False,
) -> None:
    """Show the logged edits of a participant, caseworker, supervisor or workplace."""
    from pathway.editing import record_changes

    found = record_changes(kivo_of(ctx), record, ident, person=person)
    if json_output:
        print_json(found)
        return
    title = N_("Changes of {record} {id}")
    _changes_table(
        speech.words(title, record=speech.text(found.record), id=found.id), found.changes
    )


def _edited(done: Edited, json_output: bool) -> None:
    if json_output:
        print_json(done)
        return
    record = speech.text(done.record)
    if not done.changes:
        unchanged = N_("{record} {id}: nothing changed (the values given are the current ones)")
        say(speech.words(unchanged, record=record, id=done.id))
        return
    for line in done.changes:
        say(
            speech.words(
                N_("{record} {id}: {field} {old} → {new}"),
                record=record,
                id=done.id,
                field=line.field,
                old=_shown(line.old),
                new=_shown(line.new),
            )
        )


def _shown(value: str | None) -> str:
    return speech.words(N_("(none)")) if value is None else repr(value)


def _changes_table(title: str, lines: list[ChangeLine]) -> None:
    table(
        title,
        speech.columns(N_("when"), N_("field"), N_("from"), N_("to"), N_("by"), N_("reason")),
        [
            (
                line.recorded_at.isoformat(timespec="minutes"),
                line.field,
                line.old,
                line.new,
                f"{line.by} ({line.by_id})" if line.by else line.by_id,
                line.reason,
            )
            for line in lines
        ],
    )
