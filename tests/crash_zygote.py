"""The work the crash-safety tests kill, and a process that forks it on demand.

``python -m tests.crash_zygote`` imports kivo once, then for each JSON job read from
standard input forks a child that runs it (on its own engine) and exits. It prints
``{"pid": N}`` as soon as the child exists, so the test can kill it with SIGKILL at a
moment of its choosing, then ``{"status": S}`` when the child is gone (S is -9 for a
kill, 0 when the job finished). Forking a warm process instead of starting Python for
each of the 150 kills keeps the test fast, and a child runs exactly the code a ``kivo``
command runs.

The jobs are idempotent by design of the use cases they call, which is what the test
checks: run again after a kill, each completes the work without doubling any of it.
"""

from __future__ import annotations

import json
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from pathlib import Path
from typing import Any

from pathway import batch, moves
from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.dispatch import dispatch
from pathway.errors import Refused
from pathway.importing import import_participants
from pathway.notifiers import FileNotifier
from states.import_rows import REQUIRED_COLUMNS
from states.steps import Step

INFORMATION_ON = date(2026, 2, 2)
PRACTICE_ON = date(2026, 2, 9)
PRACTICE_UNTIL = date(2026, 5, 29)
IMPORT_HEADER = REQUIRED_COLUMNS  # the import's own required header


def move_cohort(kivo: Kivo, case_ids: Sequence[int], supervisor: int) -> int:
    """A coordinator's batch: every case into step 1 (chunks of 10 cases per commit),
    then one by one into short practice with a placement, follow-ups and reminders.
    A case already moved is refused by the path and skipped; returns the moves made."""
    done = batch.batch_advance(kivo, case_ids, Step.INFORMATION, on=INFORMATION_ON, chunk=10)
    made = done.moved
    for case_id in case_ids:
        try:
            moves.advance(
                kivo,
                case_id,
                Step.SHORT_PRACTICE,
                on=PRACTICE_ON,
                supervisor_id=supervisor,
                until=PRACTICE_UNTIL,
            )
        except Refused:
            continue
        made += 1
    return made


def dispatch_all(kivo: Kivo, path: Path) -> int:
    """One dispatch pass with the file notifier, in small claims: five reminders per
    claim, so a pass of 60 is twelve group commits (claim, append and fsync, record),
    and a kill can land between any two of their steps."""
    return dispatch(kivo, FileNotifier(path), batch=5).sent


def import_rows(kivo: Kivo, rows: Sequence[Sequence[str]]) -> int:
    """Import participants (header first): one transaction, all or nothing."""
    return import_participants(kivo, [IMPORT_HEADER, *rows], source="crash.csv", chunk=50).imported


def run(job: dict[str, Any]) -> None:
    kivo = bootstrap(job["url"], now=job["now"])
    try:
        if job["kind"] == "moves":
            move_cohort(kivo, job["cases"], job["supervisor"])
        elif job["kind"] == "dispatch":
            dispatch_all(kivo, Path(job["path"]))
        elif job["kind"] == "import":
            import_rows(kivo, job["rows"])
        else:
            raise ValueError(f"unknown job {job['kind']!r}")
    finally:
        kivo.close()


def main() -> int:
    for line in sys.stdin:
        job = json.loads(line)
        pid = os.fork()
        if pid == 0:  # the child: do the job, never return into the loop
            code = 0
            try:
                run(job)
            except BaseException:
                traceback.print_exc()
                code = 1
            finally:
                sys.stderr.flush()
                os._exit(code)
        print(json.dumps({"pid": pid}), flush=True)
        _, status = os.waitpid(pid, 0)
        code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
        print(json.dumps({"status": code}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
