"""The clock and the weekly letter: ``kivo scheduler`` and ``kivo digest``."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from datetime import datetime, time
from typing import TYPE_CHECKING, Annotated, Any

import typer

from cli import speech
from cli.context import kivo_of
from cli.errors import reports_errors
from cli.options import JsonOption, id_option, parse_date
from cli.output import print_json, say, table

DAY_SECONDS = 24 * 3600

if TYPE_CHECKING:
    from pathway.context import Kivo
    from pathway.digest import CaseworkerLetter, Digest, DigestCounts
    from pathway.dispatch import DispatchResult
    from pathway.letters import LetterResult

NotifyOption = Annotated[
    str | None,
    typer.Option(
        "--notify",
        envvar="KIVO_NOTIFY",
        help="Where reminders go: console (default), file:PATH (one JSON line each) or "
        "smtp://HOST:PORT[?from=ADDRESS].",
        metavar="SPEC",
    ),
]


def register(app: typer.Typer) -> None:
    """Add this module's commands to the app."""
    app.command("scheduler")(scheduler)
    app.command("digest")(digest)


@reports_errors
def scheduler(
    ctx: typer.Context,
    interval: Annotated[
        float,
        typer.Option(
            "--interval",
            help="Seconds between dispatch passes (at most a day).",
            metavar="SECONDS",
            max=DAY_SECONDS,
        ),
    ] = 60.0,
    notify: NotifyOption = None,
    once: Annotated[
        bool, typer.Option("--once", help="Run one pass and one digest, then stop.")
    ] = False,
    digest_at: Annotated[
        str,
        typer.Option(
            "--digest-at",
            help="When the daily digest is built (HH:MM, Swedish time).",
            metavar="TIME",
        ),
    ] = "07:00",
) -> None:
    """Run the reminder dispatch pass every interval and the weekly digest daily, until
    stopped (Ctrl-C or SIGTERM: the pass in flight finishes first; exit 0). The daily
    digest sends each caseworker and coordinator this week's letter through the same
    notifier, once per person and week.

    The database outbox is the only source of truth, so several schedulers may run at
    once, on one machine or many: no reminder is sent twice. Log lines go to standard
    error; console reminders to standard output.
    """
    from pathway.notifiers import notifier_from
    from pathway.scheduler import check_interval, parse_digest_at, run_scheduler

    check_interval(interval)
    at = parse_digest_at(digest_at)
    # A run skipped because the previous pass is still going is coalesced, not lost:
    # APScheduler's warning about it would only be noise in the log.
    logging.getLogger("apscheduler").setLevel(logging.ERROR)
    notifier = notifier_from(notify, sys.stdout)
    kivo = kivo_of(ctx)
    stop = threading.Event()
    previous: dict[signal.Signals, Any] = {}
    if not once:  # Ctrl-C and SIGTERM stop the clock; the pass in flight finishes
        for signum in (signal.SIGTERM, signal.SIGINT):
            previous[signum] = signal.signal(signum, lambda _signum, _frame: stop.set())
    try:
        run = run_scheduler(
            kivo,
            notifier,
            _LogLines(),
            stop=stop,
            interval=interval,
            digest_at=at,
            once=once,
            letters=notifier,
        )
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if once:
        if run.errors:
            raise typer.Exit(1)
        return
    _log(
        f"stopped after {_count(run.passes, 'pass', 'passes')}: sent {run.sent} "
        f"({run.escalated} escalated), failed {run.failed}, dropped {run.dropped}"
        + (f"; {_count(run.errors, 'error', 'errors')}" if run.errors else "")
    )


class _LogLines:
    """The scheduler's events as log lines on standard error."""

    def started(self, interval: float, digest_at: time) -> None:
        _log(
            f"started: a dispatch pass every {interval:g} s, the digest daily at "
            f"{digest_at.strftime('%H:%M')} (Europe/Stockholm); stop with Ctrl-C or SIGTERM"
        )

    def stopping(self) -> None:
        _log("stopping: the pass in flight finishes first")

    def passed(self, number: int, result: DispatchResult) -> None:
        if result.sent or result.failed or result.dropped or number == 1:
            _log(
                f"pass {number}: sent {result.sent} ({result.escalated} escalated), "
                f"failed {result.failed}, dropped {result.dropped}"
            )

    def digested(self, digest: Digest) -> None:
        _log(summary_line(digest))

    def lettered(self, result: LetterResult) -> None:
        if result.sent or result.failed:
            _log(f"weekly letter {result.week}: sent {result.sent}, failed {result.failed}")

    def failed(self, job: str, error: Exception) -> None:
        from states.errors import KivoError

        text = error.message if isinstance(error, KivoError) else f"{type(error).__name__}: {error}"
        _log(f"{job} failed (tried again next time): {text}")


def _log(text: str) -> None:
    """One log line; anything written like a personnummer (in a driver's error, say) is
    masked, as in every message kivo shows."""
    from states.personnummer import redact
    from states.text import shown

    stamp = datetime.now().astimezone().strftime("%Y-%m-%d %H:%M:%S")
    line = redact(shown(text))
    print(f"{stamp} kivo scheduler: {line}", file=sys.stderr, flush=True)


def _count(number: int, one: str, many: str) -> str:
    return f"{number} {one if number == 1 else many}"


