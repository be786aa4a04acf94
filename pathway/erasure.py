"""Erasure on request (GDPR art. 17): a coordinator erases a person whose cases have all
closed and whose data no retention rule still keeps. One transaction: the person is left
under a random pseudonym, every text about them is removed or scrubbed, each case's
events keep their kinds, dates, steps and programmes (so every report counts the same),
a ``data_removal`` row records it without personal data and each case's history ends with
an ``erased`` event. Afterwards (SQLite) the write-ahead log is emptied.

``keep_periods`` is the one place the minimum keep period comes from: the history's
``keep`` in the organisation's retention schedule (``KIVO_RETENTION``, as ``kivo
retention`` reads it). The schedule kivo ships has a placeholder decision, so without the
organisation's own there is no minimum.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from pathway import actors
from pathway.context import Kivo
from pathway.errors import Refused
from pathway.ports import UnitOfWork
from states.erasure import (
    KEEP_CASE_HISTORY,
    ErasurePlan,
    Subject,
    erasure_blockers,
    exact_needles,
    needles_of,
    pseudonym,
    scrub,
    stand_in_birth_date,
)
from states.errors import UNKNOWN_ID, InvalidInput, NotFound
from states.messages import N_, Hint, Message
from states.personnummer import Personnummer, holds_personnummer, parse_personnummer
from states.records import Caseworker
from states.violations import Violation

DECISION = "GDPR art. 17"
MAX_REASON = 160
DEFAULT_KEEP_DAYS: Mapping[str, int] = {KEEP_CASE_HISTORY: 0}
"""Without the organisation's retention schedule: no minimum keep period after closing."""
REASON = Hint("reason", "--reason")
"""The request's reference: the CLI's ``--reason``, the page's Reason field."""
HISTORY = "history"  # the schedule's kind of record that holds the case's history


def keep_periods() -> Mapping[str, int]:
    """The minimum days a case's history is kept after it closes, under the organisation's
    retention schedule (``KIVO_RETENTION``; a malformed one is bad input): an erasure
    before then is refused, naming the rule. Whole months count as their days from the
    closing day's calendar, so a period is counted from a fixed day (the shorter side)."""
    from pathway.retention import SCHEDULE_VARIABLE, load_schedule

    chosen = os.environ.get(SCHEDULE_VARIABLE)
    if not chosen:
        return DEFAULT_KEEP_DAYS
    keep = load_schedule(chosen).rule(HISTORY).keep
    start = date(2001, 3, 1)  # no leap day in the following year: "1 year" is 365 days
    return {KEEP_CASE_HISTORY: (keep.after(start) - start).days}


@dataclass(frozen=True)
class ErasurePreview:
    """What an erasure would do, or the rules that refuse it, before anything is written."""

    person_id: int
    name: str
    case_ids: list[int]
    blockers: list[Violation] = field(default_factory=list)

    @property
    def erasable(self) -> bool:
        return not self.blockers


@dataclass(frozen=True)
class Erased:
    """A person erased: the pseudonym, the cases, what was removed or rewritten (records
    per kind) and whether the database's files hold no old page any more."""

    person_id: int
    pseudonym: str
    case_ids: list[int]
    counts: dict[str, int]
    settled: bool

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def preview_erasure(
    kivo: Kivo, person: str, *, by: int | None, keep: Mapping[str, int] | None = None
) -> ErasurePreview:
    """The person, their cases and what keeps their data: a coordinator's read."""
    with kivo.uow() as uow:
        _coordinator(uow, by)
        subject = _subject(kivo, uow, person)
        blockers = erasure_blockers(subject.cases, _keep(keep), kivo.today())
        return ErasurePreview(
            subject.person_id, subject.name, [c.case_id for c in subject.cases], blockers
        )


def erase_person(
    kivo: Kivo,
    person: str,
    *,
    reason: str | None,
    by: int | None,
    keep: Mapping[str, int] | None = None,
) -> Erased:
    """Erase ``person`` (a person id or personnummer) for the request ``reason`` names;
    refused, writing nothing, while a case is open or retention keeps the data."""
    note = _reason(kivo, reason)
    with kivo.uow() as uow:
        actor = _coordinator(uow, by)
        subject = _subject(kivo, uow, person, lock=True)
        blockers = erasure_blockers(subject.cases, _keep(keep), kivo.today())
        if blockers:
            raise Refused.saying(_refusal(subject.person_id, blockers), blockers)
        plan = _plan(kivo, subject, note, actor)
        counts = uow.erasure.erase(plan)
        actors.log(kivo, uow, actor, [(c.case_id, "erase") for c in subject.cases])
        uow.commit()
        settled = uow.erasure.settle()
    totals: dict[str, int] = {}
    for done in counts.values():
        for kind, n in done.items():
            totals[kind] = totals.get(kind, 0) + n
    return Erased(
        subject.person_id, plan.pseudonym, [c.case_id for c in subject.cases], totals, settled
    )


