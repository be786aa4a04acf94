"""The notifiers: a real local SMTP server (aiosmtpd), the JSON-lines file, the console,
and choosing one from ``--notify`` / ``KIVO_NOTIFY``."""

from __future__ import annotations

import io
import json
import os
import socket
import stat
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from pathway.context import Kivo
from pathway.dispatch import DispatchResult, dispatch
from pathway.letters import send_weekly_letters
from pathway.notifiers import (
    ConsoleNotifier,
    FileNotifier,
    LetterMessage,
    Recipient,
    ReminderMessage,
    SmtpNotifier,
    notifier_from,
)
from states.errors import InvalidInput
from tests.dispatch_support import add_followup, add_office, stored_reminders

MakeKivo = Callable[..., Kivo]
DUE = date(2026, 3, 10)
LATER = date(2026, 3, 17)  # a week after DUE: when an escalation goes out
HANNA = Recipient("Hanna Handläggare", "hanna@af.example", 2)
MESSAGE = ReminderMessage(42, 7, "due", DUE, "Tripartite meeting", HANNA, today=DUE)


@dataclass
class Inbox:
    """What the local SMTP server received."""

    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:  # noqa: N802
        self.envelopes.append(envelope)
        return "250 Message accepted for delivery"

    def messages(self) -> list[EmailMessage]:
        return [
            message_from_bytes(
                _bytes(e.original_content), _class=EmailMessage, policy=policy.default
            )
            for e in self.envelopes
        ]


@dataclass
class MailServer:
    port: int
    inbox: Inbox


def _bytes(content: bytes | None) -> bytes:
    assert content is not None
    return content


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield MailServer(controller.port, inbox)
    finally:
        controller.stop()


def test_a_reminder_sent_by_smtp_arrives_with_recipient_subject_and_message_id(
    mail_server: MailServer,
) -> None:
    SmtpNotifier("127.0.0.1", mail_server.port, "kivo@kommun.example").send(MESSAGE)

    (envelope,) = mail_server.inbox.envelopes
    assert (envelope.mail_from, envelope.rcpt_tos) == ("kivo@kommun.example", ["hanna@af.example"])
    (mail,) = mail_server.inbox.messages()
    assert mail["To"] == "Hanna Handläggare <hanna@af.example>"
    assert mail["Subject"] == "[kivo] Due today: Tripartite meeting (case 7, due 2026-03-10)"
    assert mail["Message-ID"] == "<kivo-reminder-42@kommun.example>"
    body = mail.get_body()
    assert body is not None
    assert "Hello Hanna Handläggare," in body.get_content()
    assert "Tripartite meeting for case 7 is due today." in body.get_content()


def test_a_dispatch_pass_over_smtp_a_week_late_says_how_late_and_escalates_to_the_coordinator(
    make_kivo: MakeKivo, mail_server: MailServer
) -> None:
    """The pass runs a week after the item's day (the scheduler was down): "coming up"
    would be untrue and is dropped, and nothing says "Due today"."""
    kivo = make_kivo()
    office = add_office(kivo)
    add_followup(kivo, office.case, DUE)
    notifier = notifier_from(
        f"smtp://127.0.0.1:{mail_server.port}?from=kivo@kommun.example", io.StringIO()
    )

    result = dispatch(make_kivo("2026-03-17T09:00"), notifier)

    assert result == DispatchResult(sent=2, escalated=1, dropped=1)
    mails = mail_server.inbox.messages()
    assert [(m["To"].addresses[0].addr_spec, m["Subject"]) for m in mails] == [
        (
            "hanna@af.example",
            "[kivo] Late: Follow-up contact during the placement "
            f"(case {office.case}, due 10 March, 7 days ago)",
        ),
        (
            "cecilia@kommun.example",
            "[kivo] Overdue: Follow-up contact during the placement "
            f"(case {office.case}, due 10 March, 7 days ago)",
        ),
    ]
    body = mails[0].get_body()
    assert body is not None
    assert (
        f"Follow-up contact during the placement for case {office.case} was due 10 March, "
        "7 days ago, and is still open." in body.get_content()
    )
    assert "today" not in body.get_content()


