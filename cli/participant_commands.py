"""Participants and their cases: enrol, list, show, consent, history."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli.context import kivo_of
from cli.errors import reports_errors
from cli.find_edit import add_participant_commands, changes
from cli.listing import AfterOption, CsvOption, JsonListOption, LimitOption, OffsetOption
from cli.options import (
    ByOption,
    CaseArg,
    ExpectVersion,
    JsonOption,
    OnOption,
    id_option,
    parse_date,
)
from cli.output import print_json, say, table
from cli.speech import (
    columns,
    count_words,
    event_name,
    outcome_name,
    state_name,
    status_name,
    words,
)
from states.messages import N_, NP_

if TYPE_CHECKING:
    from pathway.results import CaseView, HistoryLine, NextMove
    from pathway.views import CaseReading
    from states.listing import ListedCase

participant_app = typer.Typer(help="Participants and their cases.", no_args_is_help=True)
ShowPersonal = Annotated[
    bool, typer.Option("--show-personal", help="Show the full personnummer (default: masked).")
]
OwnerOn = Annotated[
    str | None,
    typer.Option(
        "--owner-on",
        help="Only say who was responsible for the case on this day (YYYY-MM-DD).",
        metavar="DATE",
    ),
]
Owners = Annotated[
    bool,
    typer.Option("--owners", help="Show who owned the case from when to when, not the events."),
]


def register(app: typer.Typer) -> None:
    app.add_typer(participant_app, name="participant")
    app.command("consent")(consent)
    app.command("history")(history)
    app.command("changes")(changes)


@participant_app.command("add")
@reports_errors
def participant_add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="The participant's name.")],
    personnummer: Annotated[
        str | None,
        typer.Option(help="Personnummer or samordningsnummer (YYMMDD-NNNC or YYYYMMDDNNNC)."),
    ] = None,
    gender: Annotated[
        str, typer.Option(help="As stated by the person: woman, man, non-binary, unknown.")
    ] = "unknown",
    birth_year: Annotated[int | None, typer.Option(help="Year of birth.")] = None,
    group: Annotated[
        list[str] | None,
        typer.Option(
            help="A group the person belongs to, e.g. long-term-unemployed, "
            "newly-arrived (repeatable)."
        ),
    ] = None,
    characteristic: Annotated[
        list[str] | None,
        typer.Option(
            help="A sensitive ESF+ characteristic as the person states it, NAME=yes or "
            "NAME=no: disability, third-country-national, foreign-background, minority, "
            "homeless, rural (repeatable; not given is unknown).",
            metavar="NAME=yes|no",
        ),
    ] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Responsible caseworker id.")
    ] = None,
    consent: Annotated[
        bool, typer.Option("--consent", help="Consent to share information was given.")
    ] = False,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
    permit_date: Annotated[
        str | None,
        typer.Option(
            help="When the residence permit was granted (with --group newly-arrived): "
            "YA counted newly arrived for 36 months from it.",
            metavar="DATE",
        ),
    ] = None,
) -> None:
    """Enrol a participant: creates the person and an open case; prints the case id."""
    from pathway.enrolment import enrol
    from states.case import parse_characteristics

    result = enrol(
        kivo_of(ctx),
        name,
        personnummer=personnummer,
        gender=gender,
        birth_year=birth_year,
        groups=group or [],
        characteristics=parse_characteristics(characteristic or []),
        caseworker_id=caseworker,
        consent=consent,
        on=parse_date(on, "on"),
        by=by,
        permit_date=parse_date(permit_date, "permit-date"),
    )
    print_json(result) if json_output else print(result.case_id)


@participant_app.command("list")
@reports_errors
def participant_list(
    ctx: typer.Context,
    step: Annotated[
        str | None, typer.Option(help="Only cases in this step (number or slug).")
    ] = None,
    status: Annotated[str | None, typer.Option(help="active, paused or exited.")] = None,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only this caseworker's cases.")
    ] = None,
    sort: Annotated[
        str,
        typer.Option(
            "--sort",
            help="Order by id (the case id, default), name (the participant's) or opened "
            "(the day the case opened); ties in case id order.",
            metavar="id|name|opened",
        ),
    ] = "id",
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    after: AfterOption = None,
    by: ByOption = None,
    json_output: JsonListOption = False,
    csv_output: CsvOption = False,
) -> None:
    """List cases, filtered by step, status or caseworker, 50 at a time (--limit 0 for
    all): rows are printed as they are read, so a long list never fills the memory. With
    --by (or KIVO_ACTOR) a caseworker lists their own caseload."""
    from cli.listing import choose_format, say_more, stream_csv, stream_json, stream_table
    from pathway.listing import case_document, list_cases
    from states.steps import parse_step

    fmt = choose_format(json_output, csv_output)
    number = parse_step(step).number if step is not None else None
    cases = list_cases(
        kivo_of(ctx),
        step=number,
        status=status,
        caseworker_id=caseworker,
        sort=sort,
        limit=limit,
        offset=offset,
        after=after,
        by=by,
    )
    if fmt == "json":
        stream_json(case_document(c) for c in cases)
    elif fmt == "csv":
        stream_csv(CASE_COLUMNS, (_case_row(c) for c in cases))
    else:
        stream_table(
            words(N_("Cases")),
            columns(
                N_("case"),
                N_("name"),
                N_("step"),
                N_("state"),
                N_("status"),
                N_("caseworker"),
                N_("opened"),
            ),
            (
                (
                    c.id,
                    c.name,
                    c.step,
                    state_name(c.state),
                    status_name(c.status),
                    c.caseworker,
                    c.opened_on,
                )
                for c in cases
            ),
        )
    say_more(fmt, N_("cases"), cases.count, cases.more, cases.last_id, offset)


CASE_COLUMNS = (
    "id",
    "name",
    "state",
    "step",
    "status",
    "caseworker_id",
    "caseworker",
    "opened_on",
    "outcome",
    "version",
)


def _case_row(c: ListedCase) -> tuple[Any, ...]:
    return (
        c.id,
        c.name,
        c.state,
        c.step,
        c.status,
        c.caseworker_id,
        c.caseworker,
        c.opened_on,
        c.outcome,
        c.version,
    )


@participant_app.command("show")
@reports_errors
def participant_show(
    ctx: typer.Context,
    case: CaseArg,
    show_personal: ShowPersonal = False,
    owner_on: OwnerOn = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a case: the person, where the case stands, who owned it, its history and next
    moves; with --owner-on, only who was responsible for it on that day. With --by (or
    KIVO_ACTOR) a caseworker sees their own cases only, and the read is logged."""
    from pathway.views import owner_on_day, read_case, show_case

    day = parse_date(owner_on, "owner-on")
    if day is not None:
        found = owner_on_day(kivo_of(ctx), case, day, by=by)
        if json_output:
            print_json(found)
            return
        _print_owner_on(found)
        return
    if json_output:
        print_json(show_case(kivo_of(ctx), case, show_personal=show_personal, by=by))
        return
    _print_case(read_case(kivo_of(ctx), case, show_personal=show_personal, by=by))


