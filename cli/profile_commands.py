"""``kivo profile``: a participant's interests, languages, licences, certificates and
constraints, which matching reads."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import ByOption, CaseArg, JsonOption
from cli.output import print_json, say, table
from states.messages import N_

if TYPE_CHECKING:
    from pathway.profiles import ProfileView

profile_app = typer.Typer(
    help="Participant profiles for matching: interests, languages, licences, constraints.",
    no_args_is_help=True,
)
AREAS_HELP = (
    "retail, warehouse, cleaning, property, kitchen, hospitality, care, childcare, "
    "construction, manufacturing, transport, office, it, gardening, vehicles, recycling, "
    "customer-service"
)
ADAPTATIONS_HELP = (
    "light-work-only, no-heavy-lifting, seated-work, step-free-access, quiet-environment, "
    "reduced-pace, flexible-breaks"
)


def register(app: typer.Typer) -> None:
    app.add_typer(profile_app, name="profile")


@profile_app.command("set")
@reports_errors
def profile_set(
    ctx: typer.Context,
    case: CaseArg,
    interest: Annotated[
        list[str] | None,
        typer.Option("--interest", help=f"An occupational area (repeat): {AREAS_HELP}."),
    ] = None,
    language: Annotated[
        list[str] | None,
        typer.Option("--language", help="LANGUAGE:LEVEL with a CEFR level (repeat): swedish:B1."),
    ] = None,
    licence: Annotated[
        list[str] | None,
        typer.Option("--licence", help="A driving-licence class held (repeat): B, C, CE …"),
    ] = None,
    certificate: Annotated[
        list[str] | None,
        typer.Option("--certificate", help="A certificate held (repeat): hygiene, forklift …"),
    ] = None,
    max_hours: Annotated[
        int | None, typer.Option("--max-hours", help="The most hours per week (1–40).")
    ] = None,
    municipality: Annotated[
        str | None, typer.Option("--municipality", help="Where the participant lives.")
    ] = None,
    adaptation: Annotated[
        list[str] | None,
        typer.Option(
            "--adaptation",
            help=f"A physical adaptation the work must allow (repeat): {ADAPTATIONS_HELP}. "
            "No health details: only what the work must allow.",
        ),
    ] = None,
    clear: Annotated[
        list[str] | None,
        typer.Option(
            "--clear",
            help="Empty a field (repeat): interests, languages, licences, certificates, hours, "
            "municipality, adaptations.",
        ),
    ] = None,
    by: ByOption = None,
    json_output: JsonOption = False,
) -> None:
    """Set a participant's profile by case: each option given replaces that field whole
    (two --language options: the languages are exactly those two); --clear empties one.
    Every change is logged (`kivo changes participant CASE`)."""
    from pathway.profiles import set_profile

    view = set_profile(
        kivo_of(ctx),
        case,
        interests=interest,
        languages=language,
        licences=licence,
        certificates=certificate,
        max_hours=max_hours,
        municipality=municipality,
        adaptations=adaptation,
        clear=clear or [],
        by=by,
    )
    if json_output:
        print_json(view)
        return
    if not view.changes:
        say(speech.words(N_("profile of case {case}: nothing changed"), case=case))
        return
    for line in view.changes:
        say(
            speech.words(
                N_("profile of case {case}: {field} {old} → {new}"),
                case=case,
                field=line.field,
                old=line.old or "—",
                new=line.new or "—",
            )
        )


@profile_app.command("show")
@reports_errors
def profile_show(ctx: typer.Context, case: CaseArg, json_output: JsonOption = False) -> None:
    """Show the profile of a case's participant."""
    from pathway.profiles import show_profile

    view = show_profile(kivo_of(ctx), case)
    if json_output:
        print_json(view)
        return
    _print_profile(view)


def _print_profile(view: ProfileView) -> None:
    def joined(values: list[str]) -> str:
        return ", ".join(values) or "—"

    rows = [
        (N_("interests"), joined(view.interests)),
        (N_("languages"), joined(view.languages)),
        (N_("driving licences"), joined(view.licences)),
        (N_("certificates"), joined(view.certificates)),
        (N_("most hours per week"), view.max_hours or "—"),
        (N_("municipality"), view.municipality or "—"),
        (N_("adaptations"), joined(view.adaptations)),
        (N_("heaviest physical work"), view.heaviest_physical),
    ]
    title = speech.words(
        N_("Profile of case {case}: {participant}"), case=view.case_id, participant=view.participant
    )
    if not view.recorded:
        title += speech.words(N_(" (none set yet)"))
    table(
        title,
        speech.columns(N_("field"), N_("value")),
        [(speech.text(name), value) for name, value in rows],
    )
