"""Install hints install this project: ``kivo`` on the public package index is someone
else's, so no message, help text or README line says ``kivo[...]``."""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("states", "pathway", "persistence", "cli")


def test_no_message_help_text_or_readme_line_installs_a_kivo_extra_from_the_index() -> None:
    files = [ROOT / "README.md", *(p for d in SOURCES for p in (ROOT / d).rglob("*.py"))]
    assert len(files) > 50
    said = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in files
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if "kivo[" in line
    ]
    assert said == []


def test_the_extras_are_installed_from_the_source_folder_as_the_readme_says() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for extra in ("postgres", "xlsx", "plot"):
        assert f"pip install '.[{extra}]'" in readme


def test_the_distribution_name_is_ours_and_the_readme_says_it() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == "kivo-path"
    assert project["scripts"] == {"kivo": "cli.app:script"}
    assert "distribution name is `kivo-path`" in (ROOT / "README.md").read_text(encoding="utf-8")
