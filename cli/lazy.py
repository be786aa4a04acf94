"""Lazy command groups: ``kivo --help`` lists commands without importing them.

The root group's commands are a mapping that knows every command's name, the module
that declares it and its one-line help (``COMMANDS``, below) but imports that module only
when the command itself is asked for: ``kivo participant show 12`` imports
``cli.participant_commands`` and nothing of the other thirteen command modules, and
``kivo --help`` imports none of them. A unit test keeps ``COMMANDS`` equal to what the
modules really declare (names, order and help), so the listing cannot drift.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, MutableMapping
from importlib import import_module
from typing import Any

import typer
from typer import _click as click  # Typer's own (vendored) Click
from typer.core import TyperCommand, TyperGroup

# (name, module under cli/, the first paragraph of its help on one line), in the order
# ``kivo --help`` lists them: the commands first, then the groups, each in the order the
# modules are registered (as Typer lists an app's commands and groups).
COMMANDS: tuple[tuple[str, str, str], ...] = (
    (
        "init",
        "setup_commands",
        "Create the database or upgrade it to the newest schema (safe to run twice).",
    ),
    (
        "demo",
        "setup_commands",
        "Fill the database with a realistic demo caseload and print a summary.",
    ),
    (
        "diagram",
        "setup_commands",
        "Print the path as a state diagram, drawn from the table the engine runs.",
    ),
    (
        "consent",
        "participant_commands",
        "Record the participant's consent to share information with employers and agencies, "
        "or (--withdraw) its withdrawal.",
    ),
    (
        "history",
        "participant_commands",
        "Show a case's full history, oldest first; with --owners, who owned it when.",
    ),
    (
        "changes",
        "participant_commands",
        "Show the logged edits of a participant, caseworker, supervisor or workplace.",
    ),
    (
        "advance",
        "move_commands",
        "Move a case forward to a later step (steps may be skipped); several cases: each on "
        "its own, a refusal never undoing the others.",
    ),
    (
        "fall-back",
        "move_commands",
        "Move a case back to an earlier step, with the reason (counted in reports).",
    ),
    ("pause", "move_commands", "Pause a case; it remembers its step and returns there on resume."),
    ("resume", "move_commands", "Resume a paused case in the step it was paused from."),
    ("exit", "move_commands", "Close a case with its outcome; an exited case never moves again."),
    (
        "scheduler",
        "scheduler_commands",
        "Run the reminder dispatch pass every interval and the weekly digest daily, until "
        "stopped (Ctrl-C or SIGTERM: the pass in flight finishes first; exit 0). The daily "
        "digest sends each caseworker and coordinator this week's letter through the same "
        "notifier, once per person and week.",
    ),
    (
        "digest",
        "scheduler_commands",
        "The week's letter: follow-ups and meetings due, placements starting and ending, and "
        "what is overdue, per caseworker, with the coordinator's totals.",
    ),
    (
        "doctor",
        "doctor_commands",
        "Check the database: reachable, at the newest schema, every case's state equal to the"
        " replay of its history, every case with its enrolment, no orphaned follow-up or "
        "reminder, the schedulers alive. Exit 0 when all is well, 6 on any finding.",
    ),
    (
        "note",
        "note_commands",
        "Keep a dated note on a case (personal data: never exported or logged).",
    ),
    ("notes", "note_commands", "Show a case's notes, oldest first."),
    (
        "correct",
        "correct_commands",
        "Undo a recorded move or exit by a coordinator: state, placement, follow-ups, "
        "meetings and reminders as before it, in one transaction; both events stay in the "
        "history and reports count the corrected move out.",
    ),
    (
        "serve",
        "serve_commands",
        "Serve the web workspace for caseworkers (sessions signed with KIVO_SECRET_KEY); "
        "refuses an outdated database schema, naming the command that upgrades it.",
    ),
    (
        "propose",
        "proposal_commands",
        "Propose a participant (their case) for an open place; prints the proposal id.",
    ),
    ("rules", "setup_commands", "Show or check the rule set."),
    ("caseworker", "directory_commands", "Caseworkers and coordinators."),
    ("workplace", "directory_commands", "Workplaces where practice and employment happen."),
    ("supervisor", "directory_commands", "Supervisors (handledare) at workplaces."),
    ("participant", "participant_commands", "Participants and their cases."),
    ("meeting", "meeting_commands", "Tripartite meetings (participant, supervisor, caseworker)."),
    (
        "followup",
        "followup_commands",
        "Follow-up contacts, planned meetings and decisions on cases.",
    ),
    (
        "reminders",
        "reminder_commands",
        "Reminders to caseworkers and coordinators: send what is due.",
    ),
    (
        "placement",
        "placement_commands",
        "Placements: start, extend, change supervisor, end early, list.",
    ),
    ("programme", "placement_commands", "The programmes catalogue."),
    (
        "caseload",
        "caseload_commands",
        "Caseloads: hand cases over when someone leaves or changes office.",
    ),
    (
        "report",
        "report_commands",
        "Reports for steering groups and funders, computed in the database.",
    ),
    ("target", "target_commands", "Programme targets per year: set and list."),
    ("import", "import_commands", "Import participants from a CSV file."),
    (
        "export",
        "export_commands",
        "Export data for Excel and other tools (CSV, JSON Lines, xlsx).",
    ),
    (
        "employer",
        "employer_commands",
        "Employers at workplaces: log contacts, show contacts, places and supervisors.",
    ),
    (
        "place",
        "place_commands",
        "Places (platser) workplaces offer: add, agree, open, cancel, show, list.",
    ),
    (
        "profile",
        "profile_commands",
        "Participant profiles for matching: interests, languages, licences, constraints.",
    ),
    (
        "match",
        "match_commands",
        "Matching that explains itself: participants for a place, places for a participant.",
    ),
    (
        "proposal",
        "proposal_commands",
        "Proposals of participants for places: decline, accept, end, list.",
    ),
    (
        "audit",
        "audit_commands",
        "The access log: who read or changed which case, when (coordinators).",
    ),
    (
        "person",
        "person_commands",
        "A person's data (GDPR), for coordinators: register extracts and erasure on request.",
    ),
    (
        "retention",
        "retention_commands",
        "Retention (gallring) under the retention schedule: plan and apply.",
    ),
)

MODULES: tuple[str, ...] = (
    "setup_commands",
    "directory_commands",
    "participant_commands",
    "move_commands",
    "meeting_commands",
    "followup_commands",
    "reminder_commands",
    "scheduler_commands",
    "placement_commands",
    "caseload_commands",
    "report_commands",
    "target_commands",
    "import_commands",
    "export_commands",
    "doctor_commands",
    "note_commands",
    "correct_commands",
    "employer_commands",
    "place_commands",
    "serve_commands",
    "profile_commands",
    "match_commands",
    "proposal_commands",
    "audit_commands",
    "erase_commands",
    "person_commands",
    "retention_commands",
)
"""The command modules in the order ``cli.app`` registers them."""


def new_app(**settings: Any) -> typer.Typer:
    """A Typer app with kivo's settings: those a command inherits from its app."""
    return typer.Typer(
        add_completion=False, pretty_exceptions_enable=False, rich_markup_mode=None, **settings
    )


