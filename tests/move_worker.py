"""A caseworker process for the lost-update test (``tests/integration/test_concurrency``).

``python -m tests.move_worker URL NOW ATTEMPTS READY GO CASE...`` starts up, creates the
file READY, waits for the file GO (so every worker starts together), then makes
ATTEMPTS moves of the given cases, in a loop in this one process: each attempt looks at
a case (its state and version) and pauses or resumes it with ``expected_version`` set to
what it saw, as ``kivo pause --expect-version`` does. (Pause and resume of a case in
step 1 plan no follow-ups, so an attempt costs milliseconds and 4,000 of them fit in
the suite's time; the locking is the same for every move.)

Prints one JSON document: every attempt that succeeded, as (case, version seen, new
state), how many got a conflict (and the exit code the CLI maps it to), and anything
else that went wrong (which must be nothing).
"""

from __future__ import annotations

import json
import random
import sys
import time
from pathlib import Path
from typing import Any

from cli.errors import exit_code
from pathway import moves
from pathway.bootstrap import bootstrap
from states.errors import Conflict

START_TIMEOUT_SECONDS = 60.0


def main(argv: list[str]) -> int:
    url, now, attempts, ready, go, *cases = argv
    case_ids = [int(c) for c in cases]
    kivo = bootstrap(url, now=now)
    report: dict[str, Any] = {"succeeded": [], "conflicts": 0, "conflict_codes": [], "other": []}
    try:
        Path(ready).touch()
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not Path(go).exists():
            if time.monotonic() > deadline:
                print("never told to start", file=sys.stderr)
                return 1
            time.sleep(0.002)
        chooser = random.Random(ready)
        for attempt in range(int(attempts)):
            case_id = chooser.choice(case_ids)
            with kivo.uow(read_only=True) as uow:
                case = uow.cases.get(case_id)
            try:
                if case.state == "paused":
                    result = moves.resume(kivo, case_id, expected_version=case.version)
                else:
                    result = moves.pause(
                        kivo, case_id, reason=f"attempt {attempt}", expected_version=case.version
                    )
                report["succeeded"].append([case_id, case.version, result.to_state])
            except Conflict as error:
                report["conflicts"] += 1
                if exit_code(error) not in report["conflict_codes"]:
                    report["conflict_codes"].append(exit_code(error))
            except Exception as error:  # anything else is a bug the test reports
                report["other"].append(f"{type(error).__name__}: {error}")
    finally:
        kivo.close()
    print(json.dumps(report))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
