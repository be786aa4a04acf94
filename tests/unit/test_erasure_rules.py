"""The pure rules of erasure: what keeps a person's data, the pseudonym, the stand-in
birth date that keeps every ESF+ age band, and the scrub of free text."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from states.erasure import (
    KEEP_CASE_HISTORY,
    OPEN_CASE,
    PSEUDONYM_ALPHABET,
    RETENTION,
    CaseFacts,
    erasure_blockers,
    needles_of,
    pseudonym,
    scrub,
    scrubbed_data,
    stand_in_birth_date,
    written_forms,
)
from states.reports import age_band

TODAY = date(2026, 3, 2)


def test_an_open_case_and_a_case_inside_its_keep_period_each_block_naming_the_case() -> None:
    cases = [
        CaseFacts(3, None),
        CaseFacts(1, date(2026, 2, 1)),
        CaseFacts(2, date(2025, 1, 1)),
    ]

    found = erasure_blockers(cases, {KEEP_CASE_HISTORY: 90}, TODAY)

    assert [(v.code, v.params["case_id"]) for v in found] == [(RETENTION, 1), (OPEN_CASE, 3)]
    assert "until 2026-05-02" in found[0].message
    assert "case 3 is open" in found[1].message


def test_closed_cases_without_a_keep_period_block_nothing() -> None:
    assert erasure_blockers([CaseFacts(1, TODAY)], {}, TODAY) == []
    assert erasure_blockers([], {KEEP_CASE_HISTORY: 365}, TODAY) == []


def test_the_keep_period_ends_on_its_last_day() -> None:
    closed = TODAY - timedelta(days=30)
    assert erasure_blockers([CaseFacts(1, closed)], {KEEP_CASE_HISTORY: 30}, TODAY) == []
    assert erasure_blockers([CaseFacts(1, closed)], {KEEP_CASE_HISTORY: 31}, TODAY) != []


@given(st.binary(min_size=8, max_size=8))
def test_a_pseudonym_is_raderad_and_ten_unambiguous_characters(token: bytes) -> None:
    prefix, code = pseudonym(token).split(" ")
    assert prefix == "Raderad"
    assert len(code) == 10
    assert set(code) <= set(PSEUDONYM_ALPHABET)


def test_different_tokens_give_different_pseudonyms() -> None:
    assert pseudonym(b"\x00" * 7 + b"\x01") != pseudonym(b"\x00" * 7 + b"\x02")


@given(
    born=st.dates(date(1920, 1, 1), date(2015, 12, 31)),
    offsets=st.lists(st.integers(0, 40 * 366), min_size=1, max_size=4),
    pick=st.floats(0, 1),
)
def test_the_stand_in_birth_date_gives_the_same_age_band_at_every_entry(
    born: date, offsets: list[int], pick: float
) -> None:
    entries = [born + timedelta(days=offset) for offset in offsets]

    chosen = stand_in_birth_date(born, entries, pick)

    assert [age_band(e, birth_date=chosen) for e in entries] == [
        age_band(e, birth_date=born) for e in entries
    ]


def test_the_stand_in_birth_date_is_drawn_across_the_band() -> None:
    born, entry = date(1990, 6, 15), date(2026, 1, 10)  # 35 at entry: 30-54
    low, high = stand_in_birth_date(born, [entry], 0.0), stand_in_birth_date(born, [entry], 1.0)
    assert (high - low).days > 20 * 365


def test_every_written_form_of_the_personnummer_and_the_name_are_scrubbed() -> None:
    digits = "199001011239"
    needles = needles_of("Anna-Karin Öberg", digits)
    text = "Anna-Karin Öberg (900101-1239, 19900101-1239) ringde; ÖBERG bekräftade 9001011239"

    cleaned = scrub(text, needles, "Raderad X")

    assert [form for form in written_forms(digits) if form in cleaned] == []
    assert "Öberg" not in cleaned
    assert "ÖBERG" not in cleaned
    assert "Anna" not in cleaned


def test_an_events_data_keeps_its_facts_and_loses_its_free_text() -> None:
    data = {
        "programme": "PRAKTIK",
        "placement_id": 4,
        "outcome": "employed",
        "override_reason": "Anna needed it",
        "from": "2026-01-01T10:00:00+01:00",
    }

    kept = scrubbed_data(data, needles_of("Anna Berg", None), "Raderad X")

    assert kept == {k: v for k, v in data.items() if k != "override_reason"}
