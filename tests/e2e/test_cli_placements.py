"""End-to-end: the programme and placement commands as the installed ``kivo`` command.

Case 1 is in short practice under PRAKTIK from 2026-01-19 to 2026-03-31 at workplace 1;
today is 2026-03-02.
"""

from __future__ import annotations

import json
import shlex
from typing import Any

import pytest

from tests.e2e.conftest import Kivo, Ran

SEED = (
    "caseworker add 'Anna Lindqvist'",
    "workplace add 'Visby bageri'",
    "supervisor add 'Sven Berg' --workplace 1 --trained-on 2025-09-15",
    "participant add 'Amina Haddad' --caseworker 1 --consent --on 2026-01-12",
    "advance 1 short-practice --supervisor 1 --programme praktik --until 2026-03-31 "
    "--on 2026-01-19",
)


@pytest.fixture
def seeded(kivo_cli: Kivo) -> Kivo:
    for line in SEED:
        ran = kivo_cli(*shlex.split(line))
        assert ran.code == 0, ran.err
    return kivo_cli


def document(ran: Ran) -> Any:
    assert ran.code == 0, ran.err
    return json.loads(ran.out)


def history_length(kivo_cli: Kivo) -> int:
    return len(document(kivo_cli("history", "1", "--json")))


def test_programme_list_shows_the_catalogue(kivo_cli: Kivo) -> None:
    found = document(kivo_cli("programme", "list", "--json"))
    mbj = next(p for p in found if p["code"] == "MBJ")
    assert mbj["valid_until"] == "2019-01-01"
    assert "SAVA" in kivo_cli("programme", "list").out


def test_placement_extend_records_an_extension_and_moves_the_end(seeded: Kivo) -> None:
    done = document(
        seeded("placement", "extend", "1", "--until", "2026-05-31", "--reason", "more", "--json")
    )
    assert (done["old_end"], done["new_end"]) == ("2026-03-31", "2026-05-31")
    (placement,) = document(seeded("placement", "list", "--json"))
    assert placement["planned_end"] == "2026-05-31"


def test_placement_extend_beyond_the_maximum_is_refused_and_writes_nothing(seeded: Kivo) -> None:
    before = history_length(seeded)
    ran = seeded("placement", "extend", "1", "--until", "2026-12-31")
    assert ran.code == 3
    assert "programme-total-too-long" in ran.err
    assert history_length(seeded) == before


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (("placement", "extend", "1", "--until", "2026-02-30"), 2),
        (("placement", "extend", "1", "--until", "2026-03-01"), 2),
        (("placement", "extend", "9", "--until", "2026-05-01"), 4),
        (("placement", "end", "1", "--on", "2026-02-20", "--reason", " "), 2),
        (("placement", "end", "1", "--on", "2026-04-01", "--reason", "late"), 2),
        (("placement", "list", "--programme", "NOPE"), 2),
        (("placement", "list", "--active-on", "someday"), 2),
    ],
)
def test_bad_placement_input_is_named_and_writes_nothing(
    seeded: Kivo, args: tuple[str, ...], code: int
) -> None:
    before = history_length(seeded)
    ran = seeded(*args)
    assert ran.code == code
    assert ran.err.startswith("error:") or "Error" in ran.err
    assert history_length(seeded) == before


def test_placement_end_ends_it_and_a_second_end_is_refused(seeded: Kivo) -> None:
    done = document(
        seeded("placement", "end", "1", "--on", "2026-02-20", "--reason", "closed", "--json")
    )
    assert done["followups_cancelled"] > 0
    assert document(seeded("placement", "list", "--active-on", "2026-03-01", "--json")) == []
    again = seeded("placement", "end", "1", "--on", "2026-02-21", "--reason", "again")
    assert again.code == 3
    assert "no open placement" in again.err


def test_placement_list_filters_and_prints_a_table(seeded: Kivo) -> None:
    assert len(document(seeded("placement", "list", "--ending-before", "2026-04-01", "--json")))
    assert (
        document(seeded("placement", "list", "--workplace", "1", "--programme", "PIS", "--json"))
        == []
    )
    assert "PRAKTIK" in seeded("placement", "list").out
