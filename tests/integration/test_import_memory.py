"""A large import streams: the peak memory of 100,000 rows is that of 10,000.

Each size runs in a process of its own, which reports its peak resident memory before and
after the import (``resource``, not a timer). SQLite only: the claim is about how the
import reads and writes in chunks, which is the same code on both databases, and 100,000
rows on a shared PostgreSQL would make this the slowest test of the suite.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.databases import SqliteDatabases

SCRIPT = """
import resource, sys
from datetime import date, timedelta
from pathlib import Path

from pathway import directory
from pathway.bootstrap import bootstrap
from pathway.importing import import_file
from states.personnummer import luhn_check_digit

rows, url, path = int(sys.argv[1]), sys.argv[2], Path(sys.argv[3])


def personnummer(i):
    born = date(1940, 1, 1) + timedelta(days=i % 20000)
    nine = born.strftime("%y%m%d") + f"{i // 20000:03d}"
    return born.strftime("%Y") + nine[2:] + str(luhn_check_digit(nine))


with path.open("w", encoding="utf-8") as out:
    out.write("name;personnummer;gender;birth_year;groups;caseworker;enrolled_on;step;consent_on\\n")
    for i in range(rows):
        step = i % 10 or ""
        out.write(f"Person {i};{personnummer(i)};woman;;newly-arrived;1;2025-06-01;{step};\\n")

kivo = bootstrap(url, now="2026-03-02T09:00")
directory.add_caseworker(kivo, "Anna Lindqvist")
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
result = import_file(kivo, path)
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(result.imported, before, peak)
"""


def peak_memory_kib(rows: int, url: str, folder: Path) -> tuple[int, int]:
    """(peak before the import, peak after it), in KiB, of a process importing ``rows``."""
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(rows), url, str(folder / f"{rows}.csv")],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    imported, before, peak = (int(word) for word in done.stdout.split())
    assert imported == rows
    return before, peak


def test_a_file_of_100000_rows_imports_with_the_memory_of_10000(
    sqlite_databases: SqliteDatabases, tmp_path: Path
) -> None:
    with sqlite_databases.fresh() as small_url, sqlite_databases.fresh() as large_url:
        small_before, small_peak = peak_memory_kib(10_000, small_url, tmp_path)
        large_before, large_peak = peak_memory_kib(100_000, large_url, tmp_path)
    small_growth, large_growth = small_peak - small_before, large_peak - large_before
    # Holding the rows would cost hundreds of bytes each: 90,000 more rows, tens of MiB.
    assert large_growth - small_growth < 16 * 1024, (small_growth, large_growth)
    assert large_peak / small_peak < 1.5, (small_peak, large_peak)
