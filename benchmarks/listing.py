"""Scenario ``list``: ``kivo participant list --limit 0 --json`` over the whole caseload,
beside a bare-driver twin that reads the same rows and writes the same JSON.

Measured twice: in this process (the use case read a chunk at a time, each case written
as the command writes it, against the twin's one cursor), and as programs of their own
(the installed command against ``python -m benchmarks.listing URL``), whose wall time
and peak memory (the child's own ``ru_maxrss``) are the extra figures. The outputs are
compared byte for byte once before timing.

``python -m benchmarks.listing URL`` runs the twin, writing the JSON to standard output.
"""

from __future__ import annotations

import hashlib
import json
import os
import statistics
import subprocess
import sys
import time
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy.engine import make_url

if TYPE_CHECKING:
    from benchmarks.scenarios import Bench, Result

TWIN_SQL = (
    "SELECT c.id, p.name, c.state, c.step, c.caseworker_id, w.name, c.opened_on, "
    "c.outcome, c.version FROM kivo_case c JOIN person p ON p.id = c.person_id "
    "LEFT JOIN caseworker w ON w.id = c.caseworker_id ORDER BY c.id"
)
STATUS = {"exited": "exited", "paused": "paused"}
MEMORY_MB = 100.0


class Sink(Protocol):
    def write(self, text: str, /) -> int: ...
    def flush(self) -> None: ...


def twin(url: str, out: Sink) -> int:
    """The bare driver: one query, rows streamed (SQLite's cursor; a server-side cursor
    on PostgreSQL), each written as one JSON object per line of one array."""
    parsed = make_url(url)
    dumps = json.JSONEncoder(ensure_ascii=False).encode
    write = out.write
    count = 0
    if parsed.get_backend_name() == "sqlite":
        import sqlite3

        conn: Any = sqlite3.connect(parsed.database or "")
        rows: Any = conn.execute(TWIN_SQL)
    else:
        import psycopg

        plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        conn = psycopg.connect(plain)
        rows = conn.cursor(name="twin_list")
        rows.itersize = 2000
        rows.execute(TWIN_SQL)
    try:
        write("[")
        separator = "\n"
        for ident, name, state, step, worker_id, worker, opened, outcome, version in rows:
            write(separator)
            write(
                dumps(
                    {
                        "id": ident,
                        "name": name,
                        "state": state,
                        "step": step,
                        "status": STATUS.get(state, "active"),
                        "caseworker_id": worker_id,
                        "caseworker": worker,
                        "opened_on": opened if isinstance(opened, str) else opened.isoformat(),
                        "outcome": outcome,
                        "version": version,
                    }
                )
            )
            separator = ",\n"
            count += 1
        write("\n]\n" if count else "]\n")
        out.flush()
    finally:
        conn.close()
    return count


def kivo_json(bench: Bench, out: Sink) -> int:
    """What ``participant list --limit 0 --json`` does once kivo is started."""
    from cli.listing import stream_json
    from pathway.listing import case_document, list_cases

    cases = list_cases(bench.kivo, limit=0)
    stream_json((case_document(c) for c in cases), out)
    return cases.count


class Digest:
    """A text sink that keeps only a hash and a length."""

    def __init__(self) -> None:
        self.hash = hashlib.sha256()
        self.size = 0

    def write(self, text: str) -> int:
        data = text.encode()
        self.hash.update(data)
        self.size += len(data)
        return len(text)

    def flush(self) -> None:
        pass


LAUNCHER = """
import os, subprocess, sys
process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL)
_, status, usage = os.wait4(process.pid, 0)
print(usage.ru_maxrss / 1024)
sys.exit(os.waitstatus_to_exitcode(status))
"""


def child(command: list[str]) -> tuple[float, float]:
    """Run ``command`` with its output thrown away: wall seconds and its peak RSS (MB).

    Started from a small launcher process: on Linux a child's ``ru_maxrss`` counts the
    memory of the process it was forked from (the runner, here) until it executes the
    command."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", LAUNCHER, *command],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(command)} failed: {done.stderr[-800:]}")
    return seconds, float(done.stdout.strip().splitlines()[-1])


def scenario(bench: Bench) -> Result:
    from benchmarks.scenarios import Result, _fill, _kivo_command, interleaved

    result = Result(
        "list",
        "List: `participant list --limit 0 --json` over every case, streamed",
        "cases",
        target=f"ratio ≤ 2.0; peak memory of the command ≤ {MEMORY_MB:.0f} MB",
    )
    ours, theirs = Digest(), Digest()
    count = kivo_json(bench, ours)
    if twin(bench.url, theirs) != count or ours.hash.digest() != theirs.hash.digest():
        raise RuntimeError("kivo's list and the twin's differ")
    result.count = count
    repeats = bench.repeats if count <= 200_000 else min(bench.repeats, 2)
    with open(os.devnull, "w", encoding="utf-8") as sink:
        _fill(
            result,
            *interleaved(
                repeats, lambda _r: _done(kivo_json(bench, sink)), lambda _r: _twin(bench, sink)
            ),
        )
    command = [*_kivo_command(), "--database", bench.url, "participant", "list"]
    command += ["--limit", "0", "--json"]
    raw_command = [sys.executable, "-m", "benchmarks.listing", bench.url]
    runs: dict[str, list[tuple[float, float]]] = {"kivo": [], "raw": []}
    for index in range(1 if bench.quick or repeats == 1 else 2):
        pair = [("kivo", command), ("raw", raw_command)]
        for side, argv in pair if index % 2 == 0 else reversed(pair):
            runs[side].append(child(argv))
    kivo_s = statistics.median(s for s, _ in runs["kivo"])
    raw_s = statistics.median(s for s, _ in runs["raw"])
    kivo_mb = max(mb for _, mb in runs["kivo"])
    result.extra = {
        "command_kivo_s": kivo_s,
        "command_raw_s": raw_s,
        "command_ratio": kivo_s / raw_s,
        "kivo_peak_rss_mb": kivo_mb,
        "raw_peak_rss_mb": max(mb for _, mb in runs["raw"]),
        "json_mb": ours.size / 2**20,
    }
    result.met = (result.ratio or 99.0) <= 2.0 and kivo_mb <= MEMORY_MB
    result.notes.append(
        f"{repeats} repeat(s) in process (the use case and its JSON against the twin's "
        f"cursor, output to /dev/null, identical bytes checked first); the commands "
        f"(`kivo … participant list --limit 0 --json` and the twin as a program, start-up "
        f"included) {len(runs['kivo'])} time(s) each, peak memory their own ru_maxrss"
    )
    return result


def _done(_count: int) -> None:
    return None


def _twin(bench: Bench, sink: Sink) -> None:
    twin(bench.url, sink)


if __name__ == "__main__":
    twin(sys.argv[1], sys.stdout)
