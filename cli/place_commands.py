"""``kivo place``: places a workplace offers, from the first talk to filled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, JsonOption, OnOption, id_option, parse_date, parse_id
from cli.output import print_json, say, table
from states.messages import N_

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.places import FillLine, PlaceChange, PlacesReport, PlaceView

place_app = typer.Typer(
    help="Places (platser) workplaces offer: add, agree, open, cancel, show, list.",
    no_args_is_help=True,
)
PlaceArg = Annotated[int, typer.Argument(help="The place id.", metavar="ID", parser=parse_id)]


def register(app: typer.Typer) -> None:
    app.add_typer(place_app, name="place")


@place_app.command("add")
@reports_errors
def place_add(
    ctx: typer.Context,
    workplace: Annotated[
        int, typer.Argument(help="The workplace offering it.", metavar="WORKPLACE", parser=parse_id)
    ],
    title: Annotated[str, typer.Option("--title", help="What the place is called.")],
    positions: Annotated[
        int, typer.Option("--positions", help="How many participants it takes (1–100).")
    ],
    steps: Annotated[
        str,
        typer.Option(
            "--steps",
            help="The workplace steps it suits, by number or slug: 2,7 (2, 3, 6, 7, 8, 9).",
        ),
    ],
    programme: Annotated[
        list[str] | None,
        typer.Option("--programme", help="A programme it can run under (repeat for more)."),
    ] = None,
    requires: Annotated[
        list[str] | None,
        typer.Option(
            "--requires",
            help="A requirement (repeat): swedish:B1, driving-licence:B, certificate:NAME, "
            "physical:light|medium|heavy.",
        ),
    ] = None,
    requires_note: Annotated[
        str | None,
        typer.Option("--requires-note", help="Requirements outside the vocabulary, as text."),
    ] = None,
    hours: Annotated[int | None, typer.Option("--hours", help="Hours per week (1–40).")] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Where the place is.")
    ] = None,
    supervisor: Annotated[
        int | None, id_option("--supervisor", "The supervisor (works at the workplace).")
    ] = None,
    start: Annotated[
        str | None,
        typer.Option("--from", help="Earliest start (YYYY-MM-DD).", metavar="DATE"),
    ] = None,
    task: Annotated[
        list[str] | None,
        typer.Option("--task", help="An adapted task, one short line (repeat for more)."),
    ] = None,
    area: Annotated[
        list[str] | None,
        typer.Option(
            "--area",
            help="An occupational area, matched with interests (repeat): retail, warehouse, "
            "cleaning, kitchen, care, … (`kivo profile set --help` lists them).",
        ),
    ] = None,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Record a place a workplace offers, at the contact stage; prints the id."""
    from pathway.places import add_place

    done = add_place(
        kivo_of(ctx),
        workplace,
        title=title,
        positions=positions,
        steps=steps.split(","),
        programmes=programme or [],
        requires=requires or [],
        requires_note=requires_note,
        hours=hours,
        municipality=municipality,
        areas=area or [],
        supervisor_id=supervisor,
        earliest_start=parse_date(start, "from"),
        tasks=task or [],
        on=parse_date(on, "on"),
        by=by,
    )
    print_json(done) if json_output else print(done.place_id)


