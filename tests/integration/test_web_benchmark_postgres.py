"""The web scenario on PostgreSQL (``benchmarks/web_postgres.py``) on a tiny generated
caseload: the capture sees every call kivo makes on psycopg, the twin replays them
(the access-log write and its commit included) and renders the page kivo rendered, and
the scenario serves both sides with two workers and measures every page. The figures
themselves are not judged here; that the twin does kivo's database work is."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import Engine, event

from benchmarks import web
from benchmarks.caseload import NOW, generate
from benchmarks.rawsql import RawDatabase
from benchmarks.scenarios import Bench
from benchmarks.web_postgres import PostgresTwin, numbered, tracing
from pathway.bootstrap import bootstrap
from persistence.engine import make_engine
from tests.databases import PostgresDatabases
from web.app import create_app

pytestmark = pytest.mark.postgres

SIZE = 300
CSRF = re.compile(r'(name="csrf[-_]token" (?:content|value)=)"[^"]+"')


@pytest.fixture(scope="module")
def bench(
    postgres_databases: PostgresDatabases, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Bench]:
    with postgres_databases.fresh() as url:
        engine = make_engine(url)
        generate(engine, SIZE)
        engine.dispose()
        kivo, raw = bootstrap(url, now=NOW), RawDatabase(url)
        try:
            yield Bench(url, SIZE, kivo, raw, 1, True, Path(tmp_path_factory.mktemp("web")))
        finally:
            raw.close()
            kivo.close()


def _access_rows(bench: Bench) -> int:
    return int(bench.raw.one("SELECT count(*) FROM access_log")[0])


@contextmanager
def with_sqlalchemy(calls: list[Any]) -> Iterator[None]:
    """``tracing``, with what SQLAlchemy's own event saw in the same list (kind "")."""

    def saw(_conn: Any, _cursor: Any, statement: str, *_rest: Any) -> None:
        calls.append((-1, "", statement, None))

    event.listen(Engine, "before_cursor_execute", saw)
    try:
        with tracing(calls):
            yield
    finally:
        event.remove(Engine, "before_cursor_execute", saw)


def _in_order(wanted: list[Any], within: list[Any]) -> bool:
    rest = iter(within)
    return all(any(w == x for x in rest) for w in wanted)


def test_the_capture_holds_every_statement_sqlalchemy_ran_and_the_case_pages_commit(
    bench: Bench,
) -> None:
    """kivo also reads on the pooled connection's bare cursor, out of SQLAlchemy's sight:
    the capture on psycopg must hold at least what SQLAlchemy ran, in its order."""
    caseworker, cases = web._busiest_caseworker(bench)
    paths = [f"/cases/{cases[0]}", "/cases", "/"]
    pages = web.capture(bench.url, caseworker, paths, with_sqlalchemy)
    for page in pages.values():
        seen = [q for _, kind, q, _ in page.statements if kind == ""]
        executed = [q for _, kind, q, _ in page.statements if kind.startswith("execute")]
        assert seen, page.path
        assert _in_order(seen, executed), page.path
    calls = [c for c in pages[paths[0]].statements if c[1]]
    write = next(i for i, c in enumerate(calls) if "INSERT INTO access_log" in str(c[2]))
    assert "commit" in [kind for _, kind, _, _ in calls[write:]], calls
    assert {number for number, *_ in numbered(calls)} == {0}  # one connection at a time


def test_the_twin_writes_the_access_log_row_kivo_wrote_and_renders_the_same_page(
    bench: Bench,
) -> None:
    caseworker, cases = web._busiest_caseworker(bench)
    path = f"/cases/{cases[0]}"
    pages = web.capture(bench.url, caseworker, [path], tracing)
    writes = sum("INSERT INTO access_log" in str(q) for _, _, q, _ in pages[path].statements)
    twin = PostgresTwin(pages, bench.url)
    before = _access_rows(bench)
    body = twin.body(path)
    assert _access_rows(bench) == before + writes > before  # committed, seen from outside
    assert twin.body("/cases/0") is None
    client = TestClient(
        create_app(bench.kivo, dev_login=True, secret_key=web.SECRET, secure_cookies=False)
    )
    web.sign_in(lambda p, data, _cookie: web._client_call(client, p, data), caseworker)
    kivo_page = client.get(path).text
    assert body is not None
    assert CSRF.sub(r"\1", body.decode()) == CSRF.sub(r"\1", kivo_page)


def test_the_scenario_serves_both_sides_with_two_workers_and_measures_every_page(
    bench: Bench,
) -> None:
    results = web.scenario(bench)
    assert [r.key for r in results] == ["web-case-1", "web-list-1", "web-today-1"]
    for result in results:
        assert result.status == "measured"
        assert (result.kivo_s or 0) > 0
        assert (result.raw_s or 0) > 0
        assert result.extra["statements_per_page"] > 0
        assert "2 worker process(es) on each side" in result.notes
