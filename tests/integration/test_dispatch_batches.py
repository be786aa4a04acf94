"""Group commit in the dispatch pass, on SQLite and PostgreSQL.

A notifier that can say what it delivered and takes batches (the file) gets each
claimed batch at once and the batch is recorded sent in one transaction after it; a
pass killed between the two sends nothing twice once its lease runs out. Any other
notifier (SMTP, the console) is still told one message at a time, each recorded sent
right after its send.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from pathway import directory, enrolment
from pathway.context import Kivo
from pathway.dispatch import NOBODY, DispatchResult, dispatch
from pathway.notifiers import (
    BatchNotifier,
    ConsoleNotifier,
    FileNotifier,
    Recipient,
    ReminderMessage,
    SmtpNotifier,
)
from tests.dispatch_support import (
    FileFailingPartWay,
    FileKilledAfterFlush,
    Killed,
    RecordingBatchNotifier,
    SmtpLikeNotifier,
    add_followup,
    add_office,
    seed_many,
    sent_ids,
    set_followup_status,
    stored_reminders,
)

MakeKivo = Callable[..., Kivo]
DUE = date(2026, 3, 10)  # before on 3-08, due on 3-10, escalation on 3-17
LATER = date(2026, 3, 20)  # all three of a DUE item are due


def on(make_kivo: MakeKivo, day: date, time: str = "09:00") -> Kivo:
    return make_kivo(f"{day.isoformat()}T{time}")


def utc(moment: datetime | None) -> datetime | None:
    if moment is None:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def five_items(kivo: Kivo) -> list[int]:
    """Five follow-ups of one case, due on 1 to 5 March, each with its due reminder and
    escalation: ten reminders, all to be sent on LATER, in the order a claim takes them
    (a "coming up" would be dropped by then, so none is queued)."""
    office = add_office(kivo)
    ids: list[int] = []
    for day in (date(2026, 3, d) for d in range(1, 6)):
        plan = [("due", day), ("escalation", day + timedelta(days=7))]
        _, reminders = add_followup(kivo, office.case, day, kinds=plan)
        ids += reminders.values()
    return sorted(ids, key=lambda i: (stored_reminders(kivo.database)[i].send_on, i))


def test_only_the_file_notifier_takes_batches() -> None:
    assert isinstance(FileNotifier(Path("reminders.jsonl")), BatchNotifier)
    assert not isinstance(ConsoleNotifier(io.StringIO()), BatchNotifier)
    assert not isinstance(SmtpNotifier("localhost", 25), BatchNotifier)


def test_the_file_notifier_appends_a_batch_in_order_and_then_knows_each_line(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reminders.jsonl"
    notifier = FileNotifier(path)
    messages = [
        ReminderMessage(n, 7, "due", DUE, f"Item {n}", Recipient("Hanna", id=2), today=DUE)
        for n in (5, 3, 9)
    ]

    notifier.send_many([])
    assert not path.exists()
    notifier.send_many(messages)

    assert list(sent_ids(path)) == [5, 3, 9]
    assert [FileNotifier(path).already_sent(n) for n in (3, 5, 9, 4)] == [True] * 3 + [False]


def test_a_file_notifier_gets_each_claimed_batch_at_once_and_it_is_recorded_sent_after(
    make_kivo: MakeKivo,
) -> None:
    kivo = on(make_kivo, LATER)
    order = five_items(kivo)
    notifier = RecordingBatchNotifier(kivo.database)

    result = dispatch(kivo, notifier, batch=4)

    assert result == DispatchResult(sent=10, escalated=5)
    assert notifier.batches == [order[:4], order[4:8], order[8:]]
    # nothing of a batch is recorded sent before it is sent; all of it right after
    assert [sorted(i for i, s in seen.items() if s == "sent") for seen in notifier.seen] == [
        [],
        sorted(order[:4]),
        sorted(order[:8]),
    ]
    stored = stored_reminders(kivo.database).values()
    assert {(r.status, r.attempts, r.claimed_until) for r in stored} == {("sent", 1, None)}
    assert {utc(r.sent_at) for r in stored} == {datetime(2026, 3, 20, 8, 0, tzinfo=UTC)}


@pytest.mark.parametrize("where", ["after the fsync", "inside the recording transaction"])
def test_a_pass_killed_after_the_batchs_fsync_and_before_its_update_sends_nothing_twice(
    make_kivo: MakeKivo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str
) -> None:
    kivo = on(make_kivo, LATER, "09:00")
    order = five_items(kivo)
    path = tmp_path / "reminders.jsonl"
    notifier: FileNotifier = FileKilledAfterFlush(path)
    if where == "inside the recording transaction":
        notifier = FileNotifier(path)

        def killed(*_: object) -> int:
            raise Killed("killed while recording the batch sent")

        monkeypatch.setattr("persistence.outbox.ReminderRepository.mark_sent_many", killed)

    with pytest.raises(Killed):
        dispatch(kivo, notifier, batch=50, worker="killed")
    monkeypatch.undo()

    assert sent_ids(path) == dict.fromkeys(order, 1)
    stored = stored_reminders(kivo.database)
    assert {(r.status, r.claimed_by, r.attempts) for r in stored.values()} == {
        ("pending", "killed", 1)
    }
    while_leased = dispatch(on(make_kivo, LATER, "09:04"), FileNotifier(path))
    after_lease = dispatch(on(make_kivo, LATER, "09:06"), FileNotifier(path))

    assert while_leased == DispatchResult()
    assert after_lease == DispatchResult(sent=10, escalated=5)
    assert sent_ids(path) == dict.fromkeys(order, 1)
    stored = stored_reminders(kivo.database)
    assert {(r.status, r.attempts) for r in stored.values()} == {("sent", 2)}


def test_a_batch_whose_write_fails_part_way_is_recorded_failed_and_its_written_part_not_sent_again(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, DUE, "09:00")
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE)  # before and due are due
    path = tmp_path / "reminders.jsonl"

    failed = dispatch(kivo, FileFailingPartWay(path, written=1))

    assert failed == DispatchResult(failed=2)
    assert sent_ids(path) == {reminders["before"]: 1}
    stored = stored_reminders(kivo.database)
    due_now = [stored[reminders["before"]], stored[reminders["due"]]]
    assert {(r.status, r.attempts, r.claimed_by, r.last_error) for r in due_now} == {
        ("pending", 1, None, "OSError: no space left on the device")
    }
    assert {utc(r.next_attempt_at) for r in due_now} == {datetime(2026, 3, 10, 8, 2, tzinfo=UTC)}

    retried = dispatch(on(make_kivo, DUE, "09:02"), FileNotifier(path))

    assert retried == DispatchResult(sent=2)
    assert sent_ids(path) == {reminders["before"]: 1, reminders["due"]: 1}
    assert {(r.status, r.attempts) for r in stored_reminders(kivo.database).values()} == {
        ("sent", 2),
        ("pending", 0),  # the escalation, due on 3-17
    }


def test_in_a_batch_items_no_longer_pending_are_dropped_and_the_others_written(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, LATER)
    office = add_office(kivo)
    done, dropped = add_followup(kivo, office.case, DUE)
    _, kept = add_followup(kivo, office.case, DUE, title="Tripartite meeting")
    set_followup_status(kivo, done, "done")
    path = tmp_path / "reminders.jsonl"

    result = dispatch(kivo, FileNotifier(path))

    # the done item's three, and the kept one's "coming up" whose day has passed
    assert result == DispatchResult(sent=2, escalated=1, dropped=4)
    assert sent_ids(path) == {kept["due"]: 1, kept["escalation"]: 1}
    assert stored_reminders(kivo.database)[kept["before"]].status == "dropped"
    stored = stored_reminders(kivo.database)
    assert {stored[i].status for i in dropped.values()} == {"dropped"}
    assert dispatch(on(make_kivo, LATER, "12:00"), FileNotifier(path)) == DispatchResult()


def test_in_a_batch_a_reminder_with_nobody_to_tell_fails_and_the_others_are_written(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, DUE)
    caseworker = directory.add_caseworker(kivo, "Hanna Handläggare")
    assert caseworker.id is not None
    told = enrolment.enrol(kivo, "Amira", caseworker_id=caseworker.id, on=date(2026, 1, 12))
    untold = enrolment.enrol(kivo, "Bo", on=date(2026, 1, 12))  # and there is no coordinator
    _, sent = add_followup(kivo, told.case_id, DUE, kinds=[("due", DUE)])
    _, waiting = add_followup(kivo, untold.case_id, DUE, kinds=[("due", DUE)])
    path = tmp_path / "reminders.jsonl"

    assert dispatch(kivo, FileNotifier(path)) == DispatchResult(sent=1, failed=1)
    assert sent_ids(path) == {sent["due"]: 1}
    stored = stored_reminders(kivo.database)[waiting["due"]]
    assert (stored.status, stored.last_error) == ("pending", f"LookupError: {NOBODY}")


def test_a_batch_pass_that_outlives_half_its_lease_writes_one_per_claim_and_gives_back_the_rest(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, LATER)
    order = five_items(kivo)
    path = tmp_path / "reminders.jsonl"

    result = dispatch(kivo, FileNotifier(path), batch=50, lease=timedelta(0))  # always late

    assert result == DispatchResult(sent=10, escalated=5)
    assert list(sent_ids(path).items()) == [(i, 1) for i in order]
    stored = stored_reminders(kivo.database).values()
    assert sorted(r.attempts for r in stored) == list(range(1, 11))  # reclaimed each time


def test_an_smtp_like_notifier_without_already_sent_records_each_sent_right_after_its_send(
    make_kivo: MakeKivo,
) -> None:
    kivo = on(make_kivo, LATER)
    order = five_items(kivo)
    notifier = SmtpLikeNotifier(kivo.database)

    result = dispatch(kivo, notifier, batch=50)

    assert result == DispatchResult(sent=10, escalated=5)
    assert notifier.ids == order
    # at each send, every earlier one is recorded sent already, and no later one is
    assert [sorted(i for i, s in seen.items() if s == "sent") for seen in notifier.seen] == [
        sorted(order[:n]) for n in range(10)
    ]


def test_several_passes_at_once_sharing_one_file_write_each_reminder_once(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = on(make_kivo, LATER)
    office = add_office(kivo)
    cases = [office.case] + [
        enrolment.enrol(kivo, f"Deltagare {n}", caseworker_id=office.caseworker).case_id
        for n in range(3)
    ]
    seeded = seed_many(kivo.database, cases, 120, due=DUE)
    path = tmp_path / "reminders.jsonl"
    passes = [on(make_kivo, LATER) for _ in range(4)]
    results: list[DispatchResult] = []

    def run(pass_: Kivo) -> None:
        results.append(dispatch(pass_, FileNotifier(path), batch=7))

    threads = [threading.Thread(target=run, args=(pass_,)) for pass_ in passes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert len(results) == 4
    assert sum(r.sent for r in results) == 120
    assert sent_ids(path) == dict.fromkeys(seeded, 1)
    assert {r.status for r in stored_reminders(kivo.database).values()} == {"sent"}
