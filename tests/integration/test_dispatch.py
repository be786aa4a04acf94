"""The reminder outbox and its dispatch pass, on SQLite and PostgreSQL.

Each test reads back what the pass stored (bypassing the use cases) as well as what
the notifier was given.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.exc import IntegrityError

from pathway import directory, enrolment, moves
from pathway.context import Kivo
from pathway.dispatch import NOBODY, DispatchResult, backoff, dispatch
from pathway.notifiers import ConsoleNotifier, FileNotifier, Recipient, ReminderMessage
from pathway.notifiers import SmtpNotifier as Smtp
from states.records import Reminder
from states.steps import Step
from tests.dispatch_support import (
    FailingNotifier,
    RecordingNotifier,
    add_followup,
    add_office,
    lines_of,
    mark_all_pending,
    sent_ids,
    set_followup_status,
    stored_reminders,
)
from tests.integration.support import add_staff, fresh_personnummer, written_forms

MakeKivo = Callable[..., Kivo]
DUE = date(2026, 3, 10)  # before on 3-08, due on 3-10, escalation on 3-17
WEEK = timedelta(days=7)


def on(make_kivo: MakeKivo, day: date, time: str = "09:00") -> Kivo:
    return make_kivo(f"{day.isoformat()}T{time}")


def utc(moment: datetime | None) -> datetime | None:
    """As stored: SQLite gives back UTC without a zone."""
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def test_a_due_reminder_is_sent_once_on_its_day_and_never_before(make_kivo: MakeKivo) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE)
    told: dict[date, list[tuple[str, int | None]]] = {}

    for day in (date(2026, 3, d) for d in range(2, 21)):
        notifier = RecordingNotifier()
        for _ in range(2):  # a second pass the same day sends nothing more
            dispatch(on(make_kivo, day), notifier)
        if notifier.messages:
            told[day] = [(m.kind, m.recipient.id) for m in notifier.messages]

    assert told == {
        date(2026, 3, 8): [("before", office.caseworker)],
        date(2026, 3, 10): [("due", office.caseworker)],
        date(2026, 3, 17): [("escalation", office.coordinator)],
    }
    stored = stored_reminders(kivo.database)
    assert {stored[i].kind: (stored[i].status, stored[i].attempts) for i in stored} == {
        "before": ("sent", 1),
        "due": ("sent", 1),
        "escalation": ("sent", 1),
    }
    assert utc(stored[reminders["due"]].sent_at) == datetime(2026, 3, 10, 8, 0, tzinfo=UTC)


def test_a_pass_after_days_of_downtime_sends_what_was_missed_exactly_once_and_says_how_late(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE)
    notifier = RecordingNotifier()

    first = dispatch(on(make_kivo, date(2026, 3, 20)), notifier)
    again = dispatch(on(make_kivo, date(2026, 3, 21)), notifier)

    assert first == DispatchResult(sent=2, escalated=1, failed=0, dropped=1)
    assert again == DispatchResult()
    assert [m.kind for m in notifier.messages] == ["due", "escalation"]
    assert [m.escalation for m in notifier.messages] == [False, True]
    assert [m.subject() for m in notifier.messages] == [
        f"[kivo] Late: Follow-up contact during the placement (case {office.case}, "
        "due 10 March, 10 days ago)",
        f"[kivo] Overdue: Follow-up contact during the placement (case {office.case}, "
        "due 10 March, 10 days ago)",
    ]
    assert stored_reminders(kivo.database)[reminders["before"]].status == "dropped"


def test_a_due_reminder_sent_late_says_how_late_and_never_due_today(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    add_followup(kivo, office.case, date(2026, 3, 16), kinds=[("due", date(2026, 3, 16))])
    notifier = RecordingNotifier()

    dispatch(on(make_kivo, date(2026, 3, 24)), notifier)

    (message,) = notifier.messages
    assert message.today == date(2026, 3, 24)  # from the injected clock
    assert f"(case {office.case}, due 16 March, 8 days ago)" in message.subject()
    assert "was due 16 March, 8 days ago, and is still open." in message.text()
    assert "today" not in message.subject().lower() + message.text()


@pytest.mark.parametrize(
    ("day", "sent"),
    [(date(2026, 3, 8), True), (date(2026, 3, 10), True), (date(2026, 3, 11), False)],
)
def test_a_coming_up_reminder_is_sent_until_its_day_and_dropped_once_the_day_has_passed(
    make_kivo: MakeKivo, day: date, sent: bool
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE, kinds=[("before", date(2026, 3, 8))])
    notifier = RecordingNotifier()

    result = dispatch(on(make_kivo, day), notifier)

    assert result == (DispatchResult(sent=1) if sent else DispatchResult(dropped=1))
    assert [m.kind for m in notifier.messages] == (["before"] if sent else [])
    status = stored_reminders(kivo.database)[reminders["before"]].status
    assert status == ("sent" if sent else "dropped")


def test_the_message_names_the_case_the_item_and_its_due_date(make_kivo: MakeKivo) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE, title="Tripartite meeting")
    notifier = RecordingNotifier()

    dispatch(on(make_kivo, DUE), notifier)

    assert notifier.messages == [
        ReminderMessage(
            reminder_id=reminders["before"],
            case_id=office.case,
            kind="before",
            due=DUE,
            title="Tripartite meeting",
            recipient=Recipient("Hanna Handläggare", "hanna@af.example", office.caseworker),
            escalation=False,
            today=DUE,
        ),
        ReminderMessage(
            reminder_id=reminders["due"],
            case_id=office.case,
            kind="due",
            due=DUE,
            title="Tripartite meeting",
            recipient=Recipient("Hanna Handläggare", "hanna@af.example", office.caseworker),
            escalation=False,
            today=DUE,
        ),
    ]


@pytest.mark.parametrize("status", ["done", "cancelled", "suspended"])
def test_reminders_of_items_no_longer_pending_are_dropped_not_sent(
    make_kivo: MakeKivo, status: str
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    followup, _ = add_followup(kivo, office.case, DUE)
    set_followup_status(kivo, followup, status)
    notifier = RecordingNotifier()

    result = dispatch(on(make_kivo, date(2026, 3, 20)), notifier)

    assert result == DispatchResult(sent=0, escalated=0, failed=0, dropped=3)
    assert notifier.messages == []
    assert {r.status for r in stored_reminders(kivo.database).values()} == {"dropped"}
    assert dispatch(on(make_kivo, date(2026, 3, 21)), notifier) == DispatchResult()


def test_an_item_done_after_its_first_reminder_gets_no_more(make_kivo: MakeKivo) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    followup, reminders = add_followup(kivo, office.case, DUE)
    notifier = RecordingNotifier()

    dispatch(on(make_kivo, date(2026, 3, 8)), notifier)
    set_followup_status(kivo, followup, "done")
    later = dispatch(on(make_kivo, date(2026, 3, 20)), notifier)

    assert notifier.ids == [reminders["before"]]
    assert later == DispatchResult(dropped=2)


def test_a_reminder_for_a_date_its_item_no_longer_has_is_dropped(make_kivo: MakeKivo) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    followup, _ = add_followup(kivo, office.case, DUE, kinds=[("due", DUE)])
    with kivo.uow() as uow:
        item = uow.followups.get(followup)
        item.due = DUE + timedelta(days=14)
        uow.followups.save(item)
        uow.commit()
    notifier = RecordingNotifier()

    assert dispatch(on(make_kivo, DUE), notifier) == DispatchResult(dropped=1)
    assert notifier.messages == []


def test_a_failing_notifier_leaves_the_reminder_pending_with_attempts_and_back_off(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE, kinds=[("due", DUE)])
    failing = FailingNotifier()

    assert dispatch(on(make_kivo, DUE, "09:00"), failing) == DispatchResult(failed=1)
    stored = stored_reminders(kivo.database)[reminders["due"]]
    assert (stored.status, stored.attempts, stored.claimed_until, stored.sent_at) == (
        "pending",
        1,
        None,
        None,
    )
    assert stored.last_error == "ConnectionRefusedError: the mail server did not answer"
    assert utc(stored.next_attempt_at) == datetime(2026, 3, 10, 8, 2, tzinfo=UTC)

    assert dispatch(on(make_kivo, DUE, "09:01"), failing) == DispatchResult()  # backing off
    assert failing.tries == 1
    assert dispatch(on(make_kivo, DUE, "09:02"), failing) == DispatchResult(failed=1)
    stored = stored_reminders(kivo.database)[reminders["due"]]
    assert (stored.status, stored.attempts) == ("pending", 2)
    assert utc(stored.next_attempt_at) == datetime(2026, 3, 10, 8, 6, tzinfo=UTC)

    working = RecordingNotifier()
    assert dispatch(on(make_kivo, DUE, "09:06"), working) == DispatchResult(sent=1)
    assert working.ids == [reminders["due"]]
    assert working.asked == [reminders["due"]]  # claimed before: asked first, then sent
    stored = stored_reminders(kivo.database)[reminders["due"]]
    assert (stored.status, stored.attempts) == ("sent", 3)
    assert dispatch(on(make_kivo, DUE, "12:00"), working) == DispatchResult()


def test_the_back_off_doubles_with_each_attempt_up_to_six_hours() -> None:
    assert [backoff(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (2, 4, 8, 16)]
    assert backoff(8) == timedelta(minutes=256)
    assert backoff(9) == backoff(50) == backoff(10_000) == timedelta(hours=6)


def test_escalations_go_to_the_active_coordinator_with_the_lowest_id(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    with kivo.uow() as uow:
        first = uow.caseworkers.get(office.coordinator)
        first.active = False
        uow.caseworkers.save(first)
        uow.commit()
    second = directory.add_caseworker(kivo, "Sara Samordnare", role="coordinator")
    directory.add_caseworker(kivo, "Tove Samordnare", role="coordinator")
    add_followup(kivo, office.case, DUE)
    notifier = RecordingNotifier()

    result = dispatch(on(make_kivo, date(2026, 3, 17)), notifier)

    assert result == DispatchResult(sent=2, escalated=1, dropped=1)
    assert [(m.kind, m.recipient.id, m.escalation) for m in notifier.messages] == [
        ("due", office.caseworker, False),
        ("escalation", second.id, True),
    ]


def test_a_case_without_a_caseworker_is_reminded_to_the_coordinator(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    unassigned = enrolment.enrol(kivo, "Bo Deltagare", on=date(2026, 1, 12)).case_id
    add_followup(kivo, unassigned, DUE, kinds=[("due", DUE)])
    notifier = RecordingNotifier()

    dispatch(on(make_kivo, DUE), notifier)

    assert [(m.case_id, m.recipient.id) for m in notifier.messages] == [
        (unassigned, office.coordinator)
    ]


def test_with_nobody_to_tell_the_reminder_fails_and_waits(make_kivo: MakeKivo) -> None:
    kivo = make_kivo()
    case = enrolment.enrol(kivo, "Bo Deltagare", on=date(2026, 1, 12)).case_id
    _, reminders = add_followup(kivo, case, DUE, kinds=[("due", DUE)])
    notifier = RecordingNotifier()

    assert dispatch(on(make_kivo, DUE), notifier) == DispatchResult(failed=1)
    assert notifier.messages == []
    stored = stored_reminders(kivo.database)[reminders["due"]]
    assert (stored.status, stored.last_error) == ("pending", f"LookupError: {NOBODY}")


def test_a_reclaimed_reminder_whose_line_is_already_in_the_file_is_not_sent_again(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, DUE, "09:00")
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE)  # before and due are due today
    path = tmp_path / "reminders.jsonl"
    # A pass claims both, writes the first line, and is killed before recording it sent.
    with kivo.uow() as uow:
        claimed = uow.reminders.claim_due(
            today=DUE,
            now=kivo.now(),
            until=kivo.now() + timedelta(minutes=5),
            worker="killed",
            limit=10,
        )
        uow.commit()
    assert [reminder.id for reminder, *_ in claimed] == [reminders["before"], reminders["due"]]
    FileNotifier(path).send(
        ReminderMessage(
            reminders["before"], office.case, "before", DUE, "x", Recipient("H"), today=DUE
        )
    )

    while_leased = dispatch(on(make_kivo, DUE, "09:04"), FileNotifier(path))
    after_lease = dispatch(on(make_kivo, DUE, "09:06"), FileNotifier(path))

    assert while_leased == DispatchResult()
    assert after_lease == DispatchResult(sent=2)
    assert sent_ids(path) == {reminders["before"]: 1, reminders["due"]: 1}
    stored = stored_reminders(kivo.database)
    assert {i: (r.status, r.attempts) for i, r in stored.items() if r.kind != "escalation"} == {
        reminders["before"]: ("sent", 2),
        reminders["due"]: ("sent", 2),
    }


def test_claims_are_atomic_leased_and_counted_as_attempts(make_kivo: MakeKivo) -> None:
    kivo = on(make_kivo, date(2026, 3, 20))
    office = add_office(kivo)
    for day in (1, 2, 3):
        add_followup(kivo, office.case, date(2026, 3, day))
    now = kivo.now()

    def claim(worker: str, at: datetime) -> list[int]:
        with kivo.uow() as uow:
            claimed = uow.reminders.claim_due(
                today=at.date(), now=at, until=at + timedelta(minutes=5), worker=worker, limit=4
            )
            uow.commit()
        return [r.id for r, *_ in claimed if r.id is not None]

    first, second, third = claim("a", now), claim("b", now), claim("c", now)
    stored = stored_reminders(kivo.database)
    taken_over = claim("d", now + timedelta(minutes=6))

    assert (len(first), len(second), len(third)) == (4, 4, 1)
    assert sorted(first + second + third) == sorted(stored)
    assert {stored[i].claimed_by for i in first} == {"a"}
    assert {stored[i].attempts for i in first} == {1}
    assert {utc(stored[i].claimed_until) for i in third} == {
        now.astimezone(UTC) + timedelta(minutes=5)
    }
    assert taken_over == first  # the oldest claims ran out first
    assert {r.attempts for i, r in stored_reminders(kivo.database).items() if i in first} == {2}


def test_only_the_holder_of_a_claim_can_record_it_sent(make_kivo: MakeKivo) -> None:
    kivo = on(make_kivo, DUE)
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE, kinds=[("due", DUE)])
    reminder_id = reminders["due"]
    now = kivo.now()
    with kivo.uow() as uow:
        uow.reminders.claim_due(
            today=DUE, now=now, until=now + timedelta(minutes=5), worker="old", limit=1
        )
        uow.commit()
    later = now + timedelta(minutes=6)
    with kivo.uow() as uow:
        uow.reminders.claim_due(
            today=DUE, now=later, until=later + timedelta(minutes=5), worker="new", limit=1
        )
        uow.commit()

    with kivo.uow() as uow:
        refused = uow.reminders.mark_sent(reminder_id, "old", later)
        accepted = uow.reminders.mark_sent(reminder_id, "new", later)
        again = uow.reminders.mark_sent(reminder_id, "new", later)
        uow.commit()

    assert (refused, accepted, again) == (False, True, False)
    stored = stored_reminders(kivo.database)[reminder_id]
    assert (stored.status, stored.claimed_by) == ("sent", "new")


def test_the_unique_key_refuses_a_doubled_reminder(kivo: Kivo) -> None:
    office = add_office(kivo)
    followup, _ = add_followup(kivo, office.case, DUE, kinds=[("due", DUE)])

    doubled = Reminder(followup_id=followup, case_id=office.case, kind="due", due=DUE, send_on=DUE)

    with kivo.uow() as uow, pytest.raises(IntegrityError):
        uow.reminders.add(doubled)

    assert len(stored_reminders(kivo.database)) == 1


def test_no_message_carries_the_participants_personnummer_or_name(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = make_kivo()
    number = fresh_personnummer()
    office = add_office(kivo, personnummer=number, name="Amira Deltagare")
    add_followup(kivo, office.case, DUE)
    path, console = tmp_path / "reminders.jsonl", io.StringIO()
    recording = RecordingNotifier()

    dispatch(on(make_kivo, date(2026, 3, 20)), FileNotifier(path))
    mark_all_pending(kivo.database)  # send them all again, to the console and as e-mail
    dispatch(on(make_kivo, date(2026, 3, 20)), ConsoleNotifier(console))
    mark_all_pending(kivo.database)
    dispatch(on(make_kivo, date(2026, 3, 20)), recording)
    mails = [Smtp("localhost", 25).email(m).as_string() for m in recording.messages]

    shown = "\n".join([path.read_text(), console.getvalue(), *mails])
    assert len(lines_of(path)) == 2  # due and escalation; the "coming up" is past
    assert len(mails) == 2
    assert f"case {office.case}" in console.getvalue()
    assert [form for form in written_forms(number) if form in shown] == []
    assert "Amira" not in shown


def test_reminders_queued_by_entering_a_placement_reach_the_caseworker(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo("2026-03-02T09:00")
    staff = add_staff(kivo)
    case = enrolment.enrol(
        kivo, "Amira", caseworker_id=staff.caseworker, consent=True, on=date(2026, 1, 12)
    ).case_id
    moves.advance(
        kivo,
        case,
        Step.SHORT_PRACTICE,
        on=date(2026, 3, 2),
        workplace_id=staff.workplace,
        supervisor_id=staff.supervisor,
        programme="pis",
        until=date(2026, 4, 30),
        by=staff.caseworker,
    )
    notifier = RecordingNotifier()

    dispatch(on(make_kivo, date(2026, 3, 2)), notifier)

    assert [(m.kind, m.title, m.recipient.id) for m in notifier.messages] == [
        ("due", "Tripartite meeting before or on the first day", staff.caseworker)
    ]
    assert {r.case_id for r in stored_reminders(kivo.database).values()} == {case}


def test_a_pass_that_outlives_half_its_lease_gives_back_the_rest_and_still_sends_each_once(
    make_kivo: MakeKivo,
) -> None:
    kivo = on(make_kivo, date(2026, 3, 20))
    office = add_office(kivo)
    for day in (date(2026, 3, d) for d in range(1, 6)):
        add_followup(kivo, office.case, day, kinds=[("due", day), ("escalation", day + WEEK)])
    notifier = RecordingNotifier()

    result = dispatch(kivo, notifier, batch=50, lease=timedelta(0))  # always past half

    assert result == DispatchResult(sent=10, escalated=5)
    assert sorted(notifier.ids) == sorted(stored_reminders(kivo.database))
    stored = stored_reminders(kivo.database).values()
    assert {r.status for r in stored} == {"sent"}
    assert sorted(r.attempts for r in stored) == list(range(1, 11))  # reclaimed each time
