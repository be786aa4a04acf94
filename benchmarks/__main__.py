"""``python -m benchmarks [--size N] [--database URL] [--json] [--scenarios ...]``."""

from benchmarks.runner import main

main()