def test_when_the_mail_server_is_down_the_reminder_stays_pending_and_is_sent_later(
    make_kivo: MakeKivo, mail_server: MailServer
) -> None:
    kivo = make_kivo()
    office = add_office(kivo)
    _, reminders = add_followup(kivo, office.case, DUE, kinds=[("due", DUE)])
    down = SmtpNotifier("127.0.0.1", free_port(), timeout=5)

    assert dispatch(make_kivo("2026-03-10T09:00"), down) == DispatchResult(failed=1)
    stored = stored_reminders(kivo.database)[reminders["due"]]
    assert (stored.status, stored.attempts) == ("pending", 1)
    assert (stored.last_error or "").startswith("ConnectionRefusedError")

    up = SmtpNotifier("127.0.0.1", mail_server.port)
    assert dispatch(make_kivo("2026-03-10T09:05"), up) == DispatchResult(sent=1)
    assert len(mail_server.inbox.envelopes) == 1
    assert stored_reminders(kivo.database)[reminders["due"]].status == "sent"


def test_a_recipient_without_an_e_mail_address_cannot_be_mailed_and_nothing_is_sent(
    mail_server: MailServer,
) -> None:
    nameless = ReminderMessage(
        42, 7, "due", DUE, "Tripartite meeting", Recipient("Hanna"), today=DUE
    )

    with pytest.raises(ValueError, match="Hanna has no e-mail address"):
        SmtpNotifier("127.0.0.1", mail_server.port).send(nameless)
    assert mail_server.inbox.envelopes == []


def test_smtp_cannot_say_what_it_delivered() -> None:
    assert SmtpNotifier("127.0.0.1", 25).already_sent(42) is False


def test_the_file_notifier_appends_one_private_json_line_per_reminder(tmp_path: Path) -> None:
    path = tmp_path / "reminders.jsonl"
    notifier = FileNotifier(path)
    escalation = ReminderMessage(
        43, 7, "escalation", DUE, "Tripartite meeting", HANNA, True, today=LATER
    )

    notifier.send(MESSAGE)
    notifier.send(escalation)

    lines = path.read_text().splitlines()
    assert [json.loads(line) for line in lines] == [
        {
            "reminder_id": 42,
            "case_id": 7,
            "kind": "due",
            "due": "2026-03-10",
            "title": "Tripartite meeting",
            "recipient": {"id": 2, "name": "Hanna Handläggare", "email": "hanna@af.example"},
            "escalation": False,
            "sent_on": "2026-03-10",
        },
        {
            "reminder_id": 43,
            "case_id": 7,
            "kind": "escalation",
            "due": "2026-03-10",
            "title": "Tripartite meeting",
            "recipient": {"id": 2, "name": "Hanna Handläggare", "email": "hanna@af.example"},
            "escalation": True,
            "sent_on": "2026-03-17",
        },
    ]
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600


def test_the_file_notifier_knows_lines_any_writer_appended_but_not_a_half_written_one(
    tmp_path: Path,
) -> None:
    path = tmp_path / "reminders.jsonl"
    reader = FileNotifier(path)
    assert reader.already_sent(42) is False  # no file yet

    FileNotifier(path).send(MESSAGE)  # as another process would
    with path.open("a") as file:
        file.write('{"reminder_id": 43, "case_id": 7')  # a line not yet complete

    assert reader.already_sent(42) is True
    assert reader.already_sent(43) is False
    with path.open("a") as file:
        file.write(', "kind": "due"}\n')
    assert reader.already_sent(43) is True
    assert reader.already_sent(44) is False


def test_the_console_notifier_prints_one_readable_line_per_reminder() -> None:
    stream = io.StringIO()
    notifier = ConsoleNotifier(stream)

    notifier.send(MESSAGE)

    assert stream.getvalue() == (
        "reminder 42 → Hanna Handläggare <hanna@af.example>: Due today: Tripartite meeting "
        "(case 7, due 2026-03-10)\n"
    )
    assert notifier.already_sent(42) is False


