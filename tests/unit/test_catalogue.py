"""The message catalogue is complete: every marked text is in the template, every
template text has a Swedish translation, and a translation keeps its parameters."""

from __future__ import annotations

import string
from functools import cache
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pathway import language

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("states", "pathway", "cli", "web")


def _marked() -> set[str]:
    found: set[str] = set()
    for package in PACKAGES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"N_": None, "_": None},
        ):
            if isinstance(message, str) and message:
                found.add(message)
    return found


def _template() -> set[str]:
    with (language.LOCALE_DIR / "kivo.pot").open("rb") as pot:
        return {str(m.id) for m in read_po(pot) if m.id}


@cache
def _swedish() -> dict[str, tuple[str, bool]]:
    with language.catalogue_file("sv").open("rb") as po:
        return {str(m.id): (str(m.string), m.fuzzy) for m in read_po(po, locale="sv") if m.id}


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_template_holds_every_marked_text_and_nothing_else() -> None:
    marked, template = _marked(), _template()
    assert sorted(marked - template) == [], "run scripts/catalogue.sh"
    assert sorted(template - marked) == [], "run scripts/catalogue.sh"


def test_every_text_of_the_template_has_a_swedish_translation() -> None:
    swedish = _swedish()
    missing = sorted(m for m in _template() if not swedish.get(m, ("", False))[0])
    fuzzy = sorted(m for m, (_, is_fuzzy) in swedish.items() if is_fuzzy)
    assert missing == []
    assert fuzzy == []


@pytest.mark.parametrize("msgid", sorted(_swedish()))
def test_a_translation_keeps_the_parameters_of_its_template(msgid: str) -> None:
    translated, _ = _swedish()[msgid]
    assert _fields(translated) == _fields(msgid)


def test_english_is_the_source_and_needs_no_translation() -> None:
    assert language.render("en", "step {step} needs {what}", {"step": 3, "what": "x"}) == (
        "step 3 needs x"
    )


def test_a_text_the_catalogue_does_not_know_comes_back_as_it_is() -> None:
    assert language.text("sv", "An organisation's own follow-up title") == (
        "An organisation's own follow-up title"
    )


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, "sv"),
        ("", "sv"),
        ("en-GB,en;q=0.9", "en"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "sv"),
        ("de-DE,de;q=0.9", "sv"),
        ("de-DE,en;q=0.5", "en"),
        ("en;q=0.2,sv;q=0.9", "sv"),
        ("en;q=0", "sv"),
        ("garbage;q=x,en", "en"),
    ],
)
def test_a_page_follows_the_browsers_accept_language(header: str | None, expected: str) -> None:
    assert language.negotiate(header) == expected


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, "en"),
        ({"LANG": "C.UTF-8"}, "en"),
        ({"LANG": "sv_SE.UTF-8"}, "sv"),
        ({"LANG": "sv_SE.UTF-8", "LC_ALL": "en_US.UTF-8"}, "en"),
        ({"LANG": "en_GB.UTF-8", "KIVO_LANG": "sv"}, "sv"),
        ({"LANG": "sv_SE.UTF-8", "LC_MESSAGES": "C"}, "en"),
        ({"LANG": "sv_SE.UTF-8", "KIVO_LANG": "xx"}, "sv"),
    ],
)
def test_the_cli_follows_kivo_lang_then_the_locale(environ: dict[str, str], expected: str) -> None:
    assert language.from_environment(environ) == expected