@place_app.command("agree")
@reports_errors
def place_agree(
    ctx: typer.Context,
    place: PlaceArg,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """The employer agreed the tasks, supervisor and terms: contact → agreed."""
    from pathway.places import agree_place

    _changed(agree_place(kivo_of(ctx), place, on=parse_date(on, "on"), by=by), json_output)


@place_app.command("open")
@reports_errors
def place_open(
    ctx: typer.Context,
    place: PlaceArg,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """The place is ready to take participants: agreed → open."""
    from pathway.places import open_place

    _changed(open_place(kivo_of(ctx), place, on=parse_date(on, "on"), by=by), json_output)


@place_app.command("cancel")
@reports_errors
def place_cancel(
    ctx: typer.Context,
    place: PlaceArg,
    reason: Annotated[str | None, typer.Option("--reason", help="Why (required).")] = None,
    on: OnOption = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Cancel a place that is not filled, with the reason."""
    from pathway.places import cancel_place

    done = cancel_place(kivo_of(ctx), place, reason=reason, on=parse_date(on, "on"), by=by)
    _changed(done, json_output)


@place_app.command("show")
@reports_errors
def place_show(ctx: typer.Context, place: PlaceArg, json_output: JsonOption = False) -> None:
    """A place: what it offers, its positions and its history."""
    from pathway.places import show_place

    view = show_place(kivo_of(ctx), place)
    if json_output:
        print_json(view)
        return
    _print_place(view)
    table(
        speech.words(N_("History")),
        speech.columns(
            N_("#"), N_("on"), N_("change"), N_("from"), N_("to"), N_("by"), N_("reason")
        ),
        [
            (
                e.seq,
                e.on,
                e.kind,
                place_status(e.from_status),
                place_status(e.to_status),
                e.by_id,
                e.reason,
            )
            for e in view.history
        ],
    )


def _print_place(view: PlaceView) -> None:
    """What a place offers, line by line, in the CLI's language."""
    words = speech.words
    say(
        words(
            N_("place {place}: {title} at {workplace} ({workplace_id})"),
            place=view.id,
            title=view.title,
            workplace=view.workplace,
            workplace_id=view.workplace_id,
        )
    )
    status, since = place_status(view.status), view.status_on.isoformat()
    say(words(N_("status: {status} since {since}"), status=status, since=since))
    say(
        words(
            N_("positions: {taken} of {positions} taken, {free} free"),
            taken=view.taken,
            positions=view.positions,
            free=view.free,
        )
    )
    say(words(N_("steps: {steps}"), steps=", ".join(map(str, view.steps))))
    say(words(N_("programmes: {programmes}"), programmes=", ".join(view.programmes) or "—"))
    say(
        words(
            N_("hours per week: {hours}; municipality: {municipality}"),
            hours=view.hours or "—",
            municipality=view.municipality or "—",
        )
    )
    say(words(N_("occupational areas: {areas}"), areas=", ".join(view.areas) or "—"))
    if view.supervisor_id is not None:
        say(words(N_("supervisor: {name} ({id})"), name=view.supervisor, id=view.supervisor_id))
    if view.earliest_start is not None:
        say(words(N_("earliest start: {on}"), on=view.earliest_start.isoformat()))
    say(words(N_("requires: {requires}"), requires=", ".join(view.requirements) or "—"))
    if view.requirements_note:
        say(words(N_("  also: {note}"), note=view.requirements_note))
    for task in view.tasks:
        say(words(N_("  task: {task}"), task=task))


def place_status(status: str | None) -> str | None:
    """A place's status as the CLI says it: the key in English (which the CLI takes
    back), the pages' word otherwise (its msgid is the key itself)."""
    return speech.text(status) if status else status


@place_app.command("list")
@reports_errors
def place_list(
    ctx: typer.Context,
    status: Annotated[
        str | None,
        typer.Option("--status", help="Only places in this status (contact, agreed, open, …)."),
    ] = None,
    step: Annotated[
        str | None, typer.Option("--step", help="Only places suiting this step.", metavar="STEP")
    ] = None,
    workplace: Annotated[int | None, id_option("--workplace", "Only at this workplace.")] = None,
    limit: Annotated[
        int, typer.Option("--limit", help="At most this many places, oldest first.")
    ] = 50,
    json_output: JsonOption = False,
) -> None:
    """List places with their status, steps and free positions."""
    from pathway.places import list_places

    found = list_places(kivo_of(ctx), status=status, step=step, workplace_id=workplace, limit=limit)
    if json_output:
        print_json(found)
        return
    table(
        speech.words(N_("Places")),
        speech.columns(
            N_("id"),
            N_("title"),
            N_("workplace"),
            N_("status"),
            N_("since"),
            N_("steps"),
            N_("programmes"),
            N_("taken"),
            N_("free"),
        ),
        [
            (
                p.id,
                p.title,
                f"{p.workplace} ({p.workplace_id})",
                place_status(p.status),
                p.status_on,
                ",".join(map(str, p.steps)),
                ",".join(p.programmes) or None,
                f"{p.taken}/{p.positions}",
                p.free,
            )
            for p in found
        ],
    )


def _changed(done: PlaceChange, json_output: bool) -> None:
    if json_output:
        print_json(done)
        return
    say(
        speech.words(
            N_("place {place}: {from_status} → {to_status} on {on}"),
            place=done.place_id,
            from_status=place_status(done.from_status),
            to_status=place_status(done.to_status),
            on=done.on.isoformat(),
        )
    )


def show_places_report(kivo: Kivo, fmt: str) -> None:
    """``kivo report places`` (declared with the other reports in ``report_commands``)."""
    from cli.report_format import show
    from pathway.places import places_report

    found = places_report(kivo)
    rows: list[tuple[Any, ...]] = [
        ("status", s.status, s.places, s.positions, s.taken, s.median_age_days, s.oldest_days)
        for s in found.by_status
    ]
    rows += [
        ("lead-time", f"first contact → {t.stage}", t.places, None, None, t.median_days, t.p90_days)
        for t in found.lead_times
    ]
    rows += [
        (f"fill-{f.by}", _fill_name(f), f.places, f.positions, f.taken, None, None)
        for f in found.fill
    ]
    if fmt != "table":
        # The last column: the oldest place's days in the status; p90 for a lead time.
        # A fill row: the live places' positions and those taken (the rate is their ratio).
        columns = ["section", "what", "places", "positions", "taken", "median_days", "tail_days"]
        show(fmt, found, "", columns, rows)
        return
    _report_tables(found, rows[: len(found.by_status)])


def _report_tables(found: PlacesReport, by_status: list[tuple[Any, ...]]) -> None:
    """The places report as tables, in the CLI's language."""
    words, columns = speech.words, speech.columns
    table(
        words(N_("Places by status on {on}"), on=found.on.isoformat()),
        columns(
            N_("status"),
            N_("places"),
            N_("positions"),
            N_("taken"),
            N_("median days in it"),
            N_("oldest (days)"),
        ),
        [(place_status(row[1]), *row[2:]) for row in by_status],
    )
    table(
        words(N_("Lead time from the first employer contact (days)")),
        columns(N_("to"), N_("places"), N_("median"), N_("p90")),
        [(place_status(t.stage), t.places, t.median_days, t.p90_days) for t in found.lead_times],
    )
    table(
        words(N_("Fill rate of the places open or filled")),
        columns(N_("by"), N_("what"), N_("places"), N_("positions"), N_("taken"), N_("rate")),
        [
            (
                f.by,
                _fill_name(f),
                f.places,
                f.positions,
                f.taken,
                f"{f.rate_percent} %",
            )
            for f in found.fill
        ],
    )
    if found.hard_to_match:
        places = ", ".join(words(N_("place {place}"), place=i) for i in found.hard_to_match)
        say(words(N_("hard to match: {places}"), places=places))


def _fill_name(line: FillLine) -> str:
    return line.name if line.by == "programme" else f"{line.name} ({line.key})"