@reports_errors
def digest(
    ctx: typer.Context,
    caseworker: Annotated[
        int | None, id_option("--caseworker", "Only this caseworker's letter.")
    ] = None,
    week: Annotated[
        str | None,
        typer.Option(
            "--week",
            help="Any day of the week wanted (YYYY-MM-DD); default this week (Monday–Sunday).",
            metavar="DATE",
        ),
    ] = None,
    json_output: JsonOption = False,
) -> None:
    """The week's letter: follow-ups and meetings due, placements starting and ending,
    and what is overdue, per caseworker, with the coordinator's totals."""
    from pathway.digest import weekly_digest

    day = parse_date(week, "week")
    kivo = kivo_of(ctx)
    letter = weekly_digest(kivo, week=day, caseworker_id=caseworker)
    if json_output:
        print_json(letter)
        return
    print_digest(letter)
    _print_employer_steps(kivo, letter, caseworker)
    _print_places(kivo)


def _print_employer_steps(kivo: Kivo, letter: Digest, caseworker: int | None) -> None:
    """The employers' next steps due by the week's end (overdue ones too), if any."""
    from pathway.employers import next_steps_due

    steps = next_steps_due(kivo, by=letter.end, caseworker_id=caseworker)
    if steps:
        table(
            "Employer next steps",
            ["workplace", "due", "agreed by"],
            [(f"{s.workplace} ({s.workplace_id})", s.on, s.by_id) for s in steps],
        )


def _print_places(kivo: Kivo) -> None:
    """The places open with a position free and those agreed, about to open, if any."""
    from pathway.places import places_for_letter

    places = places_for_letter(kivo)
    open_free = [p for p in places.open if p.free > 0]
    if open_free or places.upcoming:
        table(
            "Places open and coming",
            ["place", "workplace", "status", "steps", "free", "from"],
            [
                (
                    f"{p.title} ({p.id})",
                    f"{p.workplace} ({p.workplace_id})",
                    p.status,
                    ",".join(map(str, p.steps)),
                    p.free,
                    p.earliest_start,
                )
                for p in [*open_free, *places.upcoming]
            ],
        )
    if places.hard_to_match:
        say("hard to match: " + ", ".join(f"place {i}" for i in places.hard_to_match))


def summary_line(letter: Digest) -> str:
    """The letter in one line, for logs and the scheduler's daily digest."""
    return (
        f"digest {letter.week} ({letter.start.isoformat()} – {letter.end.isoformat()}): "
        f"{_counts(letter.totals)}, {_count(len(letter.caseworkers), 'caseworker', 'caseworkers')}"
    )


def _counts(counts: DigestCounts) -> str:
    return (
        f"{counts.due} due, {_count(counts.meetings, 'meeting', 'meetings')}, "
        f"{counts.starting} starting, {counts.ending} ending, {counts.overdue} overdue"
    )


def print_digest(letter: Digest) -> None:
    say(f"Week {letter.week}: {letter.start.isoformat()} – {letter.end.isoformat()}")
    if letter.caseworker_id is None:
        rows = [
            (
                _who(part),
                part.counts.due,
                part.counts.meetings,
                part.counts.starting,
                part.counts.ending,
                part.counts.overdue,
            )
            for part in letter.caseworkers
        ]
        t = letter.totals
        rows.append(("all", t.due, t.meetings, t.starting, t.ending, t.overdue))
        table(
            "Overview for the coordinator",
            ["caseworker", "due", "meetings", "starting", "ending", "overdue"],
            rows,
        )
    for part in letter.caseworkers:
        _print_part(part)


def _who(part: CaseworkerLetter) -> str:
    if part.caseworker_id is None:
        return "unassigned"
    return f"{part.caseworker} ({part.caseworker_id})"


def _print_part(part: CaseworkerLetter) -> None:
    say(f"\n{_who(part)}: {_counts(part.counts)}")
    columns = ["id", "case", "participant", "kind", "what", "due", "status"]
    if part.due:
        table(
            "Due this week",
            columns,
            [
                (d.id, d.case_id, d.participant, d.kind, speech.text(d.title), d.due, d.status)
                for d in part.due
            ],
        )
    if part.meetings:
        table(
            "Meetings",
            ["meeting", "case", "participant", "at", "supervisor", "status"],
            [
                (m.id, m.case_id, m.participant, _local(m.at), m.supervisor, m.status)
                for m in part.meetings
            ],
        )
    placements = ["placement", "case", "participant", "step", "workplace", "start", "end"]
    if part.starting:
        table(
            "Placements starting",
            placements,
            [
                (p.id, p.case_id, p.participant, p.step, p.workplace, p.start, p.planned_end)
                for p in part.starting
            ],
        )
    if part.ending:
        table(
            "Placements ending",
            placements,
            [
                (p.id, p.case_id, p.participant, p.step, p.workplace, p.start, _end(p))
                for p in part.ending
            ],
        )
    if part.overdue:
        table(
            "Overdue",
            columns,
            [
                (d.id, d.case_id, d.participant, d.kind, speech.text(d.title), d.due, d.status)
                for d in part.overdue
            ],
        )


def _local(moment: object) -> str:
    from datetime import datetime

    from pathway.clock import LOCAL

    assert isinstance(moment, datetime)
    return moment.astimezone(LOCAL).strftime("%Y-%m-%d %H:%M")


def _end(placement: object) -> str:
    from states.digest import PlacementLine

    assert isinstance(placement, PlacementLine)
    if placement.ended_on is not None:
        return f"{placement.ended_on.isoformat()} (ended)"
    return f"{placement.planned_end} (planned)"
