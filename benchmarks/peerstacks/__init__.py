"""The peers of kivo's peers scenario, one module per stack, each run as a child process
(``python -m benchmarks.peerstacks.<stack> URL FIRST COUNT``) on its own database of
``peer_case``/``peer_history`` rows (``benchmarks.peers`` builds them). The Django and
SQLAlchemy stacks run in a separate virtual environment the benchmark builds; ``raw``
needs only the driver and runs in kivo's own.

Each moves the cases ``FIRST .. FIRST + COUNT - 1`` from ``enrolled`` to
``information``, one transaction per move: load the case, guard the move, update the
case (state and version, the version checked), append one history row. It prints one
JSON line: ``{"stack": …, "moves": COUNT, "seconds": …}``, the time of the moves only
(not the interpreter's start, the imports or the connection)."""
