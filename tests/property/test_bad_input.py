"""Bad input, thrown at every command: random arguments, options, dates, identifiers,
step names, personnummer, unicode and very long strings.

The command tree is walked from the Typer app (as ``tests/e2e/test_cli_help`` does), so a
command added later is fuzzed without touching this file. Each call runs in-process
through ``cli.app.main`` (what the ``kivo`` script runs) on one seeded SQLite caseload,
and must:

- never print a traceback, and exit 0 (the random input happened to be valid), 2, 3, 4
  or 5 — with a message on standard error (or a JSON error with ``--json``) when not 0;
- leave the database unchanged, byte for byte in its SQL dump, whenever it refuses;
- never show the seeded participant's full personnummer without ``--show-personal``;
- when it was accepted, leave data every read command can still show: the calendar, the
  case, the overdue report, the digest (stored data must never break a command).

Dates include valid but extreme ones (year 1, 1899, 2200, 9999) and whole numbers far
beyond any database integer; the global ``--now`` is fuzzed too. The same test runs on
PostgreSQL when ``KIVO_TEST_POSTGRES_URL`` is set (fewer examples), comparing a dump of
every table, row by row in primary-key order.

Excluded or constrained, because they legitimately write or block: ``init`` and ``demo``
(they create or fill a database; not input validation), ``scheduler`` always gets
``--once`` (otherwise it runs until stopped), ``--notify`` only gets values that cannot
reach a network, and the global ``--database``/``--rules`` options are not fuzzed (the
database under test must stay the one we compare; ``--now`` is). Files the commands write go to a
temporary working directory. A few examples are also run through the installed ``kivo``
command, to check that the in-process runs tell the same story.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import typer.main
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from typer.core import TyperArgument, TyperCommand, TyperGroup, TyperOption

from cli.app import app, main
from tests.databases import PostgresDatabases, SqliteDatabases
from tests.e2e.conftest import kivo_executable

NOW = "2026-03-02T09:00"
AMINA = "19980412-3389"
SEED = (
    ["caseworker", "add", "Anna Lindqvist", "--email", "anna@example.se"],
    ["caseworker", "add", "Karin Ek", "--role", "coordinator"],
    ["workplace", "add", "Visby bageri"],
    ["supervisor", "add", "Sven Berg", "--workplace", "1", "--trained-on", "2025-09-15"],
    [
        *("participant", "add", "Amina Haddad", "--personnummer", AMINA),
        *("--caseworker", "1", "--consent", "--on", "2026-01-12"),
    ],
    ["participant", "add", "Johan Berg", "--on", "2026-01-12", "--caseworker", "1"],
    ["participant", "add", "Leila Nilsson", "--on", "2026-01-12"],
    [
        *("advance", "1", "short-practice", "--supervisor", "1", "--until", "2026-04-30"),
        *("--on", "2026-01-20", "--by", "1"),
    ],
    ["pause", "2", "--reason", "parental leave", "--on", "2026-01-25"],
    ["exit", "3", "--outcome", "moved", "--on", "2026-01-20"],
    ["meeting", "schedule", "1", "--at", "2026-03-04T10:00"],
)
EXCLUDED = {"init", "demo"}
ALLOWED_EXITS = {0, 2, 3, 4, 5}
SAFE_NOTIFY = ["console", "file:sent.jsonl", "file:", "smtp://", "pigeon:home", ""]
FULL_AMINA = re.compile(r"(?:19)?980412[-+]?3389")

EXAMPLES = 250 if os.environ.get("CI") else 100
POSTGRES_EXAMPLES = 120 if os.environ.get("CI") else 40
# After an accepted call: the commands that show what is stored must still work.
READ_BACK = (
    ["meeting", "ics"],
    ["participant", "show", "1"],
    ["report", "overdue"],
    ["digest"],
)


def command_tree() -> Iterator[tuple[str, TyperCommand]]:
    def walk(command: object, path: str) -> Iterator[tuple[str, TyperCommand]]:
        if isinstance(command, TyperGroup):
            for name, sub in command.commands.items():
                yield from walk(sub, f"{path} {name}".strip())
        else:
            assert isinstance(command, TyperCommand), command
            yield path, command

    yield from walk(typer.main.get_command(app), "")


COMMANDS = {path: command for path, command in command_tree() if path not in EXCLUDED}

# Values that have broken CLIs before: ids, dates, steps, personnummer, odd text.
IDS = ["1", "2", "3", "4", "0", "-1", "999999999", "1000000000", "1.5", "0x10", "١", "", " "]
HUGE = [
    "99999999999999999999",
    "-99999999999999999999",
    "9223372036854775808",
    "2147483648",
    "1000000000000000",
    "1000001",
    "1e308",
    "inf",
    "-inf",
]
DATES = [
    "2026-03-02",
    "2026-02-29",
    "2026-13-01",
    "2026-00-10",
    "0000-01-01",
    "0001-01-01",
    "0001-01-01T00:00",
    "1900-01-01",
    "2199-12-31",
    "2199-12-31T23:59",
    "2200-01-01",
    "9999-12-31",
    "9999-12-31T23:59",
    "9999-12-31T23:59-23:59",
    "2030-01-01",
    "1899-12-31",
    "02/03/2026",
    "2026-3-2",
    "2026-03-02T25:00",
    "2026-03-04T10:00",
    "today",
]
STEPS = [
    "1",
    "5",
    "9",
    "10",
    "0",
    "-3",
    "information",
    "short-practice",
    "permanent",
    "PERMANENT",
    "perm",
    "Tillsvidareanställning",
    "enrolled",
    "exited",
    "paused",
]
PERSONNUMMER = [AMINA, "199804123389", "980412-3389", "19980412-3388", "20991231-0000"]
WORDS = ["--", "-", "--json", "--help", "-x", "--bogus", "nan", "inf", "true", "null", "{}"]
CHOICES = ["woman", "man", "employed", "moved", "coordinator", "dot", "active", "exited", "PRAKTIK"]
TEXT = st.text(
    alphabet=st.characters(exclude_categories=["Cs"], exclude_characters="\x00"),
    max_size=40,
)
LONG = st.builds(
    lambda char, n: char * n,
    st.sampled_from(["x", "å", "🙂", "9", " ", "-"]),
    st.integers(300, 20_000),
)
VALUES = st.one_of(
    st.sampled_from(IDS + HUGE + DATES + STEPS + PERSONNUMMER + WORDS + CHOICES),
    st.integers(-(10**15), 10**15).map(str),
    st.integers(-(10**25), 10**25).map(str),
    st.floats(allow_nan=True).map(str),
    TEXT,
    LONG,
)


DATE_OPTIONS = {
    *("--on", "--at", "--from", "--to", "--until", "--week", "--due-by", "--trained-on"),
    *("--active-on", "--ending-before", "--owner-on"),
}
NUMBER_OPTIONS = {
    *("--stale-after", "--interval", "--capacity", "--birth-year", "--year", "--window-days"),
    "--expect-version",
}
# The global clock: the usual one mostly, else valid but extreme, malformed or random.
NOWS = st.one_of(
    st.just(NOW),
    st.sampled_from([d for d in DATES if d[:1].isdigit()] + ["", "2026-03-02T09:00+14:00"]),
    VALUES,
)


@dataclass(frozen=True)
class Call:
    path: str
    args: list[str]
    now: str = field(default=NOW)

    @property
    def argv(self) -> list[str]:
        return [*self.path.split(), *self.args]


def option_value(option: TyperOption) -> st.SearchStrategy[str]:
    if "--notify" in option.opts:
        return st.sampled_from(SAFE_NOTIFY)
    if DATE_OPTIONS.intersection(option.opts):  # mostly dates, edges included
        return st.one_of(st.sampled_from(DATES), VALUES)
    if NUMBER_OPTIONS.intersection(option.opts):  # mostly far beyond any real number
        return st.one_of(st.sampled_from(HUGE), VALUES)
    return VALUES


@st.composite
def calls(draw: st.DrawFn) -> Call:
    path = draw(st.sampled_from(sorted(COMMANDS)))
    command = COMMANDS[path]
    args: list[str] = []
    for parameter in command.params:
        if isinstance(parameter, TyperArgument):
            if draw(st.integers(0, 9)) > 0:  # usually given
                args.append(draw(VALUES))
        elif isinstance(parameter, TyperOption) and draw(st.booleans()):
            flag = draw(st.sampled_from(parameter.opts))
            if parameter.is_flag:
                args.append(flag)
            else:
                args += [flag, draw(option_value(parameter))]
    if draw(st.integers(0, 5)) == 0:
        args.insert(draw(st.integers(0, len(args))), draw(VALUES))  # one too many
    if path == "scheduler":
        args.append("--once")
    now = draw(NOWS) if draw(st.integers(0, 3)) == 0 else NOW
    return Call(path, args, now)


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str


def run_in_process(database: str, argv: list[str], now: str = NOW) -> Ran:
    out, err = _stream(), _stream()
    argv_before, stdin_before = sys.argv, sys.stdin
    sys.argv, sys.stdin = ["kivo", "--database", database, "--now", now, *argv], io.StringIO("")
    code: int | str | None = 0
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            main()
    except SystemExit as done:
        code = done.code
    finally:
        sys.argv, sys.stdin = argv_before, stdin_before
    return Ran(code if isinstance(code, int) else 1, _text(out), _text(err))


def _stream() -> io.TextIOWrapper:
    """Like the real standard streams: text over bytes (``meeting ics`` writes bytes)."""
    return io.TextIOWrapper(io.BytesIO(), encoding="utf-8", write_through=True)


def _text(stream: io.TextIOWrapper) -> str:
    stream.flush()
    raw = stream.buffer
    assert isinstance(raw, io.BytesIO)
    return raw.getvalue().decode("utf-8", errors="replace")


def dump(path: Path) -> str:
    with closing(sqlite3.connect(path)) as connection:
        return "\n".join(connection.iterdump())


def seed(url: str) -> None:
    for argv in SEED:
        ran = run_in_process(url, argv)
        assert ran.code == 0, (argv, ran)


@pytest.fixture(scope="module")
def seeded(sqlite_databases: SqliteDatabases) -> Iterator[tuple[str, Path]]:
    with sqlite_databases.fresh() as url:
        seed(url)
        yield url, Path(url.removeprefix("sqlite:///"))


@pytest.fixture(scope="module")
def seeded_postgres(
    postgres_databases: PostgresDatabases,
) -> Iterator[tuple[str, Callable[[], str]]]:
    """A seeded PostgreSQL database and a dump of it: every table's rows, in primary-key
    order (whole rows where a table has none), each value with its type."""
    from sqlalchemy import MetaData, create_engine, select

    with postgres_databases.fresh() as url:
        seed(url)
        engine = create_engine(url)
        metadata = MetaData()
        metadata.reflect(engine)

        def dump_postgres() -> str:
            lines: list[str] = []
            with engine.connect() as connection:
                for table in metadata.sorted_tables:
                    order = list(table.primary_key.columns) or list(table.columns)
                    rows = connection.execute(select(table).order_by(*order))
                    lines += [table.name, *(repr(tuple(row)) for row in rows)]
            return "\n".join(lines)

        try:
            yield url, dump_postgres
        finally:
            engine.dispose()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    folder = tmp_path_factory.mktemp("fuzz-cwd")
    before = Path.cwd()
    os.chdir(folder)
    try:
        yield folder
    finally:
        os.chdir(before)


def check(call: Call, ran: Ran, before: str, after: str) -> None:
    shown = ran.out + ran.err
    assert "Traceback" not in shown, (call, shown)
    assert ran.code in ALLOWED_EXITS, (call, ran)
    if ran.code != 0:
        assert ran.err.strip() or '"error"' in ran.out, (call, ran)
        assert after == before, f"{call} was refused (exit {ran.code}) but changed the database"
    usage_error = ran.code == 2 and "Usage: kivo" in ran.err  # Click's own message
    if "--show-personal" not in call.args and not usage_error:
        assert not FULL_AMINA.search(shown), (call, "printed the full personnummer")


def check_still_readable(url: str, call: Call) -> None:
    """What an accepted call stored must not break the commands that show it."""
    for argv in READ_BACK:
        ran = run_in_process(url, argv)
        assert "Traceback" not in ran.out + ran.err, (call, argv, ran.err)
        assert ran.code in ALLOWED_EXITS, (call, argv, ran)


def fuzz_once(url: str, dump_now: Callable[[], str], call: Call) -> None:
    before = dump_now()

    ran = run_in_process(url, call.argv, call.now)

    check(call, ran, before, dump_now())
    if ran.code == 0:
        check_still_readable(url, call)


# Calls an audit saw end in a traceback, or accepted and then break every `meeting ics`.
AUDIT_CALLS = [
    Call("doctor", ["--stale-after", "1000000000000000"]),
    Call("meeting schedule", ["1", "--at", "0001-01-01T00:00"]),
    Call("meeting schedule", ["1", "--at", "9999-12-31T23:59"]),
    Call("target set", ["PRAKTIK", "2026", "99999999999999999999"]),
    Call("report overdue", ["--on", "0001-01-01"]),
    Call("digest", ["--week", "9999-12-31"]),
    Call("participant add", ["Ny Person"], now="0001-01-01"),
    Call("digest", [], now="9999-12-31"),
    Call("reminders run", [], now="9999-12-31"),
    Call("scheduler", ["--once"], now="9999-12-31"),
]


def with_audit_examples(test: Callable[..., None]) -> Callable[..., None]:
    """Each of the audit's calls is tried first, whatever the random draw."""
    for call in reversed(AUDIT_CALLS):
        test = example(call=call)(test)
    return test


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
@given(call=calls())
@with_audit_examples
def test_any_arguments_to_any_command_get_a_clear_answer_and_a_refusal_writes_nothing(
    seeded: tuple[str, Path], workdir: Path, call: Call
) -> None:
    url, path = seeded
    fuzz_once(url, lambda: dump(path), call)


