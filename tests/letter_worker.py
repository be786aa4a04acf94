"""A scheduler's weekly-letter run in a process of its own, for the multi-process test.

``python -m tests.letter_worker URL NOW FILE READY GO`` starts up, creates the file
READY, waits until the file GO exists (so several workers start together), sends this
week's letters with a file notifier, and prints the result as one JSON line.
"""

from __future__ import annotations

import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from pathway.bootstrap import bootstrap
from pathway.letters import send_weekly_letters
from pathway.notifiers import FileNotifier

START_TIMEOUT_SECONDS = 30.0


def main(argv: list[str]) -> int:
    url, now, path, ready, go = argv
    kivo = bootstrap(url, now=now)
    try:
        Path(ready).touch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not Path(go).exists():
            if time.monotonic() > deadline:
                print("never told to start", file=sys.stderr)
                return 1
            time.sleep(0.002)
        result = send_weekly_letters(kivo, FileNotifier(Path(path)))
    finally:
        kivo.close()
    print(json.dumps(asdict(result)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
