"""The profile form on the pages (``kivo profile set``), on SQLite and PostgreSQL:
filled with the profile as it stands, saving the fields typed differently through the
CLI's use case (an emptied one cleared), every problem at once with what was typed
kept, another caseworker's case unknown."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from pathway import directory, enrolment, profiles
from pathway.context import Kivo
from tests.integration.support import Staff, table_contents
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def colleague(web_kivo: Kivo, web_staff: Staff) -> int:
    worker = directory.add_caseworker(web_kivo, "Olof Kollega")
    assert worker.id is not None
    return worker.id


def profiled(kivo: Kivo, caseworker_id: int) -> int:
    case_id = enrolment.enrol(kivo, "Sara Profil", caseworker_id=caseworker_id).case_id
    profiles.set_profile(
        kivo,
        case_id,
        interests=["retail", "kitchen"],
        languages=["swedish:B1"],
        max_hours=30,
        by=caseworker_id,
    )
    return case_id


def test_the_form_shows_the_profile_and_saves_what_changed_clearing_what_was_emptied(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = profiled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)

    assert f'href="/cases/{case_id}/profile"' in me.get(f"/cases/{case_id}")
    form = me.get(f"/cases/{case_id}/profile")
    assert 'value="kitchen, retail"' in form  # as stored: sorted
    assert 'value="30"' in form

    saved = me.post(
        f"/cases/{case_id}/profile",
        {"interests": "retail, kitchen", "languages": "swedish:B2, english:A2", "max_hours": ""},
    )

    assert saved.status_code == 303, saved.text
    now = profiles.show_profile(web_kivo, case_id)
    assert set(now.interests) == {"retail", "kitchen"}
    assert set(now.languages) == {"swedish:B2", "english:A2"}
    assert now.max_hours is None  # emptied: cleared


def test_a_refusal_shows_every_problem_keeps_what_was_typed_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = profiled(web_kivo, web_staff.caseworker)
    me = browser_for(web_staff.caseworker)
    before = profiles.show_profile(web_kivo, case_id)

    refused = me.post(
        f"/cases/{case_id}/profile",
        {"interests": "astronaut", "languages": "swedish", "max_hours": "99"},
    )

    assert refused.status_code == 400
    assert "yrkesområde &#39;astronaut&#39; finns inte" in refused.text
    assert "är inte SPRÅK:NIVÅ" in refused.text
    assert "måste vara från 1 till 40, inte 99" in refused.text
    assert 'value="99"' in refused.text
    assert profiles.show_profile(web_kivo, case_id) == before


def test_another_caseworkers_profile_is_unknown_and_untouched(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    theirs = profiled(web_kivo, colleague)
    me = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)

    shown = me.client.get(f"/cases/{theirs}/profile")
    saved = me.post(f"/cases/{theirs}/profile", {"interests": "retail"})

    assert (shown.status_code, saved.status_code) == (404, 404)
    assert table_contents(web_kivo.database) == before