def commands_of(module: str) -> dict[str, click.Command]:
    """The Click commands and groups a command module registers, by name, in order."""
    holder = new_app()
    import_module(f"cli.{module}").register(holder)
    return dict(typer.main.get_group(holder).commands)


def short_help(help_text: str | None) -> str:
    """The first paragraph of a help text on one line: what the static table holds."""
    return " ".join((help_text or "").split("\f")[0].partition("\n\n")[0].split())


class LazyCommands(MutableMapping[str, click.Command]):
    """Commands by name; a command's module is imported when the command is looked up."""

    def __init__(
        self,
        table: tuple[tuple[str, str, str], ...],
        load: Callable[[str], dict[str, click.Command]] = commands_of,
    ) -> None:
        self.modules = {name: module for name, module, _ in table}
        self.help = {name: text for name, _, text in table}
        self.names = [name for name, _, _ in table]
        self.loaded: dict[str, click.Command] = {}
        self.load = load

    def __getitem__(self, name: str) -> click.Command:
        if name not in self.loaded and name in self.modules:
            for found, command in self.load(self.modules[name]).items():
                self.loaded.setdefault(found, command)
        return self.loaded[name]

    def __setitem__(self, name: str, command: click.Command) -> None:
        if name not in self.names:
            self.names.append(name)
        self.loaded[name] = command

    def __delitem__(self, name: str) -> None:
        self.names.remove(name)
        self.loaded.pop(name, None)
        self.modules.pop(name, None)

    def __iter__(self) -> Iterator[str]:
        return iter(list(self.names))

    def __len__(self) -> int:
        return len(self.names)

    def __contains__(self, name: object) -> bool:
        return name in self.names


class LazyGroup(TyperGroup):
    """The ``kivo`` group: lists from ``COMMANDS``, imports a command when it is run."""

    def __init__(self, **attrs: Any) -> None:
        super().__init__(**attrs)
        lazy = LazyCommands(COMMANDS)
        for name, command in self.commands.items():  # any registered eagerly
            lazy[name] = command
        self.commands = lazy

    def lazy_commands(self) -> LazyCommands:
        assert isinstance(self.commands, LazyCommands)
        return self.commands

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(self.commands)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """As Typer does, but the one-line help of a command not yet imported comes from
        the static table (the same text: a unit test sees to that)."""
        lazy = self.lazy_commands()
        rows: list[tuple[str, click.Command]] = []
        for name in self.list_commands(ctx):
            command = lazy.loaded.get(name) or TyperCommand(name=name, help=lazy.help.get(name))
            if not command.hidden:
                rows.append((name, command))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            with formatter.section("Commands"):
                formatter.write_dl([(name, c.get_short_help_str(limit)) for name, c in rows])
