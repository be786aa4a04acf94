"""The participant edit form on the pages (``kivo participant edit``), on SQLite and
PostgreSQL: filled with what stands, saving only what changed through the CLI's use
case, every problem shown at once with what was typed kept, the personnummer masked and
never in an address, another caseworker's case unknown, and a personnummer a
coordinator's correction."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from pathway import directory, editing, enrolment
from pathway.context import Kivo
from pathway.participant_details import participant_details
from states.personnummer import parse_personnummer
from tests.integration.support import Staff, fresh_personnummer, table_contents, written_forms
from tests.web.conftest import Browser

BrowserFor = Callable[[int], Browser]


@pytest.fixture(scope="module")
def colleague(web_kivo: Kivo, web_staff: Staff) -> int:
    worker = directory.add_caseworker(web_kivo, "Olof Kollega")
    assert worker.id is not None
    return worker.id


def enrolled(kivo: Kivo, caseworker_id: int, pnr: str) -> int:
    case_id = enrolment.enrol(kivo, "Sara Deltagare", personnummer=pnr, caseworker_id=caseworker_id)
    editing.edit_participant(
        kivo, case_id.case_id, email="sara@example.se", phone="070-123 45 67", by=caseworker_id
    )
    return case_id.case_id


def details(kivo: Kivo, staff: Staff, case_id: int) -> tuple[Any, ...]:
    found = participant_details(kivo, case_id, by=staff.coordinator)
    return found.name, found.email, found.phone, found.personnummer


def changes_written(kivo: Kivo) -> dict[str, list[tuple[Any, ...]]]:
    """Everything but the access log (showing the form again is a read, and logged)."""
    return {k: v for k, v in table_contents(kivo.database).items() if k != "access_log"}


def test_the_form_is_filled_with_what_stands_and_the_personnummer_masked(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    pnr = fresh_personnummer()
    case_id = enrolled(web_kivo, web_staff.caseworker, pnr)
    me = browser_for(web_staff.caseworker)

    assert f'href="/cases/{case_id}/edit"' in me.get(f"/cases/{case_id}")
    form = me.get(f"/cases/{case_id}/edit")

    assert 'value="Sara Deltagare"' in form
    assert 'value="sara@example.se"' in form
    assert 'value="070-123 45 67"' in form
    digits = parse_personnummer(pnr, today=web_kivo.today()).digits
    assert not any(written in form for written in written_forms(digits))
    assert 'name="personnummer"' not in form  # a caseworker may not correct it


def test_a_save_changes_only_what_was_changed_with_the_caseworker_as_author(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, fresh_personnummer())
    me = browser_for(web_staff.caseworker)
    form = {"name": "Sara Lind", "email": "", "phone": "070-123 45 67"}

    saved = me.post(f"/cases/{case_id}/edit", form)

    assert saved.status_code == 303, saved.text
    assert saved.headers["location"] == f"/cases/{case_id}"
    name, email, phone, _ = details(web_kivo, web_staff, case_id)
    assert (name, email, phone) == ("Sara Lind", None, "070-123 45 67")  # emptied: removed
    lines = editing.record_changes(web_kivo, "participant", case_id).changes
    assert {(c.field, c.by_id) for c in lines[-2:]} == {
        ("name", web_staff.caseworker),
        ("email", web_staff.caseworker),
    }


def test_a_refusal_shows_every_problem_keeps_what_was_typed_and_writes_nothing(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, fresh_personnummer())
    me = browser_for(web_staff.caseworker)
    before = changes_written(web_kivo)

    refused = me.post(
        f"/cases/{case_id}/edit",
        {"name": "Sara Lind", "email": "inte-en-adress", "phone": "ring mig"},
    )
    unchanged = me.post(
        f"/cases/{case_id}/edit",
        {"name": "Sara Deltagare", "email": "sara@example.se", "phone": "070-123 45 67"},
    )

    assert refused.status_code == 400
    assert "&#39;inte-en-adress&#39; är inte en e-postadress" in refused.text  # in Swedish
    assert "&#39;ring mig&#39; är inte ett telefonnummer" in refused.text
    assert 'value="Sara Lind"' in refused.text
    assert 'value="ring mig"' in refused.text
    assert unchanged.status_code == 400
    assert "Inget ändrades" in unchanged.text
    assert changes_written(web_kivo) == before


def test_another_caseworkers_participant_is_unknown_and_untouched(
    web_kivo: Kivo, web_staff: Staff, colleague: int, browser_for: BrowserFor
) -> None:
    theirs = enrolled(web_kivo, colleague, fresh_personnummer())
    me = browser_for(web_staff.caseworker)
    before = table_contents(web_kivo.database)

    shown = me.client.get(f"/cases/{theirs}/edit")
    saved = me.post(f"/cases/{theirs}/edit", {"name": "Någon Annan"})

    assert (shown.status_code, saved.status_code) == (404, 404)
    assert "Sara" not in shown.text + saved.text
    assert table_contents(web_kivo.database) == before


def test_only_a_coordinator_corrects_a_personnummer_and_it_is_never_in_an_address(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, fresh_personnummer())
    corrected = fresh_personnummer("19850505")
    me, boss = browser_for(web_staff.caseworker), browser_for(web_staff.coordinator)
    before = changes_written(web_kivo)

    by_caseworker = me.post(
        f"/cases/{case_id}/edit", {"personnummer": corrected, "reason": "fel siffra"}
    )
    assert by_caseworker.status_code == 403
    assert "bara en samordnare får ändra ett personnummer" in by_caseworker.text
    assert "KIVO_ACTOR" not in by_caseworker.text  # a page names no CLI setting
    assert changes_written(web_kivo) == before

    assert 'name="personnummer"' in boss.get(f"/cases/{case_id}/edit")
    without_reason = boss.post(f"/cases/{case_id}/edit", {"personnummer": corrected})
    assert without_reason.status_code == 400
    assert "reason" in without_reason.text
    saved = boss.post(f"/cases/{case_id}/edit", {"personnummer": corrected, "reason": "fel"})
    assert saved.status_code == 303
    assert corrected not in saved.headers["location"]
    digits = parse_personnummer(corrected, today=web_kivo.today()).digits
    assert details(web_kivo, web_staff, case_id)[3] == f"{digits[:8]}-****"


def test_a_coordinator_protects_an_identity_with_a_reason_and_a_caseworker_may_not(
    web_kivo: Kivo, web_staff: Staff, browser_for: BrowserFor
) -> None:
    case_id = enrolled(web_kivo, web_staff.caseworker, fresh_personnummer())
    me, boss = browser_for(web_staff.caseworker), browser_for(web_staff.coordinator)
    before = changes_written(web_kivo)
    assert f'action="/cases/{case_id}/protect"' not in me.get(f"/cases/{case_id}/edit")

    by_caseworker = me.post(f"/cases/{case_id}/protect", {"reason": "hot", "form": "protect"})
    without_reason = boss.post(f"/cases/{case_id}/protect", {"form": "protect"})

    assert by_caseworker.status_code == 403
    assert "bara en samordnare får skydda en identitet" in by_caseworker.text
    assert without_reason.status_code == 400
    assert changes_written(web_kivo) == before

    protected = boss.post(f"/cases/{case_id}/protect", {"reason": "Hot", "form": "protect"})
    assert protected.status_code == 303, protected.text
    assert participant_details(web_kivo, case_id, by=web_staff.coordinator).protected
    assert "Häv skyddet" in boss.get(f"/cases/{case_id}/edit")
    lifted = boss.post(f"/cases/{case_id}/protect", {"reason": "Hävt", "form": "protect"})
    assert lifted.status_code == 303
    assert not participant_details(web_kivo, case_id, by=web_staff.coordinator).protected
