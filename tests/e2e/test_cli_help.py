"""End-to-end: every command explains itself, and the README documents every command.

The command tree is walked from the Typer app itself, so a command added later is
covered without touching this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
import typer.main
from typer.core import TyperCommand, TyperGroup

from cli.app import app
from tests.e2e.conftest import Kivo

README = Path(__file__).resolve().parents[2] / "README.md"


Command = TyperCommand | TyperGroup


def typer_command(command: object) -> Command:
    assert isinstance(command, TyperCommand | TyperGroup), command
    return command


def command_tree() -> Iterator[tuple[str, Command]]:
    """Every command and group below ``kivo`` as (path, command), e.g. "participant add"."""

    def walk(command: Command, path: str) -> Iterator[tuple[str, Command]]:
        yield path, command
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(typer_command(sub), f"{path} {name}".strip())

    yield from walk(typer_command(typer.main.get_command(app)), "")


COMMANDS = dict(command_tree())
PATHS = [path for path in COMMANDS if path]
GROUPS = {path: command for path, command in COMMANDS.items() if isinstance(command, TyperGroup)}


def test_the_command_tree_has_every_command_of_the_readme() -> None:
    assert {"init", "demo", "participant add", "fall-back", "rules check", "diagram"} <= set(PATHS)
    assert len(PATHS) >= 26


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: path or "kivo")
def test_every_command_has_help_text_and_every_option_too(path: str) -> None:
    command = COMMANDS[path]
    assert (command.help or "").strip(), f"kivo {path} has no help text"
    for parameter in command.params:
        assert (getattr(parameter, "help", None) or "").strip(), (
            f"kivo {path}: {parameter.name} has no help text"
        )


@pytest.mark.parametrize("path", list(COMMANDS), ids=lambda path: path or "kivo")
def test_kivo_command_help_exits_0_and_shows_the_help_text(path: str, kivo_cli: Kivo) -> None:
    ran = kivo_cli(*path.split(), "--help")
    assert ran.code == 0, ran
    assert "Traceback" not in ran.out + ran.err
    assert f"Usage: kivo {path}".rstrip() in ran.out
    first_line = (COMMANDS[path].help or "").strip().splitlines()[0]
    assert " ".join(first_line.split()) in " ".join(ran.out.split())
    if path in GROUPS:
        for name in GROUPS[path].commands:
            assert name in ran.out, f"kivo {path} --help does not list {name}"


@pytest.mark.parametrize("path", PATHS)
def test_every_command_path_appears_in_the_readme(path: str) -> None:
    assert f"kivo {path}" in README.read_text(encoding="utf-8")
