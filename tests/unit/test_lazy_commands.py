"""The lazy command groups: ``kivo --help`` imports no command module and no database
library, and behaves exactly as the app built eagerly from every command module."""

from __future__ import annotations

import json
import subprocess
import sys
from importlib import import_module
from pathlib import Path

import pytest
import typer.main
from typer import _click as click
from typer.core import TyperCommand
from typer.testing import CliRunner

from cli import app as app_module
from cli.lazy import COMMANDS, MODULES, LazyCommands, commands_of, new_app, short_help

CLI = Path(__file__).resolve().parents[2] / "cli"
HEAVY = ("sqlmodel", "sqlalchemy", "transitions", "apscheduler", "alembic", "rich", "pydantic")


def eager_app() -> typer.Typer:
    """``kivo`` as it was before the lazy groups: every command module registered."""
    eager = new_app(
        name="kivo",
        help="Case management for the nine-step KIVO inclusion path.",
        no_args_is_help=True,
    )
    eager.callback()(app_module.main_options)
    for module in MODULES:
        import_module(f"cli.{module}").register(eager)
    return eager


def declared_commands() -> list[tuple[str, str, str]]:
    owner = {name: module for module in MODULES for name in commands_of(module)}
    listed = typer.main.get_group(eager_app()).commands
    return [(name, owner[name], short_help(command.help)) for name, command in listed.items()]


def modules_imported_by(*argv: str) -> set[str]:
    """Run ``kivo ARGV`` in a fresh interpreter; the modules it had imported at exit."""
    script = (
        "import json, sys\n"
        "from cli.app import main\n"
        f"sys.argv = ['kivo', *{list(argv)!r}]\n"
        "try:\n"
        "    main()\n"
        "except SystemExit:\n"
        "    pass\n"
        "print(json.dumps(sorted(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=CLI.parent,
        timeout=60,
        check=False,
    )
    modules: list[str] = json.loads(done.stderr.strip().splitlines()[-1])
    return set(modules)


def test_the_static_command_table_equals_what_the_command_modules_declare() -> None:
    assert list(COMMANDS) == declared_commands()


def test_every_command_module_under_cli_is_in_the_lazy_table() -> None:
    assert set(MODULES) == {path.stem for path in CLI.glob("*_commands.py")}


def test_kivo_help_imports_no_command_module_and_no_database_or_scheduling_library() -> None:
    modules = modules_imported_by("--help")
    assert "cli.lazy" in modules
    assert not {m for m in modules if m.endswith("_commands")}
    assert not {m for m in modules if m.split(".")[0] in HEAVY}
    assert not {m for m in modules if m.split(".")[0] in ("pathway", "persistence")}


def test_a_group_help_imports_only_the_module_that_declares_the_group() -> None:
    modules = modules_imported_by("participant", "--help")
    assert {m for m in modules if m.endswith("_commands")} == {"cli.participant_commands"}
    assert not {m for m in modules if m.split(".")[0] in ("sqlmodel", "sqlalchemy", "alembic")}


@pytest.mark.parametrize(
    "argv",
    [
        ["--help"],
        [],
        ["participant", "--help"],
        ["participant", "show", "--help"],
        ["report", "esf", "--help"],
        ["history", "--help"],
        ["participnt"],
        ["nosuch"],
        ["participant", "shw"],
        ["participant", "show"],
        ["participant", "show", "19800101-1234", "--json"],
        ["--bogus"],
        ["rules"],
    ],
    ids=lambda argv: " ".join(argv) or "no arguments",
)
def test_the_lazy_app_answers_exactly_as_the_app_built_from_every_module(
    argv: list[str],
) -> None:
    runner = CliRunner()
    lazy = runner.invoke(app_module.app, argv, terminal_width=100)
    eager = runner.invoke(eager_app(), argv, terminal_width=100)
    assert (lazy.exit_code, lazy.output) == (eager.exit_code, eager.output)
    assert lazy.output.strip()


def test_a_command_is_looked_up_by_importing_only_the_module_that_declares_it() -> None:
    loaded: list[str] = []

    def load(module: str) -> dict[str, click.Command]:
        loaded.append(module)
        return {name: TyperCommand(name=name) for name, owner, _ in COMMANDS if owner == module}

    commands = LazyCommands(COMMANDS, load)
    assert list(commands) == [name for name, _, _ in COMMANDS]
    assert loaded == []
    assert commands.get("advance") is commands["advance"]
    assert commands.get("pause") is not None
    assert loaded == ["move_commands"]
    assert commands.get("no-such-command") is None
    assert "participnt" not in commands
    assert loaded == ["move_commands"]
