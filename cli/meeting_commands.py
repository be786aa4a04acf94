"""Tripartite meetings: schedule, record, list, and export as an iCalendar file."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.listing import AfterOption, LimitOption, OffsetOption, page_of, say_more
from cli.options import (
    ByOption,
    CaseArg,
    ExpectVersion,
    JsonOption,
    id_option,
    parse_date,
    parse_id,
)
from cli.output import print_json, say, table
from states.messages import N_, Message

if TYPE_CHECKING:
    from states.agenda import MeetingEntry

meeting_app = typer.Typer(
    help="Tripartite meetings (participant, supervisor, caseworker).", no_args_is_help=True
)
MeetingArg = Annotated[int, typer.Argument(help="The meeting id.", metavar="ID", parser=parse_id)]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(meeting_app, name="meeting")


@meeting_app.command("schedule")
@reports_errors
def meeting_schedule(
    ctx: typer.Context,
    case: CaseArg,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="When: ISO date and time, e.g. 2026-03-10T10:00 (Swedish time unless a "
            "zone is given).",
            metavar="DATETIME",
        ),
    ],
    supervisor: Annotated[
        int | None,
        id_option("--supervisor", "Supervisor id (default: the open placement's)."),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Book a tripartite meeting for a case; prints the meeting id."""
    from pathway.meetings import parse_moment, schedule_meeting

    meeting = schedule_meeting(
        kivo_of(ctx), case, parse_moment(at), supervisor_id=supervisor, by=by
    )
    print_json(meeting) if json_output else print(meeting.id)


