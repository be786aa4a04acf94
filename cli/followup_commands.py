"""Follow-ups: what is due (and overdue), and marking one done."""

from __future__ import annotations

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
    OnOption,
    id_option,
    parse_date,
    parse_id,
)
from cli.output import print_json, say, table
from states.agenda import FINDINGS
from states.messages import N_

if TYPE_CHECKING:
    from states.agenda import FollowupEntry

followup_app = typer.Typer(
    help="Follow-up contacts, planned meetings and decisions on cases.", no_args_is_help=True
)
FollowupArg = Annotated[
    int, typer.Argument(help="The follow-up id.", metavar="ID", parser=parse_id)
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.add_typer(followup_app, name="followup")


@followup_app.command("list")
@reports_errors
def followup_list(
    ctx: typer.Context,
    case: Annotated[int | None, id_option("--case", "Only this case's items.")] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only items of this caseworker's cases.")
    ] = None,
    due_by: Annotated[
        str | None,
        typer.Option("--due-by", help="Only items due on or before this day.", metavar="DATE"),
    ] = None,
    overdue: Annotated[
        bool, typer.Option("--overdue", help="Only pending items due before today.")
    ] = False,
    status: Annotated[
        str,
        typer.Option(help="pending (default), suspended, done, cancelled or all."),
    ] = "pending",
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List follow-ups, planned meetings and decisions, earliest due first, 50 at a time
    (--limit 0 for all)."""
    from pathway.followups import list_followups

    found = list_followups(
        kivo_of(ctx),
        case_id=case,
        caseworker_id=caseworker,
        due_by=parse_date(due_by, "due-by"),
        overdue=overdue,
        status=status,
    )
    items, more = page_of(found, limit, offset, after, lambda i: i.id, "follow-up")
    if json_output:
        print_json(items)
    else:
        _print_items(items)
    last = items[-1].id if items else None
    say_more("json" if json_output else "table", "items", len(items), more, last, offset)


@followup_app.command("done")
@reports_errors
def followup_done(
    ctx: typer.Context,
    followup: FollowupArg,
    notes: Annotated[str | None, typer.Option(help="What was done or agreed, briefly.")] = None,
    on: OnOption = None,
    finding: Annotated[
        str | None,
        typer.Option(
            help=f"What the follow-up found the participant doing: {', '.join(FINDINGS)}.",
            metavar="F",
        ),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Mark a follow-up done (default today); its reminders are no longer sent."""
    from pathway.followups import mark_done

    item = mark_done(
        kivo_of(ctx), followup, on=parse_date(on, "on"), notes=notes, finding=finding, by=by
    )
    if json_output:
        print_json(item)
        return
    done = speech.words(
        N_("follow-up {followup} ({name}, case {case}): done on {on}"),
        followup=item.id,
        name=item.name,
        case=item.case_id,
        on=item.done_on,
    )
    if item.finding:
        done += speech.words(N_(", found {finding}"), finding=speech.finding_name(item.finding))
    say(done)


@followup_app.command("add")
@reports_errors
def followup_add(
    ctx: typer.Context,
    case: CaseArg,
    due: Annotated[
        str,
        typer.Option("--due", help="When it is due (YYYY-MM-DD): today or later.", metavar="DATE"),
    ],
    title: Annotated[
        str, typer.Option("--title", help="What to follow up, briefly.", metavar="TEXT")
    ],
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Plan an ad-hoc follow-up on a case, with the reminders every planned item gets.

    It belongs to the case's current step: leaving the step cancels it, as it does the
    step's planned items. Not on an exited case."""
    from pathway.adhoc_followups import add_followup
    from states.errors import InvalidInput

    day = parse_date(due, "due")
    if day is None:  # typer requires --due; a check for mypy
        raise InvalidInput("--due is required", field="due")
    item = add_followup(kivo_of(ctx), case, day, title, by=by, expected_version=expect_version)
    if json_output:
        print_json(item)
        return
    say(
        speech.words(
            N_("follow-up {followup} on case {case}: {title}, due {due}"),
            followup=item.id,
            case=item.case_id,
            title=item.title,
            due=item.due,
        )
    )


def _print_items(items: list[FollowupEntry]) -> None:
    rows = [_item_row(i) for i in items]
    table(
        speech.words(N_("Follow-ups ({count})"), count=len(rows)),
        speech.columns(
            N_("id"),
            N_("due"),
            N_("case"),
            N_("participant"),
            N_("kind"),
            N_("what"),
            N_("status"),
            N_("step"),
        ),
        rows,
    )


def _item_row(item: FollowupEntry) -> tuple[object, ...]:
    kind, status = speech.followup_words(item.kind, item.status)
    return (
        item.id,
        item.due,
        item.case_id,
        item.participant,
        kind,
        speech.text(item.title),
        status,
        item.step,
    )
