"""The pages' texts: a rule's hint names the form's field, not the CLI's option."""

from __future__ import annotations

from web.texts import page_hint


def test_a_rules_hint_names_the_pages_field_not_the_clis_option() -> None:
    hint = page_hint("step 2 happens at a workplace: name it with --workplace")
    assert hint == "step 2 happens at a workplace: name it with fältet Arbetsplats"
    assert page_hint("give --on-time") == "give --on-time"  # only whole options
