"""An outbox worker in a process of its own, for the multi-process tests.

``python -m tests.outbox_worker reminders URL NOW FILE READY GO BATCH`` runs one
reminder dispatch pass; ``python -m tests.outbox_worker letters URL NOW FILE READY GO``
sends this week's letters. Either starts up, creates the file READY, waits until the
file GO exists (so several workers start together), does its work with a file notifier
writing to FILE, and prints the result as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from pathway.bootstrap import bootstrap
from pathway.context import Kivo
from pathway.dispatch import dispatch
from pathway.letters import send_weekly_letters
from pathway.notifiers import FileNotifier

START_TIMEOUT_SECONDS = 30.0


def work(kind: str, kivo: Kivo, notifier: FileNotifier, rest: list[str]) -> dict[str, int]:
    """What the worker did, as the JSON line it prints."""
    if kind == "reminders":
        (batch,) = rest
        return asdict(dispatch(kivo, notifier, batch=int(batch)))
    if kind == "letters" and not rest:
        return asdict(send_weekly_letters(kivo, notifier))
    raise SystemExit(f"unknown work {kind!r} {rest!r}: reminders … BATCH, or letters")


def main(argv: list[str]) -> int:
    kind, url, now, path, ready, go, *rest = argv
    kivo = bootstrap(url, now=now)
    try:
        Path(ready).touch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not Path(go).exists():
            if time.monotonic() > deadline:
                print("never told to start", file=sys.stderr)
                return 1
            time.sleep(0.002)
        result = work(kind, kivo, FileNotifier(Path(path)), rest)
    finally:
        kivo.close()
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
