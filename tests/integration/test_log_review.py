"""The monthly log review on SQLite and PostgreSQL: the month's reads outside the
reader's caseload at the time (by the history's owners), coordinators' reads as theirs,
and every read of a protected person's case."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime

import pytest

from pathway import directory, enrolment
from pathway.clock import LOCAL, FixedClock
from pathway.context import Kivo
from pathway.errors import NotPermitted
from pathway.handover import transfer_caseload
from pathway.protection import protect_participant
from pathway.review import log_review
from pathway.views import read_case, read_history
from states.errors import InvalidInput
from tests.integration.support import add_staff


def at(kivo: Kivo, day: date, hour: int = 10) -> Kivo:
    return replace(
        kivo, clock=FixedClock(datetime(day.year, day.month, day.day, hour, tzinfo=LOCAL))
    )


def test_the_review_lists_reads_outside_the_caseload_of_their_day_and_of_protected_cases(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo("2026-02-20T09:00")
    staff = add_staff(kivo)
    other = directory.add_caseworker(kivo, "Bertil Bytt").id
    assert other is not None
    own = staff.caseworker
    plain = enrolment.enrol(kivo, "Bo Ek", caseworker_id=own, on=date(2026, 2, 20)).case_id
    hidden = enrolment.enrol(kivo, "Zelda Quist", caseworker_id=own, on=date(2026, 2, 20))
    protect_participant(kivo, hidden.case_id, reason="beslut", by=staff.coordinator)
    read_case(at(kivo, date(2026, 2, 27)), plain, by=staff.coordinator)  # February: not reviewed
    read_case(at(kivo, date(2026, 3, 3)), plain, by=own)  # their own case: not listed
    read_history(at(kivo, date(2026, 3, 3)), hidden.case_id, by=own)  # protected: listed
    read_case(at(kivo, date(2026, 3, 6)), plain, by=own)  # theirs then, but see the transfer
    read_case(at(kivo, date(2026, 3, 6), 11), plain, by=staff.coordinator)
    # On 7 March the case is handed over from the 4th: the read of the 6th was not theirs.
    transfer_caseload(
        at(kivo, date(2026, 3, 7)),
        own,
        other,
        case_ids=[plain],
        on=date(2026, 3, 4),
        by=staff.coordinator,
    )
    read_case(at(kivo, date(2026, 3, 8)), plain, by=other)  # the new owner's: not listed

    review = log_review(at(kivo, date(2026, 4, 1)), "2026-03", actor=staff.coordinator)

    listed = [(r.at.day, r.caseworker_id, r.case_id, r.action, r.why) for r in review.rows]
    assert listed == [
        (3, own, hidden.case_id, "read-history", ("protected",)),
        (6, own, plain, "read", ("outside-caseload",)),
        (6, staff.coordinator, plain, "read", ("coordinator",)),
    ]
    assert [r.caseworker for r in review.rows] == [
        "Hanna Handläggare",
        "Hanna Handläggare",
        "Cecilia Samordnare",
    ]
    assert review.reads == 5


def test_only_a_coordinator_reviews_and_a_month_must_be_one(
    make_kivo: Callable[..., Kivo],
) -> None:
    kivo = make_kivo()
    staff = add_staff(kivo)
    with pytest.raises(NotPermitted, match="only a coordinator may review the access log"):
        log_review(kivo, "2026-03", actor=staff.caseworker)
    with pytest.raises(InvalidInput, match="'2026-3' is not a month"):
        log_review(kivo, "2026-3", actor=staff.coordinator)
    assert log_review(kivo, "2026-03", actor=staff.coordinator).rows == []
