"""``kivo audit``: the access log's review (loggkontroll), for coordinators."""

from __future__ import annotations

from typing import Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.listing import AfterOption, LimitOption, OffsetOption, say_more
from cli.options import JsonOption, id_option, parse_date, parse_id
from cli.output import print_json, table
from states.messages import N_

audit_app = typer.Typer(
    help="The access log: who read or changed which case, when (coordinators).",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    """Add the ``audit`` group to the app."""
    app.add_typer(audit_app, name="audit")


ActorOption = Annotated[
    int | None,
    typer.Option(
        "--actor",
        help="Id of the coordinator reviewing the log (default: KIVO_ACTOR).",
        envvar="KIVO_ACTOR",
        parser=parse_id,
        metavar="ID",
    ),
]


@audit_app.command("reads")
@reports_errors
def audit_reads(
    ctx: typer.Context,
    case: Annotated[int | None, id_option("--case", "Only this case's rows.")] = None,
    by: Annotated[int | None, id_option("--by", "Only what this caseworker read or did.")] = None,
    from_day: Annotated[
        str | None,
        typer.Option("--from", help="From this day (YYYY-MM-DD, included).", metavar="DATE"),
    ] = None,
    to_day: Annotated[
        str | None,
        typer.Option("--to", help="Until this day (YYYY-MM-DD, included).", metavar="DATE"),
    ] = None,
    actor: ActorOption = None,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    json_output: JsonOption = False,
) -> None:
    """List the access log, oldest first, 50 rows at a time (--limit 0 for all): each
    read of a case and each action on one, with who, when and from where.

    Only a coordinator reviews it: name them with --actor (or KIVO_ACTOR); --by filters
    the rows by the caseworker who read or acted."""
    from pathway.audit import access_reads

    page = access_reads(
        kivo_of(ctx),
        actor=actor,
        case_id=case,
        caseworker_id=by,
        start=parse_date(from_day, "from"),
        end=parse_date(to_day, "to"),
        limit=limit,
        offset=offset,
        after=after,
    )
    if json_output:
        print_json([row.to_dict() for row in page.rows])
    else:
        rows = [
            (
                r.id,
                r.at.isoformat(timespec="seconds"),
                r.caseworker_id,
                r.case_id,
                r.action,
                r.address,
            )
            for r in page.rows
        ]
        columns = (N_("id"), N_("at"), N_("caseworker"), N_("case"), N_("action"), N_("address"))
        table(speech.text(N_("Access log")), speech.columns(*columns), rows)
    fmt = "json" if json_output else "table"
    say_more(fmt, "rows", len(page.rows), page.more, page.last_id, offset)


@audit_app.command("review")
@reports_errors
def audit_review(
    ctx: typer.Context,
    month: Annotated[
        str, typer.Option("--month", help="The month to review (YYYY-MM).", metavar="MONTH")
    ],
    actor: ActorOption = None,
    json_output: JsonOption = False,
) -> None:
    """The monthly log review (loggkontroll): every read in the month of a case outside
    the reader's caseload at the time (a coordinator's listed as such), and every read of
    a protected person's case, oldest first.

    Only a coordinator reviews it: name them with --actor (or KIVO_ACTOR)."""
    from pathway.review import log_review
    from states.review import WHY

    found = log_review(kivo_of(ctx), month, actor=actor)
    if json_output:
        print_json([row.to_dict() for row in found.rows])
        return
    rows = [
        (
            r.at.isoformat(timespec="seconds"),
            r.caseworker_id,
            r.caseworker,
            r.case_id,
            r.action,
            ", ".join(r.why if speech.current() == "en" else (speech.text(WHY[w]) for w in r.why)),
        )
        for r in found.rows
    ]
    title = N_("Log review {month}: {count} of {reads} read(s) to look at")
    table(
        speech.words(title, month=found.month, count=len(rows), reads=found.reads),
        speech.columns(
            N_("at"), N_("caseworker_id"), N_("caseworker"), N_("case"), N_("action"), N_("why")
        ),
        rows,
    )