Withdraw = Annotated[
    bool,
    typer.Option(
        "--withdraw",
        help="The participant withdraws their consent: workplace steps are refused until "
        "consent is given again; the case's open placements are listed to resolve.",
    ),
]


@reports_errors
def consent(
    ctx: typer.Context,
    case: CaseArg,
    withdraw: Withdraw = False,
    on: OnOption = None,
    by: ByOption = None,
    expect_version: ExpectVersion = None,
    json_output: JsonOption = False,
) -> None:
    """Record the participant's consent to share information with employers and agencies,
    or (--withdraw) its withdrawal."""
    if withdraw:
        _withdraw(ctx, case, on, by, expect_version, json_output)
        return
    from pathway.enrolment import record_consent

    day = record_consent(
        kivo_of(ctx), case, on=parse_date(on, "on"), by=by, expected_version=expect_version
    )
    if json_output:
        print_json({"case_id": case, "consent_on": day})
        return
    say(words(N_("case {case}: consent recorded on {on}"), case=case, on=day.isoformat()))


def _withdraw(
    ctx: typer.Context,
    case: int,
    on: str | None,
    by: int | None,
    expect_version: int | None,
    json_output: bool,
) -> None:
    from cli.directory_commands import placements_table
    from pathway.enrolment import withdraw_consent

    done = withdraw_consent(
        kivo_of(ctx), case, on=parse_date(on, "on"), by=by, expected_version=expect_version
    )
    if json_output:
        print_json(done)
        return
    say(
        count_words(
            NP_(
                "case {case}: consent withdrawn on {on}; {count} open placement to resolve",
                "case {case}: consent withdrawn on {on}; {count} open placements to resolve",
            ),
            len(done.placements),
            case=case,
            on=done.withdrawn_on.isoformat(),
        )
    )
    if done.placements:
        placements_table(done.placements)
        say(
            words(
                N_(
                    "end each (`kivo placement end`) or move the case on; no workplace step "
                    "until consent is given again (`kivo consent`)"
                )
            )
        )


