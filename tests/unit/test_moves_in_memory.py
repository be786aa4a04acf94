"""Service tests on the unit of work in memory (``tests.fakes``): the real move and
case-page use cases, no database, a few milliseconds each."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from pathway import moves, views
from pathway.errors import Refused
from states.case import Outcome
from states.errors import Conflict, NotFound
from states.personnummer import luhn_check_digit
from states.steps import Step
from tests.fakes import FakePipeline, FakeStore, Meeting, fake_kivo

TODAY = date(2026, 3, 2)
ENROLLED = date(2026, 1, 12)


def personnummer(birth: str = "19900101", serial: str = "123") -> str:
    nine = birth[2:] + serial
    return f"{birth}{serial}{luhn_check_digit(nine)}"


class Setting:
    def __init__(self) -> None:
        self.store = FakeStore()
        self.kivo = fake_kivo(self.store)
        self.coordinator = self.store.add_caseworker("Cecilia Samordnare", role="coordinator")
        self.caseworker = self.store.add_caseworker("Hanna Handläggare")
        self.workplace = self.store.add_workplace("Bageriet i Visby", employer="Bageriet AB")
        self.supervisor = self.store.add_supervisor(
            "Sven Handledare", self.workplace, trained_on=date(2025, 9, 1)
        )
        self.untrained = self.store.add_supervisor("Ulla Otränad", self.workplace, None)
        self.case = self.store.add_case(
            "Amira Deltagare",
            personnummer=personnummer(),
            opened_on=ENROLLED,
            caseworker_id=self.caseworker,
        )


@pytest.fixture
def setting() -> Setting:
    return Setting()


def test_advancing_into_short_practice_opens_the_placement_its_follow_ups_and_reminders(
    setting: Setting,
) -> None:
    store = setting.store
    result = moves.advance(
        setting.kivo,
        setting.case,
        Step.SHORT_PRACTICE,
        on=TODAY,
        supervisor_id=setting.supervisor,
        by=setting.caseworker,
    )
    records = store.records
    case = records.cases[setting.case]
    assert (case.state, case.version, case.last_move_on) == ("short-practice", 1, TODAY)
    (placement,) = records.placements.values()
    assert (placement.case_id, placement.workplace_id, placement.supervisor_id) == (
        setting.case,
        setting.workplace,
        setting.supervisor,
    )
    assert result.placement_id == placement.id
    items = list(records.followups.values())
    assert items
    assert all(f.placement_id == placement.id for f in items)
    assert {r.followup_id for r in records.reminders} <= {f.id for f in items}
    assert records.reminders
    last = store.history(setting.case)[-1]
    assert (last.seq, last.kind, last.to_state, last.actor_id) == (
        2,
        "advanced",
        "short-practice",
        setting.caseworker,
    )
    assert last.data["placement_id"] == placement.id
    assert store.commits == 1


def test_a_refused_move_writes_nothing(setting: Setting) -> None:
    before = setting.store.records
    with pytest.raises(Refused) as refused:
        moves.advance(
            setting.kivo,
            setting.case,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=setting.untrained,
        )
    assert "supervisor-untrained" in {v.code for v in refused.value.violations}
    assert setting.store.records is before
    assert setting.store.commits == 0
    assert len(setting.store.history(setting.case)) == 1


def test_a_move_expecting_an_older_version_is_a_conflict_and_writes_nothing(
    setting: Setting,
) -> None:
    moves.advance(setting.kivo, setting.case, Step.INFORMATION, on=TODAY)
    with pytest.raises(Conflict):
        moves.pause(setting.kivo, setting.case, reason="ill", on=TODAY, expected_version=0)
    assert setting.store.records.cases[setting.case].state == "information"
    assert setting.store.commits == 1


def test_a_write_that_fails_half_way_leaves_the_store_as_it_was(
    setting: Setting, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: FakePipeline, events: object) -> None:
        raise OSError("the history could not be written")

    monkeypatch.setattr(FakePipeline, "append_events", broken)
    with pytest.raises(OSError, match="history could not be written"):
        moves.advance(
            setting.kivo,
            setting.case,
            Step.SHORT_PRACTICE,
            on=TODAY,
            supervisor_id=setting.supervisor,
        )
    records = setting.store.records
    assert records.cases[setting.case].version == 0
    assert not records.placements
    assert not records.followups
    assert not records.reminders


def test_an_exit_ends_the_placement_cancels_the_open_follow_ups_and_the_booked_meetings(
    setting: Setting,
) -> None:
    kivo, store = setting.kivo, setting.store
    started = date(2026, 2, 16)
    moves.advance(
        kivo, setting.case, Step.SHORT_PRACTICE, on=started, supervisor_id=setting.supervisor
    )
    store.records.meetings.append(Meeting(setting.case, datetime(2026, 3, 20, 10, tzinfo=UTC)))
    result = moves.exit_case(kivo, setting.case, outcome=Outcome.EMPLOYED, on=TODAY)
    assert "meeting-not-held" in {w["code"] for w in result.warnings}
    records = store.records
    (placement,) = records.placements.values()
    assert (placement.ended_on, placement.end_reason) == (TODAY, "exited")
    placed = {f.id: f for f in records.followups.values() if f.placement_id == placement.id}
    assert placed
    assert {f.status for f in placed.values()} == {"cancelled"}
    assert {r.status for r in records.reminders if r.followup_id in placed} == {"dropped"}
    after = [f for f in records.followups.values() if f.id not in placed]
    assert after
    assert all(f.status == "pending" and f.due > TODAY for f in after)
    (meeting,) = records.meetings
    assert meeting.status == "cancelled"
    assert records.cases[setting.case].closed_on == TODAY


def test_a_meeting_held_in_the_step_is_counted_by_the_rules(setting: Setting) -> None:
    kivo, store = setting.kivo, setting.store
    started = date(2026, 2, 16)
    moves.advance(
        kivo, setting.case, Step.SHORT_PRACTICE, on=started, supervisor_id=setting.supervisor
    )
    held = Meeting(setting.case, datetime(2026, 2, 20, 10, tzinfo=UTC), status="held")
    store.records.meetings.append(held)
    result = moves.exit_case(kivo, setting.case, outcome=Outcome.EMPLOYED, on=TODAY)
    assert "meeting-not-held" not in {w["code"] for w in result.warnings}


def test_the_case_page_reads_what_the_moves_wrote(setting: Setting) -> None:
    kivo = setting.kivo
    moves.advance(kivo, setting.case, Step.INFORMATION, on=TODAY, by=setting.caseworker)
    reading = views.read_case(kivo, setting.case)
    view = reading.view
    assert (view.state, view.step, view.version, view.caseworker) == (
        "information",
        1,
        1,
        "Hanna Handläggare",
    )
    assert view.personnummer is not None
    assert view.personnummer.endswith("****")
    assert [line.kind for line in view.history] == ["enrolled", "advanced"]
    assert view.history[-1].by == "Hanna Handläggare"
    assert reading.names == {setting.caseworker: "Hanna Handläggare"}
    assert {move.step for move in view.next} >= {2, 4, 5}
    with pytest.raises(NotFound):
        views.read_case(kivo, 999_999)


def test_a_paused_case_resumes_in_the_step_it_was_paused_from(setting: Setting) -> None:
    kivo, case = setting.kivo, setting.case
    moves.advance(kivo, case, Step.INFORMATION, on=TODAY)
    moves.pause(kivo, case, reason="ill", on=TODAY)
    assert setting.store.records.cases[case].paused_from == "information"
    moves.resume(kivo, case, on=TODAY)
    assert views.read_case(kivo, case).view.state == "information"
    assert [e.kind for e in setting.store.history(case)] == [
        "enrolled",
        "advanced",
        "paused",
        "resumed",
    ]