@meeting_app.command("record")
@reports_errors
def meeting_record(
    ctx: typer.Context,
    meeting: MeetingArg,
    held: Annotated[bool, typer.Option("--held", help="The meeting took place.")] = False,
    no_show: Annotated[
        bool, typer.Option("--no-show", help="The meeting was due but did not take place.")
    ] = False,
    cancelled: Annotated[
        bool, typer.Option("--cancelled", help="The meeting was called off.")
    ] = False,
    notes: Annotated[str | None, typer.Option(help="What was agreed, briefly.")] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record what happened at a meeting: exactly one of --held, --no-show, --cancelled.

    A held meeting satisfies the planned meeting it stands for (marked done on the
    meeting's day; its reminders are not sent)."""
    from pathway.meetings import record_meeting
    from states.errors import InvalidInput

    chosen = [
        outcome
        for outcome, flag in (("held", held), ("no-show", no_show), ("cancelled", cancelled))
        if flag
    ]
    if len(chosen) != 1:
        raise InvalidInput(Message(N_("give exactly one of --held, --no-show or --cancelled")))
    result = record_meeting(kivo_of(ctx), meeting, chosen[0], notes=notes, by=by)
    if json_output:
        print_json(result)
        return
    said = speech.words(
        N_("meeting {meeting}: {status}"),
        meeting=meeting,
        status=meeting_status(result.meeting.status),
    )
    if result.followup_done:
        said += speech.words(N_("; planned meeting {followup} done"), followup=result.followup_done)
    say(said)


@meeting_app.command("move")
@reports_errors
def meeting_move(
    ctx: typer.Context,
    meeting: MeetingArg,
    at: Annotated[
        str,
        typer.Option(
            "--at",
            help="The new time: ISO date and time, e.g. 2026-03-10T10:00 (Swedish time "
            "unless a zone is given); not in the past.",
            metavar="DATETIME",
        ),
    ],
    reason: Annotated[
        str | None, typer.Option("--reason", help="Why it moved (kept in the history).")
    ] = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Move a booked meeting to another time: its reminders follow, and the calendar
    file (meeting ics) carries the same event with the new time.

    Only a meeting not yet recorded moves, and never into the past; the new day is
    checked as a booking's is. The case's history records the move (from, to, who)."""
    from pathway.meeting_move import move_meeting
    from pathway.meetings import parse_moment

    result = move_meeting(
        kivo_of(ctx),
        meeting,
        parse_moment(at),
        by=by,
        reason=reason,
        expected_version=expect_version,
    )
    if json_output:
        print_json(result)
        return
    say(
        speech.words(
            N_("meeting {meeting}: moved from {start} to {end}"),
            meeting=meeting,
            start=f"{result.moved_from:%Y-%m-%d %H:%M}",
            end=result.meeting.at.strftime("%Y-%m-%d %H:%M"),
        )
    )


@meeting_app.command("list")
@reports_errors
def meeting_list(
    ctx: typer.Context,
    case: Annotated[int | None, id_option("--case", "Only this case's meetings.")] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only meetings of this caseworker's cases.")
    ] = None,
    first: Annotated[
        str | None, typer.Option("--from", help="From this day (YYYY-MM-DD).", metavar="DATE")
    ] = None,
    last: Annotated[
        str | None,
        typer.Option("--to", help="To this day, included (YYYY-MM-DD).", metavar="DATE"),
    ] = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List meetings in time order (times in Swedish local time), 50 at a time (--limit 0
    for all)."""
    from pathway.meetings import list_meetings

    found = list_meetings(
        kivo_of(ctx),
        case_id=case,
        caseworker_id=caseworker,
        first=parse_date(first, "from"),
        last=parse_date(last, "to"),
    )
    meetings, more = page_of(found, limit, offset, after, lambda m: m.id, "meeting")
    if json_output:
        print_json(meetings)
    else:
        _print_meetings(meetings)
    end = meetings[-1].id if meetings else None
    say_more("json" if json_output else "table", "meetings", len(meetings), more, end, offset)


@meeting_app.command("ics")
@reports_errors
def meeting_ics(
    ctx: typer.Context,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only meetings of this caseworker's cases.")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Write the calendar to this file, replacing it (default: standard output).",
            metavar="FILE",
        ),
    ] = None,
) -> None:
    """Upcoming meetings (from today on) as an iCalendar file for Outlook or Google
    Calendar. Importing it again updates the same events: each meeting keeps its UID."""
    from pathway.files import database_files, write_private
    from pathway.meetings import meetings_calendar
    from states.errors import InvalidInput

    kivo = kivo_of(ctx)
    data = meetings_calendar(kivo, caseworker_id=caseworker)
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.buffer.flush()
        return
    try:
        # names of participants and supervisors; never onto the database itself
        write_private(out, data, option="--out", inputs=database_files(kivo.database))
    except OSError as error:
        said = Message(N_("cannot write {file}: {reason}"), {"file": out, "reason": error.strerror})
        raise InvalidInput(said, field="out") from None
    count = data.count(b"BEGIN:VEVENT")
    wrote = (
        N_("wrote {count} meeting to {out}")
        if count == 1
        else N_("wrote {count} meetings to {out}")
    )
    say(speech.words(wrote, count=count, out=out))


def _print_meetings(meetings: list[MeetingEntry]) -> None:
    rows = [
        (
            m.id,
            m.at.strftime("%Y-%m-%d %H:%M"),
            m.case_id,
            m.participant,
            meeting_status(m.status),
            m.supervisor,
            m.workplace,
            m.followup_id,
        )
        for m in meetings
    ]
    table(
        speech.words(N_("Meetings ({count})"), count=len(rows)),
        speech.columns(
            N_("id"),
            N_("at"),
            N_("case"),
            N_("participant"),
            N_("status"),
            N_("supervisor"),
            N_("workplace"),
            N_("planned"),
        ),
        rows,
    )


MEETING_STATUSES = {
    "scheduled": N_("booked"),
    "held": N_("held"),
    "no-show": N_("did not come"),
    "cancelled": N_("called off"),
}
"""A meeting's statuses (``states.agenda.MEETING_STATUSES``) in the pages' words."""


def meeting_status(status: str) -> str:
    """A meeting's status as the CLI says it: the stored word in English, which scripts
    read; the catalogue's word in another language."""
    if speech.current() == "en" or status not in MEETING_STATUSES:
        return status
    return speech.text(MEETING_STATUSES[status])
