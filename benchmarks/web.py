"""Scenario ``web``: the case page, the case list and the Today page served by
``kivo serve`` (the installed command, a caseworker signed in through ``--dev-login``)
under 1, 10 and 50 concurrent clients, beside a twin that replays the same SQL on the
bare driver and renders the same template: on SQLite one worker each side (benchmarks/
web_twin.py, ``sqlite3``); on PostgreSQL ``--workers 2`` each side (benchmarks/
web_postgres.py, psycopg).

Each side gets the same requests in the same order, alternating which goes first; every
answer must be 200. Figures per page and client count: p50/p95 latency and requests per
second; the ratio is kivo's wall time over the twin's for the same requests.
"""

from __future__ import annotations

import pickle
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from http.client import HTTPConnection
from typing import TYPE_CHECKING, Any

from benchmarks.web_twin import Captured

if TYPE_CHECKING:
    from benchmarks.scenarios import Bench, Result

CLIENTS = (1, 10, 50)
CASE_PAGES = 20  # case pages rotated through
GUIDE_P95_MS = {"case": 150.0, "list": 300.0}  # with 10 clients (the guide figures)
SECRET = "benchmark-secret-key-not-for-production-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# -- capture: what kivo runs and renders for each page ---------------------------------


@contextmanager
def tracing(statements: list[str]) -> Iterator[None]:
    """Every sqlite3 connection opened inside the block records its statements."""
    original = sqlite3.connect

    def connect(*args: Any, **kwargs: Any) -> sqlite3.Connection:
        connection: sqlite3.Connection = original(*args, **kwargs)
        connection.set_trace_callback(statements.append)
        return connection

    sqlite3.connect = sqlite3.dbapi2.connect = connect  # type: ignore[assignment]
    try:
        yield
    finally:
        sqlite3.connect = sqlite3.dbapi2.connect = original


@contextmanager
def rendering(seen: list[tuple[str, dict[str, Any]]]) -> Iterator[None]:
    """Every page rendered inside the block records its template and context."""
    from jinja2 import Template

    original = Template.render

    def render(self: Template, *args: Any, **kwargs: Any) -> str:
        seen.append((self.name or "", {k: v for k, v in kwargs.items() if k != "request"}))
        return original(self, *args, **kwargs)

    Template.render = render  # type: ignore[method-assign]
    try:
        yield
    finally:
        Template.render = original  # type: ignore[method-assign]


Tracer = Callable[[list[Any]], AbstractContextManager[None]]


def capture(
    url: str, caseworker: int, paths: list[str], tracer: Tracer = tracing
) -> dict[str, Captured]:
    """Serve each path in this process (the same app ``kivo serve`` builds) twice and keep
    the second answer's statements (as ``tracer`` records them) and context: the first
    warms the pools and caches."""
    from fastapi.testclient import TestClient

    from benchmarks.caseload import NOW
    from pathway.bootstrap import bootstrap
    from web.app import create_app

    statements: list[Any] = []
    seen: list[tuple[str, dict[str, Any]]] = []
    with tracer(statements):
        kivo = bootstrap(url, now=NOW)
        client = TestClient(
            create_app(kivo, dev_login=True, secret_key=SECRET, secure_cookies=False)
        )
        sign_in(lambda path, data, _cookie: _client_call(client, path, data), caseworker)
        pages = {}
        for path in paths:
            client.get(path)
            statements.clear()
            with rendering(seen):
                answer = client.get(path)
            if answer.status_code != 200 or len(seen) != 1:
                raise RuntimeError(f"{path}: status {answer.status_code}, {len(seen)} renders")
            template, context = seen.pop()
            pages[path] = Captured(path, list(statements), template, context)
        kivo.close()
    return pages


def _client_call(client: Any, path: str, data: dict[str, str] | None) -> tuple[int, str, str]:
    answer = client.post(path, data=data) if data else client.get(path)
    return answer.status_code, answer.text, ""


Call = Callable[[str, "dict[str, str] | None", str], tuple[int, str, str]]


def sign_in(call: Call, caseworker: int) -> str:
    """Dev-login as ``caseworker``: the login page (its CSRF token, its session), then the
    form; the session cookie the answer set. ``call(path, form, cookie)`` answers
    status, body and the cookie set."""
    _, body, session = call("/login", None, "")
    token = re.search(r'name="csrf_token" value="([^"]+)"', body)
    if token is None:
        raise RuntimeError("no CSRF token on /login")
    form = {"csrf_token": token.group(1), "caseworker_id": str(caseworker)}
    status, _, cookie = call("/login", form, session)
    if status not in (200, 303):
        raise RuntimeError(f"dev-login answered {status}")
    return cookie


