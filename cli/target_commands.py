"""``kivo target``: programme targets per year, which ``kivo report targets`` measures
placements against."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.listing import LimitOption, OffsetOption, page_of, say_more
from cli.options import ByOption, JsonOption
from cli.output import print_json, say
from cli.report_format import CsvOption, output_format, show
from states.messages import N_

if TYPE_CHECKING:
    from states.reports import Target

target_app = typer.Typer(help="Programme targets per year: set and list.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Add the ``target`` group to the app."""
    app.add_typer(target_app, name="target")


@target_app.command("set")
@reports_errors
def target_set(
    ctx: typer.Context,
    programme: Annotated[
        str, typer.Argument(help="Programme code (see kivo programme list).", metavar="PROGRAMME")
    ],
    year: Annotated[int, typer.Argument(help="The year the target is for.", metavar="YEAR")],
    count: Annotated[
        int, typer.Argument(help="How many placements should start that year.", metavar="COUNT")
    ],
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set (or replace) a programme's target for a year (a coordinator: --by)."""
    from pathway.targets import set_target

    target = set_target(kivo_of(ctx), programme, year, count, by=by)
    if json_output:
        print_json(_target(target))
        return
    said = N_("target {programme} {year}: {count}")
    say(speech.words(said, programme=target.programme, year=target.year, count=target.count))


@target_app.command("list")
@reports_errors
def target_list(
    ctx: typer.Context,
    limit: LimitOption = 50,
    offset: OffsetOption = 0,
    json_output: JsonOption = False,
    csv_output: CsvOption = False,
) -> None:
    """Every target set, by year and programme, 50 at a time (--limit 0 for all)."""
    from pathway.targets import list_targets

    fmt = output_format(json_output, csv_output)
    found, more = page_of(list_targets(kivo_of(ctx)), limit, offset, None, lambda t: 0, "")
    rows = [(t.programme, t.year, t.count) for t in found]
    columns = [N_("programme"), N_("year"), N_("target")]
    if fmt == "table":  # CSV's header row is an interface: English
        columns = speech.columns(*columns)
    show(fmt, [_target(t) for t in found], speech.words(N_("Targets")), columns, rows)
    if more:
        say_more(fmt, "targets", len(found), more, None, offset, next_offset=offset + limit)


def _target(target: Target) -> dict[str, Any]:
    """A target as ``report targets`` names its fields (the count is ``target``)."""
    return {"programme": target.programme, "year": target.year, "target": target.count}
