"""A coordinator process for the concurrent-accept test
(``tests/integration/test_proposal_processes``).

``python -m tests.accept_worker URL NOW READY GO PROPOSAL`` starts up, creates the file
READY, waits for the file GO (so every worker accepts at the same moment), then accepts
the proposal, as ``kivo proposal accept`` does. Prints one JSON document: ``accepted``
or the error's class, its violations' codes and the exit code the CLI maps it to.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

from cli.errors import exit_code
from pathway import proposals
from pathway.bootstrap import bootstrap
from states.errors import KivoError

START_TIMEOUT_SECONDS = 60.0


def main(argv: list[str]) -> int:
    url, now, ready, go, proposal = argv
    kivo = bootstrap(url, now=now)
    report: dict[str, Any] = {"outcome": None, "codes": [], "exit": 0}
    try:
        Path(ready).touch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not Path(go).exists():
            if time.monotonic() > deadline:
                print("never told to start", file=sys.stderr)
                return 1
            time.sleep(0.002)
        try:
            done = proposals.accept(kivo, int(proposal))
            report["outcome"] = "accepted"
            report["placement_id"] = done.placement_id
        except KivoError as error:
            report["outcome"] = type(error).__name__
            report["codes"] = [v.code for v in getattr(error, "violations", ())]
            report["exit"] = exit_code(error)
    finally:
        kivo.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