@pytest.mark.parametrize(
    ("spec", "kind"),
    [
        (None, ConsoleNotifier),
        ("console", ConsoleNotifier),
        (" console ", ConsoleNotifier),
        ("file:reminders.jsonl", FileNotifier),
        ("smtp://localhost:2525", SmtpNotifier),
        ("smtp://mail.kommun.example", SmtpNotifier),
    ],
)
def test_a_notifier_is_chosen_by_its_spec(
    spec: str | None, kind: type, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert isinstance(notifier_from(spec, io.StringIO()), kind)


def test_an_smtp_spec_gives_host_port_and_sender() -> None:
    notifier = notifier_from("smtp://mail.example:2525?from=kivo@kommun.example", io.StringIO())

    assert isinstance(notifier, SmtpNotifier)
    assert (notifier.host, notifier.port, notifier.sender) == (
        "mail.example",
        2525,
        "kivo@kommun.example",
    )
    default = notifier_from("smtp://mail.example", io.StringIO())
    assert isinstance(default, SmtpNotifier)
    assert (default.port, default.sender) == (25, "kivo@localhost")


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("email", "unknown notifier 'email': use console, file:PATH or smtp://HOST:PORT"),
        ("file:", "file: needs a path"),
        ("file:/no/such/folder/r.jsonl", "there is no folder '/no/such/folder'"),
        ("smtp://", "is not an SMTP address"),
        ("smtp://host:99999", "is not an SMTP address"),
        ("smtp://host:0", "is not an SMTP address"),
        ("smtp://host:port", "is not an SMTP address"),
        ("smtp://host:25/path", "is not an SMTP address"),
        ("smtp://host:25?user=x", "unknown SMTP setting 'user'"),
        ("smtp://host:25?from=nobody", "'nobody' is not a sender address"),
        ("199001011234", "(value not shown: it may be personal data)"),
    ],
)
def test_a_bad_spec_is_refused_with_a_clear_message(spec: str, message: str) -> None:
    with pytest.raises(InvalidInput) as refused:
        notifier_from(spec, io.StringIO())

    assert message in refused.value.message
    assert "199001011234" not in refused.value.message


def test_a_folder_is_not_a_notifier_file(tmp_path: Path) -> None:
    with pytest.raises(InvalidInput, match="is a folder, not a file"):
        notifier_from(f"file:{tmp_path}", io.StringIO())


def test_the_file_notifier_reads_a_truncated_file_afresh(tmp_path: Path) -> None:
    path = tmp_path / "reminders.jsonl"
    notifier = FileNotifier(path)
    notifier.send(
        ReminderMessage(41, 7, "due", DUE, "A much longer title than the next", HANNA, today=DUE)
    )
    assert notifier.already_sent(41) is True

    path.write_text("")
    notifier.send(MESSAGE)

    assert notifier.already_sent(41) is False
    assert notifier.already_sent(42) is True


def test_the_weekly_letter_arrives_by_smtp_for_the_caseworker_and_the_coordinator(
    make_kivo: MakeKivo, mail_server: MailServer
) -> None:
    kivo = make_kivo("2026-03-09T07:00")
    office = add_office(kivo)
    add_followup(kivo, office.case, DUE, title="Tripartite meeting")
    notifier = notifier_from(
        f"smtp://127.0.0.1:{mail_server.port}?from=kivo@kommun.example", io.StringIO()
    )

    sent = send_weekly_letters(make_kivo("2026-03-09T07:00"), notifier)
    again = send_weekly_letters(make_kivo("2026-03-11T07:00"), notifier)

    assert (sent.sent, sent.failed, again.sent) == (2, 0, 0)
    mails = {m["To"].addresses[0].addr_spec: m for m in mail_server.inbox.messages()}
    assert sorted(mails) == ["cecilia@kommun.example", "hanna@af.example"]
    mine = mails["hanna@af.example"]
    assert mine["Subject"] == (
        "[kivo] Weekly letter 2026-W11: 1 due, 0 meetings, 0 starting, 0 ending, 0 overdue"
    )
    assert mine["Message-ID"].startswith("<kivo-letter-")
    body = mine.get_body()
    assert body is not None
    assert f"- case {office.case}: Tripartite meeting, due 2026-03-10" in body.get_content()
    overview = mails["cecilia@kommun.example"].get_body()
    assert overview is not None
    assert "- Hanna Handläggare: 1 due, 0 meetings" in overview.get_content()


def test_the_console_prints_one_line_per_weekly_letter() -> None:
    stream = io.StringIO()
    letter = LetterMessage(5, "2026-W11", HANNA, "Weekly letter 2026-W11: 1 due", "body")

    ConsoleNotifier(stream).send_letter(letter)

    assert stream.getvalue() == (
        "letter 5 → Hanna Handläggare <hanna@af.example>: Weekly letter 2026-W11: 1 due\n"
    )
