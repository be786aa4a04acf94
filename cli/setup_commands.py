"""Setting up and understanding kivo: init, demo, rules, diagram."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.context import kivo_of, settings_of
from cli.errors import reports_errors
from cli.options import JsonOption
from cli.output import print_json, say, table, warn

rules_app = typer.Typer(help="Show or check the rule set.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    app.command("init")(init)
    app.command("demo")(demo)
    app.command("diagram")(diagram)
    app.add_typer(rules_app, name="rules")


@reports_errors
def init(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Create the database or upgrade it to the newest schema (safe to run twice)."""
    from pathway.bootstrap import init_database

    result = init_database(settings_of(ctx).database)
    if json_output:
        print_json(result)
        return
    change = "already up to date" if result.before == result.after else "upgraded"
    say(f"{result.database}: schema {result.after} ({change})")


@reports_errors
def demo(ctx: typer.Context, json_output: JsonOption = False) -> None:
    """Fill the database with a realistic demo caseload and print a summary."""
    from pathway.bootstrap import init_database
    from pathway.demo import build_demo

    init_database(settings_of(ctx).database)
    summary = build_demo(kivo_of(ctx))
    if json_output:
        print_json(summary)
        return
    note = "already present" if summary.already_present else "created"
    say(f"Demo caseload {note} in {summary.database}")
    table("Cases by state", ["state", "cases"], summary.states.items())
    say("Try: kivo participant list   ·   kivo participant show 1   ·   kivo diagram")


@reports_errors
def diagram(
    fmt: Annotated[
        str, typer.Option("--format", help="mermaid (default) or dot (Graphviz).")
    ] = "mermaid",
) -> None:
    """Print the path as a state diagram, drawn from the table the engine runs."""
    from pathway.diagram import diagram as draw

    print(draw(fmt))


@rules_app.command("show")
@reports_errors
def rules_show(
    ctx: typer.Context,
    json_output: JsonOption = False,
    toml: Annotated[bool, typer.Option("--toml", help="Print the rules file itself.")] = False,
) -> None:
    """Show the rule set in effect (the default, or KIVO_RULES / --rules)."""
    from pathway.bootstrap import load_rules
    from states.errors import RulesFileError, read_settings_file
    from states.ruleset import default_rules_text, fingerprint

    path = settings_of(ctx).rules
    if toml:
        text = read_settings_file(Path(path), RulesFileError, "rules file") if path else None
        print(text if text is not None else default_rules_text(), end="")
        return
    rules = load_rules(path)
    warn(rules.warnings)
    if json_output:
        print_json(
            {
                "source": rules.source,
                "fingerprint": fingerprint(rules),
                "rules": [r.to_dict() for r in rules.rules],
            }
        )
        return
    rows = [
        (r.code, r.severity.value if r.enabled else "off", _steps(r.steps), r.description)
        for r in rules.rules
    ]
    title = f"Rules ({rules.source}, fingerprint {fingerprint(rules)})"
    table(title, ["code", "severity", "steps", "rule"], rows)
    say(
        "Fixed by the path itself: forward-only advance, backward-only fall-back, nothing "
        "moves an exited case, a paused case only resumes or exits, no move to the current "
        "step, effective dates neither in the future nor before the last change."
    )


@rules_app.command("check")
@reports_errors
def rules_check(
    file: Annotated[Path, typer.Argument(help="The rules file (TOML) to validate.")],
    json_output: JsonOption = False,
) -> None:
    """Validate an organisation's rules file; exit 2 naming every problem."""
    from states.ruleset import load_rules_file

    rules = load_rules_file(file)
    warn(rules.warnings)
    if json_output:
        print_json({"valid": True, "source": rules.source, "rules": len(rules.rules)})
        return
    say(f"{file}: valid ({len(rules.rules)} rules)")


def _steps(steps: frozenset[object]) -> str:
    return ", ".join(str(getattr(s, "number", s)) for s in sorted(steps))  # type: ignore[type-var]
