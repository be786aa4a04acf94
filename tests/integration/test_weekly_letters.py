"""The weekly letter reaches people (``pathway.letters``), on SQLite and PostgreSQL: each
active caseworker gets their part of the week's digest and each coordinator the
overview, through the notifier, once per person and ISO week; the scheduler's daily
digest sends it."""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from pathway import directory
from pathway.context import Kivo
from pathway.letters import LetterResult, send_weekly_letters
from pathway.notifiers import FileNotifier, LetterMessage, Recipient
from pathway.scheduler import run_scheduler
from tests.dispatch_support import add_followup, add_office, lines_of
from tests.integration.test_scheduler import Events, Passes, Silent

MakeKivo = Callable[..., Kivo]
MONDAY = "2026-03-02T07:00"  # week 2026-W10
WEDNESDAY = "2026-03-04T07:00"
NEXT_MONDAY = "2026-03-09T07:00"


@dataclass
class RecordingLetters:
    """Remembers every letter; optionally fails the first sends."""

    letters: list[LetterMessage] = field(default_factory=list)
    fail: int = 0

    def send_letter(self, letter: LetterMessage) -> None:
        if self.fail:
            self.fail -= 1
            raise ConnectionRefusedError("the mail server did not answer")
        self.letters.append(letter)

    def letter_already_sent(self, letter_id: int) -> bool:
        return False

    @property
    def to(self) -> list[tuple[int | None, str]]:
        return [(letter.recipient.id, letter.week) for letter in self.letters]


