"""What a reminder says depends on the day it is sent: on time it says when, late it
says how late, and never "Due today" after the day."""

from __future__ import annotations

from datetime import date

import pytest

from pathway.notifiers import Recipient, ReminderMessage

DUE = date(2026, 3, 16)


def message(kind: str, today: date, *, due: date = DUE) -> ReminderMessage:
    escalation = kind == "escalation"
    return ReminderMessage(
        7, 3, kind, due, "Follow-up", Recipient("Hanna"), escalation, today=today
    )


def test_a_due_reminder_on_its_day_says_due_today() -> None:
    on_time = message("due", DUE)

    assert on_time.subject() == "[kivo] Due today: Follow-up (case 3, due 2026-03-16)"
    assert on_time.text() == "Follow-up for case 3 is due today."


@pytest.mark.parametrize(
    ("today", "late"),
    [
        (date(2026, 3, 17), "due 16 March, 1 day ago"),
        (date(2026, 3, 24), "due 16 March, 8 days ago"),
        (date(2027, 1, 4), "due 16 March 2026, 294 days ago"),
    ],
)
def test_a_due_reminder_sent_after_its_day_says_how_late(today: date, late: str) -> None:
    sent_late = message("due", today)

    assert sent_late.subject() == f"[kivo] Late: Follow-up (case 3, {late})"
    assert sent_late.text() == f"Follow-up for case 3 was {late}, and is still open."


def test_an_escalation_says_how_long_ago_the_item_was_due() -> None:
    escalation = message("escalation", date(2026, 3, 23))

    assert escalation.subject() == "[kivo] Overdue: Follow-up (case 3, due 16 March, 7 days ago)"
    assert escalation.text().startswith("Follow-up for case 3 was due 16 March, 7 days ago,")
    assert escalation.text().endswith(
        "You are told as the coordinator: please see that it is done."
    )


def test_a_coming_up_reminder_names_its_day() -> None:
    ahead = message("before", date(2026, 3, 14))

    assert ahead.subject() == "[kivo] Coming up: Follow-up (case 3, due 2026-03-16)"
    assert ahead.text() == "Follow-up for case 3 is due on 2026-03-16."
