"""axe-core in a real browser: zero WCAG 2.1 A/AA violations, or the list of them."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from playwright.sync_api import Page

AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


@cache
def _source() -> str:
    return AXE.read_text(encoding="utf-8")


def violations(page: Page) -> list[dict[str, Any]]:
    """The WCAG 2.1 A and AA violations axe finds in ``page`` as it is now.

    axe is evaluated through the DevTools protocol rather than added as a ``<script>``,
    so a page's Content-Security-Policy (no inline script) stays as strict as served."""
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(_source())
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))",
        WCAG_21_AA,
    )
    assert isinstance(found, list)
    return found


def assert_accessible(page: Page) -> None:
    """Fail with each violation (rule, impact, the elements) unless there is none."""
    found = violations(page)
    lines = [f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['nodes'])}" for v in found]
    assert not found, f"axe: {len(found)} WCAG 2.1 A/AA violation(s) on {page.url}:\n" + "\n".join(
        lines
    )