def _keep(keep: Mapping[str, int] | None) -> Mapping[str, int]:
    return keep_periods() if keep is None else keep


def _coordinator(uow: UnitOfWork, by: int | None) -> Caseworker:
    return actors.require_coordinator(actors.actor_of(uow, by), "erase a person")


def _reason(kivo: Kivo, reason: str | None) -> str:
    """The request's reference (a diary number, the date of the letter): required, short,
    and no personal data of its own, since the removal's record keeps it."""
    text = " ".join((reason or "").split())
    if not text:
        needs = N_("an erasure needs the request it answers: give {reason} (e.g. the diary number)")
        raise InvalidInput(Message(needs, {"reason": REASON}), field="reason")
    if len(text) > MAX_REASON:
        too_long = N_(
            "the reason is at most {most} characters, not {length}: give the request's reference"
        )
        raise InvalidInput(
            Message(too_long, {"most": MAX_REASON, "length": len(text)}), field="reason"
        )
    if holds_personnummer(text, today=kivo.today()):
        raise InvalidInput(
            Message(
                N_(
                    "the reason must not hold a personnummer (the record of the erasure keeps "
                    "it): give the request's reference"
                )
            ),
            field="reason",
        )
    return text


def _subject(kivo: Kivo, uow: UnitOfWork, person: str, *, lock: bool = False) -> Subject:
    """The person ``person`` names: a person id (digits, up to nine) or a personnummer."""
    text = person.strip()
    if text.isdigit() and len(text) <= 9:
        person_id: int | None = int(text)
        missing = Message(UNKNOWN_ID["person"], {"id": text})
    else:
        digits = parse_personnummer(text, today=kivo.today()).digits
        person_id = uow.erasure.person_by_personnummer(digits)
        masked = Personnummer(digits).masked()
        missing = Message(
            N_("no person with personnummer {personnummer}"), {"personnummer": masked}
        )
    subject = None if person_id is None else uow.erasure.subject(person_id, lock=lock)
    if subject is None:
        raise NotFound(missing, what="person")
    if subject.erased_on is not None:
        erased = N_("person {person} was erased on {on} already: nothing more to erase")
        raise InvalidInput(
            Message(erased, {"person": subject.person_id, "on": subject.erased_on.isoformat()}),
            field="person",
        )
    return subject


def _refusal(person_id: int, blockers: list[Violation]) -> Message:
    """ "person 3 cannot be erased: " and every rule that keeps the data, joined by "; "."""
    said = {f"rule{n}": _said(rule) for n, rule in enumerate(blockers)}
    rules = Message("; ".join(f"{{{name}}}" for name in said), said)  # nothing to translate
    head = N_("person {person} cannot be erased: {rules}")
    return Message(head, {"person": person_id, "rules": rules})


def _said(rule: Violation) -> Message | str:
    return rule.said if rule.said is not None else rule.message


def _plan(kivo: Kivo, subject: Subject, note: str, actor: Caseworker) -> ErasurePlan:
    name = pseudonym(secrets.token_bytes(8))
    needles = tuple(needles_of(subject.name, subject.personnummer))
    born_on, birth_year = None, subject.birth_year
    if subject.personnummer:
        born = Personnummer(subject.personnummer).birth_date
        entries = [c.opened_on for c in subject.cases if c.opened_on is not None]
        born_on = stand_in_birth_date(born, entries, secrets.randbelow(1_000_000) / 1_000_000)
        birth_year = born_on.year
    return ErasurePlan(
        person_id=subject.person_id,
        cases=subject.cases,
        pseudonym=name,
        needles=needles,
        exact=tuple(exact_needles(subject.name, subject.personnummer)),
        born_on=born_on,
        birth_year=birth_year,
        decision=scrub(f"{DECISION}: {note}", needles, name)[:200],
        on=kivo.today(),
        at=kivo.now(),
        by_id=actor.id,
    )
