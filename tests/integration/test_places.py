"""Places and employer contacts on real databases (SQLite and PostgreSQL): each change is
one transaction with its event, refusals and bad input write nothing, the events are
append-only and replay to the place, and positions are never taken beyond the number."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from pathway import directory, employers, places
from pathway.context import Kivo
from pathway.errors import Refused
from states.errors import Conflict, InvalidInput, KivoError, NotFound
from states.places import replay_place
from tests.integration.support import TODAY, Staff, engine_of, table_contents

TIMEOUT = 30.0


def add(kivo: Kivo, staff: Staff, **changes: object) -> int:
    values: dict[str, object] = {
        "title": "Kitchen assistant",
        "positions": 2,
        "steps": [2, 7],
        "programmes": ["praktik"],
        "requires": ["physical:medium", "swedish:a2"],
        "hours": 30,
        "supervisor_id": staff.supervisor,
        "tasks": ["Run the dishwasher at lunch"],
        "on": date(2026, 1, 19),
        **changes,
    }
    done = places.add_place(kivo, staff.workplace, **values)  # type: ignore[arg-type]
    return done.place_id


def opened(kivo: Kivo, staff: Staff, **changes: object) -> int:
    place = add(kivo, staff, **changes)
    places.agree_place(kivo, place, on=date(2026, 2, 2))
    places.open_place(kivo, place, on=date(2026, 2, 9))
    return place


def test_adding_a_place_stores_it_at_the_contact_stage_with_its_created_event(
    kivo: Kivo, staff: Staff
) -> None:
    place = add(kivo, staff, by=staff.caseworker)
    view = places.show_place(kivo, place)
    assert (view.status, view.status_on, view.taken, view.free) == (
        "contact",
        date(2026, 1, 19),
        0,
        2,
    )
    assert view.programmes == ["PRAKTIK"]
    assert view.requirements == ["swedish:A2", "physical:medium"]
    assert view.supervisor_id == staff.supervisor
    assert [(e.seq, e.kind, e.to_status, e.by_id) for e in view.history] == [
        (1, "created", "contact", staff.caseworker)
    ]


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"programmes": ["nosuch"]}, InvalidInput, "unknown programme"),
        ({"programmes": ["YA"], "steps": [2]}, InvalidInput, "none of the place's steps"),
        ({"steps": [4]}, InvalidInput, "workplace steps only"),
        ({"positions": 0}, InvalidInput, "positions must be from 1 to 100"),
        ({"hours": 41}, InvalidInput, "hours must be from 1 to 40"),
        ({"requires": ["swedish:B1", "swedish:C1"]}, InvalidInput, "twice"),
        ({"tasks": ["ok", "bad\tline"]}, InvalidInput, "control character"),
        ({"on": date(2026, 3, 3)}, InvalidInput, "after today"),
        ({"by": 999}, NotFound, "no caseworker with id 999"),
    ],
)
def test_bad_input_for_a_place_is_named_and_writes_nothing(
    kivo: Kivo, staff: Staff, changes: dict[str, object], error: type[KivoError], words: str
) -> None:
    before = table_contents(kivo.database)
    with pytest.raises(error, match=words):
        add(kivo, staff, **changes)
    assert table_contents(kivo.database) == before


def test_a_supervisor_of_another_workplace_is_bad_input_and_an_inactive_workplace_refuses(
    kivo: Kivo, staff: Staff
) -> None:
    before = table_contents(kivo.database)
    with pytest.raises(InvalidInput, match=f"works at workplace {staff.other_workplace}"):
        add(kivo, staff, supervisor_id=staff.other_supervisor)
    assert table_contents(kivo.database) == before
    directory.deactivate_workplace(kivo, staff.workplace)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        add(kivo, staff)
    assert [v.code for v in refused.value.violations] == ["workplace-inactive"]
    assert table_contents(kivo.database) == before


def test_every_change_of_the_lifecycle_is_dated_and_kept_as_an_event(
    kivo: Kivo, staff: Staff
) -> None:
    place = add(kivo, staff)
    places.agree_place(kivo, place, on=date(2026, 2, 2), by=staff.caseworker)
    places.open_place(kivo, place, on=date(2026, 2, 9))
    done = places.cancel_place(kivo, place, reason="the chef left", on=date(2026, 2, 20))
    assert (done.from_status, done.to_status, done.on) == ("open", "cancelled", date(2026, 2, 20))
    history = places.show_place(kivo, place).history
    assert [(e.kind, e.from_status, e.to_status, e.on) for e in history] == [
        ("created", None, "contact", date(2026, 1, 19)),
        ("agreed", "contact", "agreed", date(2026, 2, 2)),
        ("opened", "agreed", "open", date(2026, 2, 9)),
        ("cancelled", "open", "cancelled", date(2026, 2, 20)),
    ]
    assert history[-1].reason == "the chef left"
    assert history[1].by_id == staff.caseworker


def test_a_move_outside_the_lifecycle_is_refused_naming_from_and_to_and_writes_nothing(
    kivo: Kivo, staff: Staff
) -> None:
    place = add(kivo, staff)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        places.open_place(kivo, place)
    (violation,) = refused.value.violations
    assert violation.code == "place-transition"
    assert violation.params == {"from_status": "contact", "to_status": "open"}
    with pytest.raises(InvalidInput, match="needs --reason"):
        places.cancel_place(kivo, place, reason=" ")
    with pytest.raises(InvalidInput, match="before the place's last change"):
        places.agree_place(kivo, place, on=date(2026, 1, 18))
    assert table_contents(kivo.database) == before


def test_taking_the_last_position_fills_the_place_and_releasing_one_opens_it_again(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff)
    assert places.take(kivo, place, on=date(2026, 2, 20)).to_status == "open"
    assert places.take(kivo, place, on=date(2026, 2, 21)).to_status == "filled"
    with pytest.raises(Refused) as refused:
        places.take(kivo, place)
    assert [v.code for v in refused.value.violations] == ["place-full"]
    with pytest.raises(Refused, match="a place cannot go from filled to cancelled"):
        places.cancel_place(kivo, place, reason="no")
    done = places.release(kivo, place, on=date(2026, 2, 25))
    assert (done.to_status, done.taken) == ("open", 1)
    view = places.show_place(kivo, place)
    assert [e.kind for e in view.history][3:] == [
        "taken",
        "taken",
        "filled",
        "released",
        "reopened",
    ]
    with kivo.uow(read_only=True) as uow:
        events = uow.places.events(place)
    assert replay_place(events) == (view.status, view.taken) == ("open", 1)


def test_no_position_is_taken_before_the_place_opens_nor_released_when_none_is_taken(
    kivo: Kivo, staff: Staff
) -> None:
    place = add(kivo, staff)
    before = table_contents(kivo.database)
    with pytest.raises(Refused) as refused:
        places.take(kivo, place)
    assert [v.code for v in refused.value.violations] == ["place-not-open"]
    with pytest.raises(Refused) as none_taken:
        places.release(kivo, place)
    assert [v.code for v in none_taken.value.violations] == ["place-none-taken"]
    assert table_contents(kivo.database) == before


def test_a_position_taken_in_a_callers_transaction_goes_with_its_rollback(
    kivo: Kivo, staff: Staff
) -> None:
    """The accept of a proposal will take the position with the case's move: when the
    move fails, the position must not stay taken."""
    place = opened(kivo, staff, positions=1)
    before = table_contents(kivo.database)
    with kivo.uow() as uow:
        taken = places.take_position(kivo, uow, place, on=TODAY, case_id=7)
        assert (taken.status, taken.taken) == ("filled", 1)
        # no commit: the caller's move failed
    assert table_contents(kivo.database) == before
    assert places.show_place(kivo, place).status == "open"


def test_place_events_are_append_only_in_the_database(kivo: Kivo, staff: Staff) -> None:
    add(kivo, staff)
    for statement in ("UPDATE place_event SET kind = 'x'", "DELETE FROM place_event"):
        with pytest.raises(DBAPIError, match="append-only"), engine_of(kivo.database).begin() as db:
            db.execute(text(statement))
    assert len(places.show_place(kivo, 1).history) == 1


def run_together(calls: list[Callable[[], object]]) -> list[object]:
    start = threading.Barrier(len(calls))
    results: list[object] = [None] * len(calls)

    def run(index: int, call: Callable[[], object]) -> None:
        start.wait(TIMEOUT)
        try:
            results[index] = call()
        except Exception as error:  # collected and checked by the test
            results[index] = error

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(TIMEOUT)
    assert not any(thread.is_alive() for thread in threads), "a taker hung"
    return results


def test_takers_at_the_same_time_never_take_more_than_the_positions(
    kivo: Kivo, staff: Staff
) -> None:
    place = opened(kivo, staff, positions=2)
    results = run_together([lambda: places.take(kivo, place) for _ in range(6)])
    won = [r for r in results if isinstance(r, places.PlaceChange)]
    lost = [r for r in results if isinstance(r, Exception)]
    assert len(won) == 2, results
    assert all(isinstance(e, Refused | Conflict) for e in lost), lost
    view = places.show_place(kivo, place)
    assert (view.status, view.taken) == ("filled", 2)
    assert [e.kind for e in view.history].count("taken") == 2


def test_listing_filters_by_status_step_and_workplace_with_a_limit(
    kivo: Kivo, staff: Staff
) -> None:
    first = opened(kivo, staff, steps=[2])
    second = add(kivo, staff, steps=[7], programmes=[])
    third = add(kivo, staff, steps=["fixed-term", 9], programmes=[], supervisor_id=None)
    assert [p.id for p in places.list_places(kivo)] == [first, second, third]
    assert [p.id for p in places.list_places(kivo, status="open")] == [first]
    assert [p.id for p in places.list_places(kivo, step=7)] == [second, third]
    assert [p.id for p in places.list_places(kivo, step="fixed-term", limit=1)] == [second]
    assert places.list_places(kivo, workplace_id=staff.other_workplace) == []
    with pytest.raises(InvalidInput, match="unknown place status"):
        places.list_places(kivo, status="done")


def test_a_contact_is_logged_and_the_next_step_of_the_latest_shows_as_due(
    kivo: Kivo, staff: Staff
) -> None:
    employers.record_contact(
        kivo,
        staff.workplace,
        on=date(2026, 1, 12),
        kind="call",
        note="The chef can take someone",
        next_on=date(2026, 1, 19),
        by=staff.caseworker,
    )
    employers.record_contact(
        kivo,
        staff.workplace,
        on=date(2026, 2, 20),
        kind="e-mail",
        note="Sent the agreement",
        next_on=date(2026, 3, 2),
    )
    view = employers.employer_view(kivo, staff.workplace)
    assert [(c.on, c.kind, c.by) for c in view.contacts] == [
        (date(2026, 2, 20), "e-mail", None),
        (date(2026, 1, 12), "call", "Hanna Handläggare"),
    ]
    assert view.first_contact == date(2026, 1, 12)
    assert view.next_step is not None
    assert (view.next_step.on, view.next_step.due, view.next_step.overdue_days) == (
        TODAY,
        True,
        0,
    )
    assert [s.id for s in view.supervisors] == [staff.supervisor, staff.untrained_supervisor]


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"kind": "fax"}, InvalidInput, "unknown contact kind"),
        ({"note": "a\x1bb"}, InvalidInput, "control character"),
        ({"note": ""}, InvalidInput, "is empty"),
        ({"next_on": date(2026, 1, 1)}, InvalidInput, "before the contact"),
        ({"on": date(2026, 3, 3)}, InvalidInput, "after today"),
        ({"by": 999}, NotFound, "no caseworker"),
        ({"workplace_id": 999}, NotFound, "no workplace"),
    ],
)
def test_a_bad_contact_is_named_and_writes_nothing(
    kivo: Kivo, staff: Staff, changes: dict[str, object], error: type[KivoError], words: str
) -> None:
    values: dict[str, object] = {
        "workplace_id": staff.workplace,
        "on": date(2026, 1, 12),
        "kind": "call",
        "note": "fine",
        **changes,
    }
    workplace = values.pop("workplace_id")
    before = table_contents(kivo.database)
    with pytest.raises(error, match=words):
        employers.record_contact(kivo, workplace, **values)  # type: ignore[arg-type]
    assert table_contents(kivo.database) == before


def test_the_report_counts_places_by_status_and_the_lead_time_from_the_first_contact(
    kivo: Kivo, staff: Staff
) -> None:
    employers.record_contact(kivo, staff.workplace, on=date(2026, 1, 9), kind="visit", note="ok")
    filled = opened(kivo, staff, positions=1)  # first contact 01-09, open 02-09 (31 days)
    places.take(kivo, filled, on=date(2026, 2, 19))  # filled after 41 days
    second = opened(kivo, staff)  # its run-up: no contact since the first place → 01-19
    places.agree_place(kivo, add(kivo, staff), on=date(2026, 2, 1))
    report = places.places_report(kivo)
    counts = {s.status: (s.places, s.positions, s.taken) for s in report.by_status}
    assert counts == {
        "contact": (0, 0, 0),
        "agreed": (1, 2, 0),
        "open": (1, 2, 0),
        "filled": (1, 1, 1),
        "cancelled": (0, 0, 0),
    }
    ages = {s.status: (s.median_age_days, s.oldest_days) for s in report.by_status}
    assert ages["open"] == (21, 21)  # open since 02-09
    assert ages["agreed"] == (29, 29)
    assert second != filled
    lead = {t.stage: (t.places, t.median_days, t.p90_days) for t in report.lead_times}
    assert lead == {"open": (2, 21, 31), "filled": (1, 41, 41), "in place": (1, 41, 41)}


def test_the_weekly_letter_lists_the_employer_next_steps_due_by_the_weeks_end(
    kivo: Kivo, staff: Staff
) -> None:
    """The next step agreed at a workplace's latest contact, due this week or overdue,
    is in the letter of the caseworker who logged it; the coordinator gets the count. A
    later contact without ``--next`` settles the earlier step; one due next week waits."""
    from pathway.letters import send_weekly_letters
    from tests.integration.test_weekly_letters import RecordingLetters

    later = directory.add_workplace(kivo, "Hamnens kök").id
    assert later is not None
    log = employers.record_contact
    log(
        kivo,
        staff.workplace,
        on=date(2026, 2, 20),
        kind="call",
        note="ok",
        next_on=date(2026, 3, 5),
        by=staff.caseworker,
    )
    log(
        kivo,
        staff.other_workplace,
        on=date(2026, 2, 10),
        kind="visit",
        note="ok",
        next_on=date(2026, 2, 16),
        by=staff.caseworker,
    )
    log(
        kivo,
        staff.other_workplace,
        on=date(2026, 2, 25),
        kind="e-mail",
        note="done",
        by=staff.caseworker,
    )
    log(
        kivo,
        later,
        on=date(2026, 2, 26),
        kind="meeting",
        note="ok",
        next_on=date(2026, 3, 12),
        by=staff.caseworker,
    )
    steps = employers.next_steps_due(kivo, by=date(2026, 3, 8))
    assert [(s.workplace_id, s.on) for s in steps] == [(staff.workplace, date(2026, 3, 5))]
    assert (
        employers.next_steps_due(kivo, by=date(2026, 3, 8), caseworker_id=staff.coordinator) == []
    )

    notifier = RecordingLetters()
    send_weekly_letters(kivo, notifier)
    letters = {letter.recipient.id: letter for letter in notifier.letters}
    mine, overview = letters[staff.caseworker], letters[staff.coordinator]
    assert mine.body.endswith(
        f"Employer next steps (1):\n- workplace {staff.workplace} Bageriet i Visby: due 2026-03-05"
    )
    assert "Vården Norr" not in mine.body
    assert "Hamnens kök" not in mine.body
    assert overview.body.endswith("- employer next steps due: 1")


def test_a_status_change_whose_event_cannot_be_written_leaves_the_place_as_it_was(
    kivo: Kivo, staff: Staff, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The place row and its event are one transaction: no status without its event."""
    from persistence.place_repository import PlaceRepository

    place = add(kivo, staff)
    before = table_contents(kivo.database)

    def broken(self: PlaceRepository, event: object) -> None:
        raise RuntimeError("the disk is full")

    monkeypatch.setattr(PlaceRepository, "append_event", broken)
    with pytest.raises(RuntimeError, match="disk is full"):
        places.agree_place(kivo, place)
    with pytest.raises(RuntimeError, match="disk is full"):
        places.add_place(kivo, staff.workplace, title="Another", positions=1, steps=[2])
    monkeypatch.undo()
    assert table_contents(kivo.database) == before
    assert places.show_place(kivo, place).status == "contact"
