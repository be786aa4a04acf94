"""Who sees which case, and the rule set's fingerprint: pure functions."""

from __future__ import annotations

from dataclasses import dataclass

from states.access import is_coordinator, may_see, visible
from states.ruleset import default_rules_text, fingerprint, parse_rules


@dataclass(frozen=True)
class Someone:
    id: int | None
    role: str


CASEWORKER = Someone(2, "caseworker")
COORDINATOR = Someone(1, "coordinator")


def test_a_caseworker_sees_their_own_cases_only() -> None:
    assert may_see(CASEWORKER, 2)
    assert not may_see(CASEWORKER, 3)
    assert not may_see(CASEWORKER, None)  # a case with nobody is a coordinator's to place


def test_a_coordinator_and_no_one_named_see_every_case() -> None:
    assert is_coordinator(COORDINATOR)
    assert not is_coordinator(CASEWORKER)
    assert not is_coordinator(None)
    for owner in (2, 3, None):
        assert may_see(COORDINATOR, owner)
        assert may_see(None, owner)


def test_of_a_set_of_cases_a_caseworker_sees_those_they_own() -> None:
    owners = {10: 2, 11: 3, 12: None, 13: 2}
    assert visible(CASEWORKER, owners) == {10, 13}
    assert visible(COORDINATOR, owners) == set(owners)


def test_an_identical_copy_of_the_rules_has_the_same_fingerprint() -> None:
    text = default_rules_text()
    shipped = parse_rules(text, source="default")
    copy = parse_rules("# our copy\n" + text, source="/etc/kivo/our-rules.toml")
    assert fingerprint(shipped) == fingerprint(copy)
    assert len(fingerprint(shipped)) == 16
    assert int(fingerprint(shipped), 16) >= 0  # hexadecimal


def test_a_loosened_copy_of_the_rules_has_another_fingerprint() -> None:
    text = default_rules_text()
    section = text.index("[rules.supervisor-untrained]")
    warning = text[section:].replace('severity = "blocking"', 'severity = "warning"', 1)
    loosened = parse_rules(text[:section] + warning, source="loose.toml")
    later = text.replace("\nbefore_days = 2\n", "\nbefore_days = 3\n")
    assert later != text
    shipped = fingerprint(parse_rules(text, source="default"))
    assert fingerprint(loosened) != shipped
    # the reminders' timing is part of the rule set too
    assert fingerprint(parse_rules(later, source="later.toml")) != shipped