def test_each_caseworker_and_coordinator_gets_the_letter_once_per_week(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo(MONDAY)
    office = add_office(kivo)
    gone = directory.add_caseworker(kivo, "Gone Handläggare")
    with kivo.uow() as uow:  # left: no letter
        gone.active = False
        uow.caseworkers.save(gone)
        uow.commit()
    notifier = RecordingLetters()

    monday = send_weekly_letters(make_kivo(MONDAY), notifier)
    again = send_weekly_letters(make_kivo(WEDNESDAY), notifier)
    next_week = send_weekly_letters(make_kivo(NEXT_MONDAY), notifier)

    assert (monday.sent, again.sent, next_week.sent) == (2, 0, 2)
    assert sorted(notifier.to) == sorted(
        [
            (office.coordinator, "2026-W10"),
            (office.caseworker, "2026-W10"),
            (office.coordinator, "2026-W11"),
            (office.caseworker, "2026-W11"),
        ]
    )
    with kivo.uow(read_only=True) as uow:
        assert {(letter.week, letter.status) for letter in uow.letters.all()} == {
            ("2026-W10", "sent"),
            ("2026-W11", "sent"),
        }


def test_the_caseworker_gets_their_week_and_the_coordinator_the_overview(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo(MONDAY)
    office = add_office(kivo, name="Amira Deltagare")
    add_followup(kivo, office.case, date(2026, 3, 4), title="Tripartite meeting")
    notifier = RecordingLetters()

    send_weekly_letters(make_kivo(MONDAY), notifier)

    letters = {letter.recipient.id: letter for letter in notifier.letters}
    mine, overview = letters[office.caseworker], letters[office.coordinator]
    assert mine.recipient.email == "hanna@af.example"
    assert (
        mine.summary == "Weekly letter 2026-W10: 1 due, 0 meetings, 0 starting, 0 ending, 0 overdue"
    )
    assert f"- case {office.case}: Tripartite meeting, due 2026-03-04" in mine.body
    assert "- Hanna Handläggare: 1 due, 0 meetings" in overview.body
    assert "Amira" not in mine.body + overview.body  # the case by its id only


def test_a_letter_whose_send_failed_is_sent_on_a_later_run_once(make_kivo: MakeKivo) -> None:
    kivo = make_kivo(MONDAY)
    add_office(kivo)
    notifier = RecordingLetters(fail=1)

    first = send_weekly_letters(make_kivo(MONDAY), notifier)
    too_soon = send_weekly_letters(make_kivo("2026-03-02T07:01"), notifier)
    later = send_weekly_letters(make_kivo("2026-03-03T07:00"), notifier)

    assert (first.sent, first.failed) == (1, 1)
    assert (too_soon.sent, too_soon.failed) == (0, 0)  # waiting out its back-off
    assert (later.sent, later.failed) == (1, 0)
    assert len(notifier.letters) == 2
    with kivo.uow(read_only=True) as uow:
        assert {letter.status for letter in uow.letters.all()} == {"sent"}


def test_a_pass_that_outlives_half_its_lease_gives_back_the_rest_and_sends_each_once(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo(MONDAY)
    add_office(kivo)
    for n in range(3):
        directory.add_caseworker(kivo, f"Handläggare {n}")
    notifier = RecordingLetters()

    result = send_weekly_letters(kivo, notifier, lease=timedelta(0))  # always past half

    assert result.sent == 5
    assert len({letter.recipient.id for letter in notifier.letters}) == 5
    with kivo.uow(read_only=True) as uow:
        letters = uow.letters.all()
    assert {letter.status for letter in letters} == {"sent"}
    assert sorted(letter.attempts for letter in letters) == [1, 2, 3, 4, 5]  # reclaimed


def test_a_letter_still_unsent_when_its_week_is_over_is_dropped_not_sent_late(
    make_kivo: MakeKivo,
) -> None:
    kivo = make_kivo(MONDAY)
    add_office(kivo)
    send_weekly_letters(make_kivo(MONDAY), RecordingLetters(fail=2))  # both fail
    notifier = RecordingLetters()

    send_weekly_letters(make_kivo(NEXT_MONDAY), notifier)

    assert {letter.week for letter in notifier.letters} == {"2026-W11"}
    with kivo.uow(read_only=True) as uow:
        assert sorted((letter.week, letter.status) for letter in uow.letters.all()) == [
            ("2026-W10", "dropped"),
            ("2026-W10", "dropped"),
            ("2026-W11", "sent"),
            ("2026-W11", "sent"),
        ]


def test_a_letter_a_killed_pass_wrote_to_the_file_is_not_written_again(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = make_kivo(MONDAY)
    add_office(kivo)
    path = tmp_path / "letters.jsonl"
    with kivo.uow() as uow:  # a pass claims both letters and writes one, then dies
        uow.letters.queue("2026-W10")
        claimed = uow.letters.claim(
            week="2026-W10",
            now=kivo.now(),
            until=kivo.now() + timedelta(minutes=5),
            worker="killed",
            limit=10,
        )
        uow.commit()
    assert len(claimed) == 2
    written = LetterMessage(claimed[0].id or 0, "2026-W10", _anyone(), "summary", "body")
    FileNotifier(path).send_letter(written)

    while_leased = send_weekly_letters(make_kivo("2026-03-02T07:04"), FileNotifier(path))
    after_lease = send_weekly_letters(make_kivo("2026-03-02T07:06"), FileNotifier(path))

    assert (while_leased.sent, after_lease.sent) == (0, 2)
    assert sorted(line["letter_id"] for line in lines_of(path)) == sorted(
        letter.id or 0 for letter in claimed
    )


def test_the_schedulers_daily_digest_sends_the_letter_through_its_notifier_once_a_week(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = make_kivo(MONDAY)
    office = add_office(kivo)
    path = tmp_path / "kivo.jsonl"
    events = Events()

    for now in (MONDAY, WEDNESDAY):  # two days' digests, and a second scheduler
        for _ in range(2):
            run = run_scheduler(
                make_kivo(now),
                Silent(),
                events,
                stop=threading.Event(),
                once=True,
                pass_=Passes(),
                letters=FileNotifier(path),
            )
            assert run.errors == 0

    lines = lines_of(path)
    assert sorted(line["recipient"]["id"] for line in lines) == sorted(
        [office.caseworker, office.coordinator]
    )
    assert {line["week"] for line in lines} == {"2026-W10"}
    assert [r.sent for r in events.heard.letters] == [2, 0, 0, 0]


def test_letters_sent_by_passes_at_once_reach_each_person_once(
    make_kivo: MakeKivo, tmp_path: Path
) -> None:
    kivo = make_kivo(MONDAY)
    add_office(kivo)
    for n in range(30):
        directory.add_caseworker(kivo, f"Handläggare {n}", email=f"h{n}@af.example")
    path = tmp_path / "letters.jsonl"
    results: list[LetterResult] = []

    def run() -> None:
        results.append(send_weekly_letters(make_kivo(MONDAY), FileNotifier(path)))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sum(r.sent for r in results) == 32
    recipients = [line["recipient"]["id"] for line in lines_of(path)]
    assert len(recipients) == len(set(recipients)) == 32


def _anyone() -> Recipient:
    return Recipient("Hanna")