@pytest.mark.postgres
@settings(
    max_examples=POSTGRES_EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=bool(os.environ.get("CI")),
)
@given(call=calls())
@with_audit_examples
def test_on_postgresql_too_any_arguments_get_a_clear_answer_and_a_refusal_writes_nothing(
    seeded_postgres: tuple[str, Callable[[], str]], workdir: Path, call: Call
) -> None:
    url, dump_postgres = seeded_postgres
    fuzz_once(url, dump_postgres, call)


def test_a_file_name_too_long_for_the_system_is_a_clear_error(seeded: tuple[str, Path]) -> None:
    ran = run_in_process(seeded[0], ["import", "participants", "x" * 300])

    assert ran.code == 2
    assert "Traceback" not in ran.out + ran.err


def test_every_command_but_the_excluded_is_fuzzed() -> None:
    assert {"advance", "participant add", "reminders run", "doctor", "scheduler"} <= set(COMMANDS)
    assert EXCLUDED.isdisjoint(COMMANDS)


@pytest.mark.parametrize(
    "argv",
    [[AMINA], ["advance", "1", "2", AMINA]],
    ids=["as-command", "as-extra-argument"],
)
def test_a_personnummer_typed_where_it_does_not_belong_is_not_echoed_by_usage_errors(
    seeded: tuple[str, Path], argv: list[str]
) -> None:
    ran = run_in_process(seeded[0], argv)

    assert ran.code == 2
    assert not FULL_AMINA.search(ran.out + ran.err), ran.err


