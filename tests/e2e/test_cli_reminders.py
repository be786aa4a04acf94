"""``kivo reminders run``, as cron or a caseworker's terminal would run it."""

from __future__ import annotations

import json
import socket
from datetime import date
from pathlib import Path

import pytest

from pathway.bootstrap import bootstrap
from tests.dispatch_support import add_followup, add_office, status_counts
from tests.e2e.conftest import Kivo

pytestmark = [pytest.mark.e2e, pytest.mark.both_databases]
DUE = date(2026, 3, 10)


def seed(database: str) -> dict[str, int]:
    """One case whose follow-up is due on 2026-03-10, with its three reminders."""
    kivo = bootstrap(database, now="2026-03-02T09:00")
    try:
        office = add_office(kivo)
        return add_followup(kivo, office.case, DUE)[1]
    finally:
        kivo.close()


def test_a_pass_on_a_fresh_database_sends_nothing(kivo_cli: Kivo) -> None:
    ran = kivo_cli("reminders", "run", "--json")

    assert ran.code == 0, ran.err
    assert ran.json() == {"sent": 0, "escalated": 0, "failed": 0, "dropped": 0}


def test_a_pass_says_in_a_sentence_what_it_sent(kivo_cli: Kivo, e2e_database: str) -> None:
    seed(e2e_database)

    ran = kivo_cli("reminders", "run", now="2026-03-09T09:00")

    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert len(lines) == 2
    assert "→ Hanna Handläggare <hanna@af.example>: Coming up: Follow-up contact" in lines[0]
    assert lines[1] == "1 reminder sent, 0 failed, 0 dropped."


def test_a_pass_a_week_late_says_how_late_and_drops_the_coming_up(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    seed(e2e_database)  # due 10 March: coming up on the 8th, due, escalation on the 17th

    ran = kivo_cli("reminders", "run", now="2026-03-17T09:00")

    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    assert len(lines) == 3
    assert ": Late: Follow-up contact during the placement (case " in lines[0]
    assert lines[0].endswith(", due 10 March, 7 days ago)")
    assert "→ Cecilia Samordnare <cecilia@kommun.example>: Overdue" in lines[1]
    assert "Due today" not in ran.out
    assert lines[2] == (
        "2 reminders sent (1 escalated), 0 failed, 1 dropped (their follow-up was done, "
        "cancelled or moved, or its day had passed)."
    )


def test_reminders_go_to_the_file_kivo_notify_names_once(
    kivo_cli: Kivo, e2e_database: str, tmp_path: Path
) -> None:
    reminders = seed(e2e_database)
    path = tmp_path / "out.jsonl"

    first = kivo_cli("reminders", "run", "--json", env={"KIVO_NOTIFY": f"file:{path}"})
    again = kivo_cli("reminders", "run", "--json", env={"KIVO_NOTIFY": f"file:{path}"})

    assert first.json() == {"sent": 0, "escalated": 0, "failed": 0, "dropped": 0}
    due = kivo_cli("reminders", "run", "--json", "--notify", f"file:{path}", now="2026-03-10")
    assert again.code == first.code == due.code == 0
    assert due.json() == {"sent": 2, "escalated": 0, "failed": 0, "dropped": 0}
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [(line["reminder_id"], line["kind"], line["escalation"]) for line in lines] == [
        (reminders["before"], "before", False),
        (reminders["due"], "due", False),
    ]


def test_with_json_the_console_notifier_keeps_standard_output_one_document(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    seed(e2e_database)

    ran = kivo_cli("reminders", "run", "--json", now="2026-03-10T09:00")

    assert ran.json() == {"sent": 2, "escalated": 0, "failed": 0, "dropped": 0}
    assert ran.err.count("reminder ") == 2


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("email", "error: unknown notifier 'email': use console, file:PATH or smtp://HOST:PORT"),
        ("file:/no/such/folder/out.jsonl", "error: there is no folder '/no/such/folder'"),
        ("smtp://mail:none", "is not an SMTP address: use smtp://HOST:PORT"),
    ],
)
def test_a_bad_notify_spec_is_refused_and_nothing_is_sent(
    kivo_cli: Kivo, e2e_database: str, spec: str, message: str
) -> None:
    seed(e2e_database)

    ran = kivo_cli("reminders", "run", "--notify", spec, now="2026-03-20T09:00")
    as_json = kivo_cli("reminders", "run", "--json", env={"KIVO_NOTIFY": spec})

    assert ran.code == as_json.code == 2
    assert message in ran.err
    assert ran.out == ""
    assert as_json.json()["error"]["code"] == "invalid-input"
    assert status_counts(e2e_database) == {"pending": 3}
    assert not Path("/no/such/folder").exists()


def test_the_reminders_commands_explain_themselves(kivo_cli: Kivo) -> None:
    group = kivo_cli("reminders", "--help")
    run = kivo_cli("reminders", "run", "--help")

    assert group.code == run.code == 0
    assert "send what is due" in group.out
    assert "Send every due reminder once" in run.out
    assert "KIVO_NOTIFY" in run.out


def test_when_the_mail_server_is_unreachable_the_pass_says_so_and_keeps_the_reminders(
    kivo_cli: Kivo, e2e_database: str
) -> None:
    seed(e2e_database)
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    ran = kivo_cli("reminders", "run", "--notify", f"smtp://127.0.0.1:{port}", now="2026-03-20")

    assert ran.code == 0, ran.err
    assert ran.out.strip() == (
        "0 reminders sent, 2 failed (retried by a later pass), 1 dropped (their follow-up "
        "was done, cancelled or moved, or its day had passed)."
    )
    assert status_counts(e2e_database) == {"pending": 2, "dropped": 1}
