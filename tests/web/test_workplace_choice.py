"""The workplace and supervisor of a move are typed (name, part of it, or number), not
picked from a list of every one: the case page stays small whatever the directory's
size, a name that fits several is refused with the matches listed, on SQLite and
PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

import pytest
from httpx import Response

from pathway import directory, enrolment
from pathway.context import Kivo
from pathway.views import read_case
from pathway.workspace import case_agenda
from tests.integration.support import Staff, fresh_personnummer
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def many_places(web_kivo: Kivo) -> list[str]:
    """A directory larger than any page should list: 40 workplaces called Snickeriet."""
    return [directory.add_workplace(web_kivo, f"Snickeriet {n:02d}").name for n in range(40)]


def enrolled(kivo: Kivo, caseworker_id: int) -> int:
    return enrolment.enrol(
        kivo,
        "Sara Deltagare",
        personnummer=fresh_personnummer(),
        gender="woman",
        caseworker_id=caseworker_id,
        consent=True,
        on=date(2026, 1, 15),
    ).case_id


def advance(me: Browser, case_id: int, workplace: str, supervisor: str) -> Response:
    form = {"kind": "advance", "step": "2", "on": "2026-02-01", "until": "2026-05-01"}
    place = {"workplace": workplace, "supervisor": supervisor, "intent": "save"}
    return me.post(f"/cases/{case_id}/moves", {**form, **place})


def test_a_move_names_its_workplace_and_supervisor_by_part_of_their_names_in_any_case(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor, many_places: list[str]
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    done = advance(me, case_id, "bageriet i", "sven")
    assert done.status_code == 303, done.text
    placed = case_agenda(web_kivo, case_id).placements[-1]
    assert (placed.workplace_id, placed.supervisor_id) == (
        web_staff.workplace,
        web_staff.supervisor,
    )


def test_a_workplace_typed_by_its_number_is_that_workplace(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    done = advance(me, case_id, str(web_staff.workplace), str(web_staff.supervisor))
    assert done.status_code == 303, done.text
    assert case_agenda(web_kivo, case_id).placements[-1].workplace_id == web_staff.workplace


def test_a_name_that_fits_several_workplaces_is_refused_listing_them_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor, many_places: list[str]
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    before = read_case(web_kivo, case_id).view
    me = browser_for(web_staff.caseworker)
    refused = advance(me, case_id, "snickeriet", "")
    assert refused.status_code == 400
    page = refused.text
    assert "passar flera" in page
    assert "Snickeriet 00" in page  # the first matches, by name
    assert "Snickeriet 09" in page
    assert "Snickeriet 39" not in page  # a few, not all forty
    assert 'value="snickeriet"' in page  # what was typed is kept
    after = read_case(web_kivo, case_id).view
    assert (after.version, len(after.history)) == (before.version, len(before.history))


def test_a_full_name_is_that_workplace_even_when_others_contain_it(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor, many_places: list[str]
) -> None:
    directory.add_workplace(web_kivo, "Snickeriet 01 Annex")
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    refused = advance(me, case_id, "Snickeriet 01", "")  # exactly one name is that
    page = refused.text
    assert "passar flera" not in page
    assert "Snickeriet 01 Annex" not in page


def test_a_name_no_workplace_has_is_refused_naming_the_field(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    refused = advance(me, case_id, "Ingenstans 100%", "")
    assert refused.status_code == 400
    assert "Arbetsplats: ingen aktiv arbetsplats" in refused.text


def test_a_supervisor_is_looked_for_at_the_workplace_chosen(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    refused = advance(me, case_id, "Bageriet i Visby", "Olle Annanstans")  # works elsewhere
    assert refused.status_code == 400
    assert "Handledare: ingen aktiv handledare" in refused.text


def test_the_case_page_lists_no_workplaces_and_only_the_current_workplaces_supervisors(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor, many_places: list[str]
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    assert "Snickeriet" not in me.get(f"/cases/{case_id}")
    assert advance(me, case_id, "Bageriet i Visby", "Sven").status_code == 303
    page = me.get(f"/cases/{case_id}")
    assert "Snickeriet" not in page
    assert "Bageriet i Visby" in page  # the placement's workplace, by name
    assert "Ulla Otränad" in page  # a colleague at the current workplace, to change to
    assert "Olle Annanstans" not in page  # a supervisor at another workplace
