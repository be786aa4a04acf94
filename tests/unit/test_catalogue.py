"""The message catalogue is complete: every marked text is in the template, every
template text has a Swedish translation (a counted one in each of its forms), and a
translation keeps its parameters."""

from __future__ import annotations

import string
from collections.abc import Iterable
from functools import cache
from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.catalog import Message as Entry
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from pathway import language

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("states", "pathway", "cli", "web")


MsgId = str | tuple[str, str]
"""A text, or a counted text's singular and plural (``NP_``)."""
Translated = str | tuple[str, ...]


def _marked() -> set[MsgId]:
    found: set[MsgId] = set()
    for package in PACKAGES:
        for _file, _line, message, _comments, _context in extract_from_dir(
            ROOT / package,
            method_map=[("**.py", "python")],
            keywords={"N_": None, "_": None, "NP_": (1, 2)},
        ):
            if isinstance(message, str) and message:
                found.add(message)
            elif isinstance(message, tuple) and all(message):
                found.add((str(message[0]), str(message[1])))
    return found


def _key(entry: Entry) -> MsgId:
    if isinstance(entry.id, tuple | list):
        return (str(entry.id[0]), str(entry.id[1]))
    return str(entry.id)


def _template() -> set[MsgId]:
    with (language.LOCALE_DIR / "kivo.pot").open("rb") as pot:
        return {_key(m) for m in read_po(pot) if m.id}


def _read_swedish(entries: Iterable[Entry]) -> dict[MsgId, tuple[Translated, bool]]:
    found: dict[MsgId, tuple[Translated, bool]] = {}
    for m in entries:
        if m.id:
            string = m.string if isinstance(m.string, tuple | list) else str(m.string)
            found[_key(m)] = (tuple(string) if isinstance(string, list) else string, m.fuzzy)
    return found


@cache
def _swedish() -> dict[MsgId, tuple[Translated, bool]]:
    with language.catalogue_file("sv").open("rb") as po:
        return _read_swedish(read_po(po, locale="sv"))


def _untranslated(
    template: Iterable[MsgId], swedish: dict[MsgId, tuple[Translated, bool]]
) -> list[str]:
    """The template's texts without Swedish: a counted one needs every form Swedish
    has (two: "1 ärende", "2 ärenden")."""
    missing = []
    for msgid in template:
        translated = swedish.get(msgid, ("", False))[0]
        forms = translated if isinstance(translated, tuple) else (translated,)
        wanted = 2 if isinstance(msgid, tuple) else 1
        if len(forms) < wanted or not all(forms):
            missing.append(str(msgid))
    return sorted(missing)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_template_holds_every_marked_text_and_nothing_else() -> None:
    marked, template = _marked(), _template()
    assert sorted(marked - template) == [], "run scripts/catalogue.sh"
    assert sorted(template - marked) == [], "run scripts/catalogue.sh"


def test_every_text_of_the_template_has_a_swedish_translation() -> None:
    swedish = _swedish()
    fuzzy = sorted(str(m) for m, (_, is_fuzzy) in swedish.items() if is_fuzzy)
    assert _untranslated(_template(), swedish) == []
    assert fuzzy == []


def test_a_counted_text_missing_a_swedish_form_is_untranslated() -> None:
    po = (
        'msgid "{count} case"\nmsgid_plural "{count} cases"\n'
        'msgstr[0] "{count} ärende"\nmsgstr[1] ""\n'
    )
    swedish = _read_swedish(read_po(BytesIO(po.encode()), locale="sv"))
    assert _untranslated([("{count} case", "{count} cases")], swedish) == [
        "('{count} case', '{count} cases')"
    ]


@pytest.mark.parametrize("msgid", sorted(_swedish(), key=str), ids=str)
def test_a_translation_keeps_the_parameters_of_its_template(msgid: MsgId) -> None:
    translated, _ = _swedish()[msgid]
    if isinstance(msgid, str):
        assert isinstance(translated, str)
        assert _fields(translated) == _fields(msgid)
        return
    singular, plural = msgid
    assert isinstance(translated, tuple)
    assert [_fields(form) for form in translated] == [_fields(singular), _fields(plural)]


def test_a_catalogue_written_without_a_header_counts_as_swedish_counts() -> None:
    assert language.plural("sv", "{count} case", "{count} cases", 1) == "{count} ärende"
    assert language.plural("sv", "{count} case", "{count} cases", 2) == "{count} ärenden"
    assert language.plural("sv", "{count} case", "{count} cases", 0) == "{count} ärenden"


@pytest.mark.parametrize(
    ("lang", "n", "expected"),
    [("en", 1, "1 case"), ("en", 2, "2 cases"), ("sv", 1, "1 ärende"), ("sv", 2, "2 ärenden")],
)
def test_a_counted_text_takes_the_form_of_its_number(lang: str, n: int, expected: str) -> None:
    forms = ("{count} case", "{count} cases")
    assert language.render_counted(lang, forms, n, {"count": n}) == expected


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
