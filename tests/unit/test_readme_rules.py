"""The README's rules table is documentation that is tested: every shipped rule, with
its default severity, and nothing the rule set does not have."""

from __future__ import annotations

import re
from pathlib import Path

from states.ruleset import load_default_rules

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_rule_rows() -> dict[str, str]:
    section = README.read_text(encoding="utf-8").split("## Rules, and how to change them")[1]
    table = section.split("\n## ")[0]
    return dict(re.findall(r"^\| `([a-z-]+)` \| (blocking|warning) \|", table, flags=re.M))


def test_the_readme_lists_every_default_rule_with_its_default_severity() -> None:
    shipped = {rule.code: rule.severity.value for rule in load_default_rules().rules}
    assert readme_rule_rows() == shipped


def readme_rule_sources() -> dict[str, str]:
    section = README.read_text(encoding="utf-8").split("## Rules, and how to change them")[1]
    table = section.split("\n## ")[0]
    rows = re.findall(r"^\| `([a-z-]+)` \| (?:blocking|warning) \| .* \| (.*) \|$", table, re.M)
    return dict(rows)


def test_the_readme_cites_each_rules_law_as_the_rules_file_does() -> None:
    """Every SFS number a shipped rule cites as its source is named in the README's row."""
    sources = readme_rule_sources()
    for rule in load_default_rules().rules:
        for cited in re.findall(r"\((\d{4}:\d+)\)", rule.source):
            assert cited in sources.get(rule.code, ""), (rule.code, cited)
    assert "dataskyddslagen 3 kap. 10" not in sources["consent-missing"]