@reports_errors
def history(
    ctx: typer.Context,
    case: CaseArg,
    owners: Owners = False,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Show a case's full history, oldest first; with --owners, who owned it when.

    An event judged under a rule set other than the organisation's says so. With --by
    (or KIVO_ACTOR) a caseworker sees their own cases only, and the read is logged."""
    from pathway.views import read_history

    reading = read_history(kivo_of(ctx), case, by=by)
    if owners:
        if json_output:
            print_json(reading.owners)
        else:
            _print_owners(words(N_("Owners of case {case}"), case=case), reading.owners)
        return
    if json_output:
        print_json(reading.lines)
        return
    _print_history(words(N_("History of case {case}"), case=case), reading.lines, reading.names)


def _print_case(reading: CaseReading) -> None:
    view = reading.view
    step = words(N_("step {number}"), number=view.step) if view.step else words(N_("no step"))
    say(
        words(
            N_("Case {case} · {name} · {personnummer}"),
            case=view.id,
            name=view.name,
            personnummer=view.personnummer or words(N_("no personnummer")),
        )
    )
    say(
        words(
            N_("State: {state} ({status}, {step}) · caseworker: {caseworker} · version {version}"),
            state=state_name(view.state),
            status=status_name(view.status),
            step=step,
            caseworker=view.caseworker or "—",
            version=view.version,
        )
    )
    say(_opened_line(view))
    _print_owners(words(N_("Owners")), reading.owners())
    _print_history(words(N_("History")), view.history, reading.names)
    if view.next:
        _print_next(view.next)


def _opened_line(view: CaseView) -> str:
    line = words(
        N_("Opened {opened} · consent: {consent}"),
        opened=view.opened_on,
        consent=view.consent_on or words(N_("not recorded")),
    )
    if not view.closed_on:
        return line
    closed = words(
        N_(" · closed {closed} ({outcome})"),
        closed=view.closed_on,
        outcome=outcome_name(view.outcome),
    )
    return line + closed


def _print_next(moves: list[NextMove]) -> None:
    rows = [
        (
            n.step,
            n.slug,
            ", ".join(v["code"] for v in n.needs) or words(N_("ready")),
            ", ".join(v["code"] for v in n.warnings),
        )
        for n in moves
    ]
    table(
        words(N_("Next moves")),
        columns(N_("step"), N_("slug"), N_("needs"), N_("warnings")),
        rows,
    )


def _print_history(title: str, lines: list[HistoryLine], names: dict[int, str]) -> None:
    rows = [
        (
            h.seq,
            h.on,
            event_name(h.kind),
            state_name(h.from_state),
            state_name(h.to_state),
            h.by,
            "; ".join(
                filter(
                    None,
                    [
                        _handed_over(h, names),
                        _planned_change(h),
                        h.reason,
                        *(words(N_("override {code}"), code=c) for c in h.overrides),
                        _other_rules(h),
                    ],
                )
            ),
        )
        for h in lines
    ]
    table(
        title,
        columns("#", N_("on"), N_("what"), N_("from"), N_("to"), N_("by"), N_("reason")),
        rows,
    )


def _other_rules(line: HistoryLine) -> str | None:
    """``under rules 1a2b… (not the organisation's)`` for an event judged by another
    rule set (``--rules`` naming a changed copy)."""
    if line.configured_rules is not False:
        return None
    return words(N_("under rules {rules} (not the organisation's)"), rules=line.rules)


def _handed_over(line: HistoryLine, names: dict[int, str]) -> str | None:
    """``from Anna Lindqvist (1) to Nils Holm (3)`` for a transfer."""
    if line.kind != "transferred":
        return None
    return words(
        N_("from {giver} to {taker}"),
        giver=_who(line.data.get("from"), names),
        taker=_who(line.data.get("to"), names),
    )


def _planned_change(line: HistoryLine) -> str | None:
    """``meeting 3 from 2026-03-09 10:00 to 2026-03-16 13:30``; ``follow-up 12 due …``."""
    data = line.data
    if line.kind == "meeting_moved":
        moments = [str(data.get(key, ""))[:16].replace("T", " ") for key in ("from", "to")]
        return words(
            N_("meeting {meeting} from {start} to {end}"),
            meeting=data.get("meeting_id"),
            start=moments[0],
            end=moments[1],
        )
    if line.kind == "followup_added":
        return words(
            N_("follow-up {followup} due {due}"),
            followup=data.get("followup_id"),
            due=data.get("due"),
        )
    return None


def _who(worker_id: object, names: dict[int, str]) -> str:
    if not isinstance(worker_id, int):
        return words(N_("nobody"))
    if worker_id in names:
        return f"{names[worker_id]} ({worker_id})"
    return words(N_("caseworker {caseworker}"), caseworker=worker_id)


def _print_owners(title: str, owners: list[dict[str, Any]]) -> None:
    now = words(N_("now"))
    rows = [(_who(o["caseworker_id"], _name_of(o)), o["from"], o["to"] or now) for o in owners]
    table(title, columns(N_("caseworker"), N_("from"), N_("until")), rows)


def _print_owner_on(found: dict[str, Any]) -> None:
    if found["from"] is None:
        say(
            words(
                N_("case {case} on {on}: nobody (the case was not open)"),
                case=found["case_id"],
                on=found["on"],
            )
        )
        return
    until = (
        words(N_("until {until}"), until=found["to"]) if found["to"] else words(N_("to this day"))
    )
    say(
        words(
            N_("case {case} on {on}: {caseworker}, responsible from {start} {until}"),
            case=found["case_id"],
            on=found["on"],
            caseworker=_who(found["caseworker_id"], _name_of(found)),
            start=found["from"],
            until=until,
        )
    )


def _name_of(owner: dict[str, Any]) -> dict[int, str]:
    worker_id, name = owner["caseworker_id"], owner["caseworker"]
    return {worker_id: name} if isinstance(worker_id, int) and name else {}


add_participant_commands(participant_app)

from cli.protecting import add_protect_command  # noqa: E402

add_protect_command(participant_app)
