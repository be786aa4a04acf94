"""End-to-end on PostgreSQL: the installed ``kivo`` command against a PostgreSQL database.

Most end-to-end modules run on both databases themselves (``both_databases``; the
bad-input table of ``test_cli_bad_input``, for one, checks every row's exit code, message,
JSON error and unchanged ``pg_dump`` on PostgreSQL too). This module keeps the promises
that need a PostgreSQL database set up in a way of their own, which ``.ci/run`` makes
mandatory:

- the README's walkthrough, every ``$ kivo …`` line as written, with
  ``KIVO_DATABASE_URL`` pointing at a new, empty PostgreSQL database (``kivo init``
  creates the schema);
- eight ``kivo`` processes racing to move one case with ``--expect-version``: each call
  exits 0 or 5 (conflict), never two successes from one reading, and the history replays
  to the stored state (this one on both databases).
"""

from __future__ import annotations

import json
import os
import shlex
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from functools import partial
from pathlib import Path

import pytest

from tests.databases import PostgresDatabases
from tests.e2e import test_cli_bad_input as table
from tests.e2e import test_readme as readme
from tests.e2e.conftest import Ran, read_rows, run_kivo


@pytest.mark.postgres
def test_the_readme_walkthrough_runs_as_written_on_postgresql(
    postgres_databases: PostgresDatabases, tmp_path: Path
) -> None:
    steps = readme.walkthrough_steps(readme.README.read_text(encoding="utf-8"))
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env["COLUMNS"] = "200"
    with ExitStack() as stack:
        url = stack.enter_context(postgres_databases.empty())  # `kivo init` creates it
        # Each database the walkthrough exports (its own, and one a section keeps apart)
        # is a PostgreSQL database of its own, the first being ``url``.
        databases: dict[str, str] = {}
        for step in steps:
            where_sqlite = [line for line in step.expected if "sqlite:///" in line]
            step = readme.Step(step.line, [e for e in step.expected if e not in where_sqlite])
            readme.run_step(step, env, tmp_path)
            if step.line.startswith("export ") and "KIVO_DATABASE_URL" in env:
                named = env["KIVO_DATABASE_URL"]
                if named not in databases:
                    databases[named] = (
                        stack.enter_context(postgres_databases.empty()) if databases else url
                    )
                env["KIVO_DATABASE_URL"] = databases[named]
        assert url in databases.values(), "the walkthrough never chose its database"
        [(cases,)] = read_rows(url, "SELECT count(*) FROM kivo_case")
        assert cases > 0, "the walkthrough wrote to PostgreSQL"


RACERS, ROUNDS = 8, 3


def race_once(url: str, cwd: Path, case_id: int, version: int, paused: bool) -> Ran:
    move = ["resume", str(case_id)] if paused else ["pause", str(case_id), "--reason", "race"]
    return run_kivo(url, cwd, *move, "--expect-version", str(version), "--json")


def case_row(url: str, case_id: int) -> tuple[str, int]:
    [(state, version)] = read_rows(
        url, "SELECT state, version FROM kivo_case WHERE id = :id", id=case_id
    )
    return str(state), int(version)


@pytest.mark.parametrize("kind", ["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def test_eight_kivo_processes_moving_one_case_from_one_reading_let_exactly_one_through(
    kind: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    """Each round, eight ``kivo`` commands pause (or resume) the case from the version
    they all read: exactly one exits 0 and the rest exit 5 with a conflict; after all
    rounds the version counts the successes and ``kivo doctor`` finds the history
    replaying to the stored state."""
    databases = request.getfixturevalue(
        "sqlite_databases" if kind == "sqlite" else "postgres_databases"
    )
    with databases.fresh() as url:
        for line in table.SEED[:5]:
            assert run_kivo(url, tmp_path, *shlex.split(line)).code == 0, line
        state, version = case_row(url, 1)
        for _ in range(ROUNDS):
            paused = state == "paused"
            with ThreadPoolExecutor(RACERS) as pool:
                attempt = partial(race_once, url, tmp_path, 1, version)
                ran = list(pool.map(attempt, [paused] * RACERS))
            codes = sorted(r.code for r in ran)
            assert codes == [0] + [5] * (RACERS - 1), ran
            for lost in (r for r in ran if r.code == 5):
                assert json.loads(lost.out)["error"]["code"] == "conflict", lost
                assert "Traceback" not in lost.err
            state, now_version = case_row(url, 1)
            assert now_version == version + 1, "one success, one new version"
            assert state == ("enrolled" if paused else "paused"), state
            version = now_version
        doctor = run_kivo(url, tmp_path, "doctor", "--json")
        assert doctor.code == 0, doctor
        history = run_kivo(url, tmp_path, "history", "1", "--json")
        shown = history.json()
        events = shown["events"] if isinstance(shown, dict) else shown
        kinds = [event["kind"] for event in events]
        assert kinds.count("paused") + kinds.count("resumed") == ROUNDS
