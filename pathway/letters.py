"""The weekly letter, sent: each active caseworker gets their part of the week's digest
and each active coordinator the overview, once per ISO week per person.

The letter outbox follows the reminders': this week's rows are queued on the unique
(person, week) key, so a second scheduler's queueing adds nothing; a pass claims the
unsent ones with a lease (a claim is an attempt), builds and sends each, then records
it sent. Like a dispatch pass, it stops using a batch once half its lease is gone
(slow SMTP) and gives the rest back, so a live lease is never taken over. A failed
send is released for a retry after a back-off; a notifier that can
say what it delivered (the file) is asked before a letter claimed a second time is
sent, so a pass killed between sending and recording does not send it twice. Business
time comes only from the clock passed in: the week is the one holding ``kivo.today()``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING

from pathway.clock import LOCAL
from pathway.context import Kivo
from pathway.digest import CaseworkerLetter, Digest, DigestCounts, weekly_digest
from pathway.dispatch import backoff, worker_token
from pathway.notifiers import LetterMessage, LetterNotifier, Recipient
from states.digest import week_of
from states.records import Caseworker, WeeklyLetter

if TYPE_CHECKING:
    from pathway.employers import DueStep
    from pathway.places import LetterPlace, PlacesInLetter

LETTER_BATCH = 100
PLACES_LISTED = 20  # places per section of a caseworker's letter; the rest counted


@dataclass
class LetterResult:
    """What one letter pass did: letters sent and sends that failed (retried later)."""

    week: str
    sent: int = 0
    failed: int = 0


def send_weekly_letters(
    kivo: Kivo,
    notifier: LetterNotifier,
    *,
    lease: timedelta = timedelta(minutes=5),
    worker: str | None = None,
) -> LetterResult:
    """Queue this week's letters (once) and send every one not sent yet."""
    token = worker or worker_token()
    week = week_of(kivo.today()).label
    result = LetterResult(week)
    while True:
        started = time.monotonic()
        claimed = _claim(kivo, week, token, lease)
        if not claimed:
            return result
        for index, (letter, person) in enumerate(claimed):
            if index and time.monotonic() - started > lease.total_seconds() / 2:
                _release(kivo, token, [left.id for left, _ in claimed[index:]])
                break
            _deliver(kivo, notifier, token, result, letter, person)


def _release(kivo: Kivo, worker: str, letter_ids: list[int | None]) -> None:
    with kivo.uow() as uow:
        uow.letters.release([i for i in letter_ids if i is not None], worker)
        uow.commit()


def _claim(
    kivo: Kivo, week: str, worker: str, lease: timedelta
) -> list[tuple[WeeklyLetter, Caseworker]]:
    now = kivo.now()
    with kivo.uow() as uow:
        uow.letters.queue(week)
        letters = uow.letters.claim(
            week=week, now=now, until=now + lease, worker=worker, limit=LETTER_BATCH
        )
        people = [uow.caseworkers.get(letter.caseworker_id) for letter in letters]
        uow.commit()
    return list(zip(letters, people, strict=True))


def _deliver(
    kivo: Kivo,
    notifier: LetterNotifier,
    worker: str,
    result: LetterResult,
    letter: WeeklyLetter,
    person: Caseworker,
) -> None:
    assert letter.id is not None
    letter_id = letter.id
    if not (letter.attempts > 1 and notifier.letter_already_sent(letter_id)):
        try:
            notifier.send_letter(_message(kivo, letter_id, person))
        except Exception as error:
            retry_at = kivo.now() + backoff(letter.attempts)
            text = f"{type(error).__name__}: {error}"
            with kivo.uow() as uow:
                uow.letters.mark_failed(letter_id, worker, text, retry_at)
                uow.commit()
            result.failed += 1
            return
    with kivo.uow() as uow:
        uow.letters.mark_sent(letter_id, worker, kivo.now())
        uow.commit()
    result.sent += 1


def _message(kivo: Kivo, letter_id: int, person: Caseworker) -> LetterMessage:
    """A caseworker's own part of the digest; a coordinator's overview of everyone."""
    from pathway.employers import next_steps_due
    from pathway.places import places_for_letter

    coordinator = person.role == "coordinator"
    digest = weekly_digest(kivo, caseworker_id=None if coordinator else person.id)
    steps = next_steps_due(kivo, by=digest.end, caseworker_id=None if coordinator else person.id)
    places = places_for_letter(kivo)
    recipient = Recipient(name=person.name, email=person.email, id=person.id)
    return LetterMessage(
        letter_id=letter_id,
        week=digest.week,
        recipient=recipient,
        summary=f"Weekly letter {digest.week}: {counts_text(digest.totals)}",
        body=letter_text(digest, coordinator=coordinator)
        + employer_text(steps, coordinator)
        + places_text(places, coordinator),
    )