SUBPROCESS_CALLS = [
    Call("advance", ["1", "Tillsvidareanställning" * 200, "--on", "2026-02-30"]),
    Call("participant add", ["🙂" * 5000, "--personnummer", "19980412-3388"]),
    Call("fall-back", ["999999999", "short-practice", "--reason", ""]),
    Call("meeting schedule", ["1", "--at", "2026-03-04T25:00", "--json"]),
    Call("followup list", ["--due-by", "٢٠٢٦-٠٣-٠٢"]),
    Call("participant show", [AMINA]),
]


@pytest.mark.parametrize("call", SUBPROCESS_CALLS, ids=lambda call: call.path)
def test_the_installed_command_answers_bad_input_as_the_in_process_runs_do(
    seeded: tuple[str, Path], tmp_path: Path, call: Call
) -> None:
    url, path = seeded
    before = dump(path)
    env = {key: value for key, value in os.environ.items() if not key.startswith("KIVO_")}
    env.update({"KIVO_DATABASE_URL": url, "KIVO_NOW": NOW})
    done = subprocess.run(
        [kivo_executable(), *call.argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=60,
        check=False,
    )
    ran = Ran(done.returncode, done.stdout, done.stderr)

    assert ran.code in {2, 3, 4, 5}, (call, ran)
    check(call, ran, before, dump(path))
    assert run_in_process(url, call.argv).code == ran.code
