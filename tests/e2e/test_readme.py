"""The README's walkthrough is a test: every ``$ kivo …`` line runs as written."""

from __future__ import annotations

import os
import re
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path

from tests.e2e.conftest import kivo_executable

README = Path(__file__).resolve().parents[2] / "README.md"
EXPECTED_EXIT = re.compile(r"\s+#\s*exit\s+(\d+)\s*$")


@dataclass
class Step:
    line: str
    expected: list[str] = field(default_factory=list)


def walkthrough_steps(text: str) -> list[Step]:
    """Commands and the output lines each must print, from the ``console`` blocks."""
    steps: list[Step] = []
    for block in re.findall(r"```console\n(.*?)```", text, flags=re.DOTALL):
        for line in block.splitlines():
            if line.startswith("$ "):
                steps.append(Step(line[2:]))
            elif line.strip():
                steps[-1].expected.append(line.strip())
    return steps


def run_step(step: Step, env: dict[str, str], cwd: Path) -> None:
    match = EXPECTED_EXIT.search(step.line)
    expected_code = int(match.group(1)) if match else 0
    words = shlex.split(EXPECTED_EXIT.sub("", step.line))
    if words[0] == "export":
        env.update(tuple(word.split("=", 1)) for word in words[1:])  # type: ignore[misc]
        return
    local = dict(env)
    while "=" in words[0]:
        key, value = words.pop(0).split("=", 1)
        local[key] = value
    assert words[0] == "kivo", step.line
    done = subprocess.run(
        [kivo_executable(), *words[1:]],
        capture_output=True,
        text=True,
        env=local,
        cwd=cwd,
        timeout=60,
        check=False,
    )
    output = done.stdout + done.stderr
    assert done.returncode == expected_code, f"{step.line}\n{output}"
    assert "Traceback" not in output
    for expected in step.expected:
        assert expected in output, f"{step.line}: expected {expected!r} in\n{output}"


def test_the_readme_walkthrough_runs_as_written(tmp_path: Path) -> None:
    steps = walkthrough_steps(README.read_text(encoding="utf-8"))
    assert len(steps) >= 20
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env["COLUMNS"] = "200"
    for step in steps:
        run_step(step, env, tmp_path)


def test_the_readme_names_the_two_setup_commands() -> None:
    text = README.read_text(encoding="utf-8")
    assert "pip install . && kivo demo" in text
    assert "pip install -e '.[test]' && pytest" in text
