"""One import in a process of its own, for its peak memory: prints ru_maxrss in MB.

``python -m benchmarks.import_child kivo|raw URL FILE``
"""

from __future__ import annotations

import resource
import sys
from pathlib import Path

from benchmarks.caseload import NOW
from benchmarks.rawsql import RawDatabase


def main(argv: list[str]) -> None:
    side, url, path = argv
    if side == "kivo":
        from pathway import importing
        from pathway.bootstrap import bootstrap

        kivo = bootstrap(url, now=NOW)
        try:
            importing.import_file(kivo, Path(path))
        finally:
            kivo.close()
    else:
        from benchmarks import import_twin
        from pathway.clock import parse_now

        raw = RawDatabase(url)
        try:
            import_twin.import_csv(raw, Path(path), parse_now(NOW))
        finally:
            raw.close()
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)


if __name__ == "__main__":
    main(sys.argv[1:])
