"""The pages' texts: a rule's hint names the form's field, not the CLI's option."""

from __future__ import annotations

from states.programmes import default_catalogue
from web import page_language
from web.page_language import page_hint, same_site


def test_a_rules_hint_names_the_pages_field_not_the_clis_option() -> None:
    hint = page_hint("sv", "step 2 happens at a workplace: name it with --workplace")
    assert hint == "step 2 happens at a workplace: name it with fältet Arbetsplats"
    assert page_hint("sv", "give --on-time") == "give --on-time"  # only whole options


def test_an_english_page_names_the_field_in_english() -> None:
    hint = page_hint("en", "name it with --workplace")
    assert hint == "name it with the Workplace field"


def test_the_language_switch_sends_the_reader_back_only_to_a_path_of_this_site() -> None:
    assert same_site("/cases/7") == "/cases/7"
    for elsewhere in (
        "https://evil.example/",
        "//evil.example",
        "///evil.example",
        "/\\evil.example",
        "evil.example",
        "/\t/evil.example",
        None,
    ):
        assert same_site(elsewhere) == "/"


def test_a_page_names_a_programme_as_the_organisations_catalogue_does_not_as_a_step() -> None:
    sava = next(p for p in default_catalogue() if p.code == "SAVA")
    assert page_language.programme_name("sv", sava) == sava.name_sv
    assert page_language.programme_name("en", sava) == sava.name_en
    assert page_language.programme_name("sv", sava) != page_language.step_name("sv", 7)
