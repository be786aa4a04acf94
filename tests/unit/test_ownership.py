"""Who owned a case when: the enrolment and transfer events folded into periods."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from states.ownership import Ownership, owner_on, owners


@dataclass(frozen=True)
class Event:
    kind: str
    on: date
    data: dict[str, Any] = field(default_factory=dict)


def enrolled(on: date, **data: Any) -> Event:
    return Event("enrolled", on, data)


def transferred(on: date, frm: int | None, to: int) -> Event:
    return Event("transferred", on, {"from": frm, "to": to, "note": None})


JAN, MAR, JUN = date(2026, 1, 5), date(2026, 3, 1), date(2026, 6, 1)


def test_a_case_never_transferred_belongs_to_its_current_caseworker_since_it_opened() -> None:
    assert owners([enrolled(JAN)], 7) == [Ownership(7, JAN)]


def test_each_transfer_closes_one_period_and_opens_the_next() -> None:
    history = [enrolled(JAN), Event("advanced", date(2026, 2, 1)), transferred(MAR, 7, 8)]
    history.append(transferred(JUN, 8, 9))

    assert owners(history, 9) == [
        Ownership(7, JAN, MAR),
        Ownership(8, MAR, JUN),
        Ownership(9, JUN),
    ]


def test_the_owner_on_a_day_is_the_new_one_from_the_transfer_day_on() -> None:
    history = [enrolled(JAN), transferred(MAR, 7, 8)]

    assert owner_on(history, 8, date(2026, 2, 28)) == 7
    assert owner_on(history, 8, MAR) == 8
    assert owner_on(history, 8, date(2025, 12, 31)) is None


def test_the_enrolment_names_the_first_owner_when_it_records_one() -> None:
    assert owners([enrolled(JAN, caseworker_id=3), transferred(MAR, 7, 8)], 8)[0] == Ownership(
        3, JAN, MAR
    )


def test_two_transfers_on_one_day_leave_no_empty_period() -> None:
    history = [enrolled(JAN), transferred(MAR, 7, 8), transferred(MAR, 8, 9)]

    assert owners(history, 9) == [Ownership(7, JAN, MAR), Ownership(9, MAR)]


def test_a_case_without_a_caseworker_has_a_period_owned_by_nobody() -> None:
    assert owners([enrolled(JAN)], None) == [Ownership(None, JAN)]
    assert owners([], 7) == []


def test_a_period_prints_as_from_and_to() -> None:
    assert Ownership(7, JAN, MAR).to_dict() == {
        "caseworker_id": 7,
        "from": "2026-01-05",
        "to": "2026-03-01",
    }
