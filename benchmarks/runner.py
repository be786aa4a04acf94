"""``python -m benchmarks``: prepare a caseload, run the scenarios, print medians and ratios."""

from __future__ import annotations

import argparse
import json
import platform
import resource
import sqlite3
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from benchmarks.caseload import NOW
from benchmarks.databases import prepare
from benchmarks.parallel import dispatch_processes
from benchmarks.rawsql import RawDatabase
from benchmarks.scenarios import SCENARIOS, Bench, Result, backend
from pathway.bootstrap import bootstrap


def parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="kivo side by side with raw SQL on a synthetic caseload.",
    )
    parser.add_argument("--size", type=int, default=1000, help="cases to generate (1,000+)")
    parser.add_argument(
        "--database",
        help="SQLAlchemy URL or SQLite file for the working copy (default: a file in "
        "$KIVO_BENCH_DIR or /tmp/kivo-bench); PostgreSQL databases are dropped and "
        "re-created from a template",
    )
    parser.add_argument("--json", action="store_true", help="print one JSON document")
    parser.add_argument(
        "--scenarios",
        nargs="+",
        choices=sorted([*SCENARIOS, "dispatch4"]),
        default=None,
        help="which scenarios to run (default: all; dispatch4, with 4 processes, on "
        "PostgreSQL only)",
    )
    parser.add_argument("--repeats", type=int, default=5, help="repeats per scenario")
    parser.add_argument(
        "--quick", action="store_true", help="tiny counts and 3 repeats (the CI smoke run)"
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--moves", type=int, default=500, help="single moves per side and repeat (default 500)"
    )
    parser.add_argument(
        "--batch",
        type=int,
        default=100_000,
        help="cases per batch move (default 100,000, at most half the enrolled pool)",
    )
    parser.add_argument(
        "--reminders",
        type=int,
        default=100_000,
        help="due reminders to dispatch (default 100,000, at most what the caseload has)",
    )
    parser.add_argument(
        "--import-rows", type=int, default=100_000, help="rows per import (default 100,000)"
    )
    parser.add_argument(
        "--peer-moves",
        type=int,
        default=5000,
        help="peers scenario: moves per stack and round (default 5,000, at most the enrolled "
        "pool over the rounds)",
    )
    parser.add_argument(
        "--peer-rounds", type=int, default=3, help="peers scenario: interleaved rounds (default 3)"
    )
    return parser.parse_args(argv)


def run(args: argparse.Namespace) -> dict[str, Any]:
    repeats = 3 if args.quick else max(1, args.repeats)
    started = time.perf_counter()
    prepared = prepare(args.size, args.database, seed=args.seed)
    kivo = bootstrap(prepared.url, now=NOW)
    raw = RawDatabase(prepared.url)
    results: list[Result] = []
    try:
        with tempfile.TemporaryDirectory(prefix="kivo-bench-") as work:
            bench = Bench(
                prepared.url,
                args.size,
                kivo,
                raw,
                repeats,
                args.quick,
                Path(work),
                limits={
                    "moves": args.moves,
                    "batch": args.batch,
                    "reminders": args.reminders,
                    "import": args.import_rows,
                    "peer_moves": args.peer_moves,
                    "peer_rounds": args.peer_rounds,
                },
                template=prepared.template,
            )
            for name in args.scenarios or default_scenarios(prepared.url):
                found = dispatch_processes(bench) if name == "dispatch4" else SCENARIOS[name](bench)
                for result in found if isinstance(found, list) else [found]:
                    result.peak_rss_mb = _peak_rss_mb()
                    results.append(result)
                    print(_line(result), file=sys.stderr, flush=True)
    finally:
        raw.close()
        kivo.close()
    return {
        "command": "python -m benchmarks " + " ".join(sys.argv[1:]),
        "size": args.size,
        "database": backend(prepared.url),
        "generated": None if prepared.generated is None else vars(prepared.generated),
        "generate_seconds": prepared.generate_seconds,
        "machine": machine(prepared.url),
        "repeats": repeats,
        "seconds": time.perf_counter() - started,
        "peak_rss_mb": _peak_rss_mb(),
        "scenarios": [result.to_dict() for result in results],
    }


def default_scenarios(url: str) -> list[str]:
    names = list(SCENARIOS)
    if backend(url) == "postgresql":
        names.insert(names.index("dispatch") + 1, "dispatch4")
    return names


def machine(url: str) -> dict[str, Any]:
    import os

    info: dict[str, Any] = {
        "nproc": os.cpu_count(),
        "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
        "python": platform.python_version(),
        "sqlite": sqlite3.sqlite_version,
        "platform": platform.platform(),
    }
    if backend(url) == "postgresql":
        raw = RawDatabase(url)
        try:
            info["postgresql"] = raw.one("SHOW server_version")[0]
        finally:
            raw.close()
    return info


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _fmt(seconds: float | None) -> str:
    if seconds is None:
        return "—"
    return f"{seconds * 1000:.1f} ms" if seconds < 1 else f"{seconds:.2f} s"


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:,.0f}/s"


def _line(result: Result) -> str:
    if result.status != "measured":
        return f"{result.key:9} {result.status}: {'; '.join(result.notes)}"
    ratio = "—" if result.ratio is None else f"{result.ratio:.2f}"
    met = {True: "met", False: "MISSED", None: "—"}[result.met]
    return (
        f"{result.key:9} {result.count:>8,} {result.unit:9} kivo {_fmt(result.kivo_s):>10} "
        f"({_rate(result.rate(result.kivo_s))})  raw {_fmt(result.raw_s):>10} "
        f"({_rate(result.rate(result.raw_s))})  ratio {ratio:>6}  {met}"
    )


def table(report: dict[str, Any]) -> str:
    lines = [
        f"kivo benchmarks: {report['size']:,} cases on {report['database']} "
        f"({report['repeats']} repeats, medians)",
        "| scenario | n | kivo | raw | kivo/raw | kivo rate | raw rate | target | met |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for entry in report["scenarios"]:
        if entry["status"] != "measured":
            lines.append(
                f"| {entry['key']} | — | — | — | — | — | — | {entry['target']} | "
                f"{entry['status']} |"
            )
            continue
        ratio = "—" if entry["ratio"] is None else f"{entry['ratio']:.2f}"
        met = {True: "yes", False: "**no**", None: "—"}[entry["met"]]
        lines.append(
            f"| {entry['key']} | {entry['count']:,} {entry['unit']} | {_fmt(entry['kivo_s'])} | "
            f"{_fmt(entry['raw_s'])} | {ratio} | {_rate(entry['kivo_per_s'])} | "
            f"{_rate(entry['raw_per_s'])} | {entry['target']} | {met} |"
        )
    for entry in report["scenarios"]:
        if entry["key"] == "peers" and entry["status"] == "measured":
            from benchmarks.peers import peers_table

            lines.append("")
            lines.append(f"peers: {entry['count']:,} moves per stack and round, medians")
            lines.extend(peers_table(entry))
            lines.append("")
    for entry in report["scenarios"]:
        for key, value in entry["extra"].items():
            lines.append(f"- {entry['key']}.{key} = {value:,.3f}")
        for note in entry["notes"]:
            lines.append(f"- {entry['key']}: {note}")
    lines.append(f"- peak RSS of the runner: {report['peak_rss_mb']:.0f} MB")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> None:
    args = parse(argv)
    report = run(args)
    if args.json:
        print(json.dumps(report, indent=2, default=str))
    else:
        print(table(report))