def counts_text(counts: DigestCounts) -> str:
    meetings = "meeting" if counts.meetings == 1 else "meetings"
    return (
        f"{counts.due} due, {counts.meetings} {meetings}, {counts.starting} starting, "
        f"{counts.ending} ending, {counts.overdue} overdue"
    )


def letter_text(digest: Digest, *, coordinator: bool) -> str:
    """The letter as plain text, naming cases by id (never a participant's name)."""
    lines = [f"Week {digest.week}: {digest.start.isoformat()} – {digest.end.isoformat()}", ""]
    if coordinator:
        lines.append("Overview:")
        lines += [f"- {_who(part)}: {counts_text(part.counts)}" for part in digest.caseworkers]
        lines.append(f"- all: {counts_text(digest.totals)}")
        return "\n".join(lines)
    for part in digest.caseworkers:
        lines += _part_lines(part)
    return "\n".join(lines)


def employer_text(steps: Sequence[DueStep], coordinator: bool) -> str:
    """The employers' next steps due this week or overdue (``pathway.employers``): the
    caseworker's own listed by workplace, the coordinator's counted; nothing when none."""
    if not steps:
        return ""
    if coordinator:
        return f"\n- employer next steps due: {len(steps)}"
    lines = [f"Employer next steps ({len(steps)}):"]
    lines += [f"- workplace {s.workplace_id} {s.workplace}: due {s.on.isoformat()}" for s in steps]
    return "\n" + "\n".join(lines)


def places_text(places: PlacesInLetter, coordinator: bool) -> str:
    """The places open with a position free and those agreed, about to open
    (``pathway.places``), and the hard-to-match ones when the matching engine says: the
    caseworker's letter lists them (the first ``PLACES_LISTED`` of each), the
    coordinator's counts them; nothing when there are none."""
    open_free = [p for p in places.open if p.free > 0]
    hard = places.hard_to_match
    if not open_free and not places.upcoming:
        return ""
    if coordinator:
        free = sum(p.free for p in open_free)
        line = f"\n- places open: {len(open_free)} ({free} free), coming: {len(places.upcoming)}"
        return line + (f", hard to match: {len(hard)}" if hard else "")
    lines = [f"Places open ({len(open_free)}):"]
    lines += _place_lines(open_free, lambda p: f"{p.free} free")
    lines.append(f"Places coming ({len(places.upcoming)}):")
    lines += _place_lines(
        places.upcoming,
        lambda p: f"from {p.earliest_start.isoformat()}" if p.earliest_start else "agreed",
    )
    if hard:
        lines.append(f"Hard to match ({len(hard)}): " + ", ".join(f"place {i}" for i in hard))
    return "\n" + "\n".join(lines)


def _place_lines(places: list[LetterPlace], detail: Callable[[LetterPlace], str]) -> list[str]:
    lines = [
        f"- place {p.id} {p.title} at {p.workplace} ({p.workplace_id}), steps "
        f"{','.join(map(str, p.steps))}: {detail(p)}"
        for p in places[:PLACES_LISTED]
    ]
    if len(places) > PLACES_LISTED:
        lines.append(f"- … and {len(places) - PLACES_LISTED} more (kivo place list)")
    return lines


def _who(part: CaseworkerLetter) -> str:
    return "unassigned" if part.caseworker_id is None else f"{part.caseworker}"


def _part_lines(part: CaseworkerLetter) -> list[str]:
    lines = [f"Due this week ({part.counts.due}):"]
    lines += [f"- case {d.case_id}: {d.title}, due {d.due.isoformat()}" for d in part.due]
    lines.append(f"Meetings ({part.counts.meetings}):")
    lines += [f"- case {m.case_id}: {m.at.astimezone(LOCAL):%Y-%m-%d %H:%M}" for m in part.meetings]
    lines.append(f"Placements starting ({part.counts.starting}):")
    lines += [f"- case {p.case_id}: step {p.step} from {p.start}" for p in part.starting]
    lines.append(f"Placements ending ({part.counts.ending}):")
    lines += [
        f"- case {p.case_id}: step {p.step} to {p.ended_on or p.planned_end}" for p in part.ending
    ]
    lines.append(f"Overdue ({part.counts.overdue}):")
    lines += [f"- case {d.case_id}: {d.title}, due {d.due.isoformat()}" for d in part.overdue]
    return lines