# -- the two servers -------------------------------------------------------------------


@contextmanager
def server(command: list[str], port: int, env: dict[str, str]) -> Iterator[None]:
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        _wait_for(port, process)
        yield
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_for(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            error = process.stderr.read().decode() if process.stderr else ""
            raise RuntimeError(f"server exited: {error[-800:]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing listens on {port}")


def http_call(port: int) -> Call:
    def call(path: str, data: dict[str, str] | None, cookie: str) -> tuple[int, str, str]:
        from urllib.parse import urlencode

        connection = HTTPConnection("127.0.0.1", port, timeout=60)
        headers = {"Cookie": cookie} if cookie else {}
        if data is not None:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request("POST" if data else "GET", path, urlencode(data or {}), headers)
        answer = connection.getresponse()
        body = answer.read().decode()
        set_cookie = answer.getheader("set-cookie") or ""
        connection.close()
        return answer.status, body, set_cookie.split(";", 1)[0]

    return call


# -- load ------------------------------------------------------------------------------


def load(
    port: int, cookie: str, paths: list[str], clients: int, total: int
) -> tuple[list[float], float]:
    """``total`` GETs of ``paths`` in turn from ``clients`` threads on kept-alive
    connections: each request's latency (seconds) and the wall time of them all."""
    latencies: list[float] = []
    counter = iter(range(total))
    lock = threading.Lock()
    failures: list[str] = []

    def client() -> None:
        connection = HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {"Cookie": cookie}
        while True:
            with lock:
                index = next(counter, None)
            if index is None or failures:
                break
            path = paths[index % len(paths)]
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                answer = connection.getresponse()
                answer.read()
            except OSError as error:  # a reset or a timeout: counted, never hidden
                failures.append(f"{path}: {error!r}")
                break
            took = time.perf_counter() - started
            if answer.status != 200:
                failures.append(f"{path}: {answer.status}")
            latencies.append(took)
        connection.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    wall = time.perf_counter() - started
    if failures:
        raise RuntimeError(f"non-200 answers: {failures[:3]}")
    return latencies, wall


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


# -- the scenario ----------------------------------------------------------------------


def scenario(bench: Bench) -> list[Result]:
    from benchmarks.scenarios import _child_env, _kivo_command

    caseworker, case_ids = _busiest_caseworker(bench)
    pages = {
        "case": [f"/cases/{case_id}" for case_id in case_ids],
        "list": ["/cases"],
        "today": ["/"],
    }
    tracer, twin_module, database, workers = _backend(bench)
    every = [path for paths in pages.values() for path in paths]
    captured = capture(bench.url, caseworker, every, tracer)
    capture_file = bench.work / "web-capture.pickle"
    capture_file.write_bytes(pickle.dumps(captured))
    env = {**_child_env(), "KIVO_SECRET_KEY": SECRET}
    kivo_port, twin_port = free_port(), free_port()
    kivo_cmd = [*_kivo_command(), "--database", bench.url, "serve", "--port", str(kivo_port)]
    if workers > 1:
        kivo_cmd += ["--workers", str(workers)]
    twin_cmd = [sys.executable, "-m", twin_module, str(capture_file), database, str(twin_port)]
    results = []
    with server([*kivo_cmd, "--dev-login"], kivo_port, env), server(twin_cmd, twin_port, env):
        cookie = sign_in(http_call(kivo_port), caseworker)
        _warm_workers((kivo_port, twin_port), cookie, every, workers)
        for name, paths in pages.items():
            for clients in (1,) if bench.quick else CLIENTS:
                result = _measure(
                    bench, name, paths, clients, (kivo_port, twin_port), cookie, captured
                )
                result.notes.append(f"{workers} worker process(es) on each side")
                results.append(result)
    return results


def _warm_workers(ports: tuple[int, int], cookie: str, paths: list[str], workers: int) -> None:
    """Every address served a few times on each side from more connections than there
    are workers, so that no worker's first (cold) request falls in a measurement: a
    kept-alive connection stays with the worker that accepted it."""
    if workers > 1:
        for port, jar in ((ports[0], cookie), (ports[1], "")):
            load(port, jar, paths, 4 * workers, 4 * workers * len(paths))


def _backend(bench: Bench) -> tuple[Tracer, str, str, int]:
    """How kivo's statements are captured, the twin's module, the database it opens and
    the worker processes of each side: several on PostgreSQL, as ``kivo serve`` allows."""
    if bench.sqlite:
        return tracing, "benchmarks.web_twin", bench.url.removeprefix("sqlite:///"), 1
    from benchmarks import web_postgres

    return web_postgres.tracing, "benchmarks.web_postgres", bench.url, web_postgres.WORKERS


def _measure(
    bench: Bench,
    name: str,
    paths: list[str],
    clients: int,
    ports: tuple[int, int],
    cookie: str,
    captured: dict[str, Captured],
) -> Result:
    from benchmarks.scenarios import Result

    total = 20 if bench.quick else max(100, 10 * clients)
    result = Result(
        f"web-{name}-{clients}",
        f"Web: the {name} page, {clients} concurrent client(s), `kivo serve` vs the twin",
        "requests",
        count=total,
        target=_target(name, clients),
    )
    warm = max(len(paths), 2 * clients)  # every address once, every connection open
    load(ports[0], cookie, paths, clients, warm)
    load(ports[1], "", paths, clients, warm)
    runs: dict[str, list[tuple[list[float], float]]] = {"kivo": [], "twin": []}
    for repeat in range(1 if bench.quick else 2):
        order = [("kivo", ports[0], cookie), ("twin", ports[1], "")]
        for side, port, jar in order if repeat % 2 == 0 else reversed(order):
            runs[side].append(load(port, jar, paths, clients, total))
    _fill_web(result, runs)
    statements = statistics.mean(len(captured[p].statements) for p in paths)
    result.extra["statements_per_page"] = statements
    if all(isinstance(s, str) for p in paths for s in captured[p].statements):
        result.extra["transactions_per_page"] = statistics.mean(  # SQLite's trace: BEGIN
            sum(s.startswith("BEGIN") for s in captured[p].statements) for p in paths
        )  # PostgreSQL's calls begin implicitly: no count of them
    p95 = result.extra["kivo_p95_ms"]
    guide = GUIDE_P95_MS.get(name)
    result.met = (result.ratio or 99.0) <= 2.0 and (guide is None or clients != 10 or p95 <= guide)
    result.notes.append(
        f"{total} requests per side and repeat over {len(paths)} address(es), kept-alive "
        f"connections; the twin replays {statements:.0f} captured statement(s) per page"
    )
    return result


def _fill_web(result: Result, runs: dict[str, list[tuple[list[float], float]]]) -> None:
    for side, key in (("kivo", "kivo"), ("twin", "raw")):
        latencies = [value for lat, _ in runs[side] for value in lat]
        walls = [wall for _, wall in runs[side]]
        setattr(result, f"{key}_s", statistics.median(walls))
        result.samples[key] = walls
        result.extra[f"{side}_p50_ms"] = 1000 * percentile(latencies, 0.50)
        result.extra[f"{side}_p95_ms"] = 1000 * percentile(latencies, 0.95)
        result.extra[f"{side}_per_s"] = result.count / statistics.median(walls)


def _target(name: str, clients: int) -> str:
    guide = GUIDE_P95_MS.get(name)
    if guide is not None and clients == 10:
        return f"ratio ≤ 2; p95 ≤ {guide:.0f} ms"
    return "ratio ≤ 2"


def _busiest_caseworker(bench: Bench) -> tuple[int, list[int]]:
    """The caseworker with the most open cases (the heaviest Today page and list) and a
    spread of their open cases for the case page."""
    row = bench.raw.one(
        "SELECT caseworker_id, count(*) AS n FROM kivo_case WHERE state <> 'exited' "
        "AND caseworker_id IS NOT NULL GROUP BY caseworker_id "
        "ORDER BY n DESC, caseworker_id LIMIT 1"
    )
    caseworker = int(row[0])
    ids = bench.ids(
        f"SELECT id FROM kivo_case WHERE caseworker_id = {caseworker} "
        "AND state <> 'exited' ORDER BY id"
    )
    step = max(1, len(ids) // CASE_PAGES)
    return caseworker, ids[::step][:CASE_PAGES]
