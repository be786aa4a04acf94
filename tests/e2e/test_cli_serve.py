"""``kivo serve``: the installed command starts the web workspace, answers its health
check, and refuses what must not run (an outdated schema, dev-login off loopback)."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import time
import urllib.request
from contextlib import closing
from pathlib import Path

import pytest

from tests.e2e.conftest import Kivo, kivo_executable

pytestmark = pytest.mark.e2e


def free_port() -> int:
    with closing(socket.socket(socket.AF_INET, socket.SOCK_STREAM)) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def test_serve_answers_its_health_check_and_logs_one_line_per_request(
    e2e_database: str, tmp_path: Path
) -> None:
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVO_")}
    env["KIVO_DATABASE_URL"] = e2e_database
    server = subprocess.Popen(
        [kivo_executable(), "serve", "--dev-login", "--port", str(port)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        cwd=tmp_path,
        text=True,
    )
    try:
        body = _first_answer(f"http://127.0.0.1:{port}/healthz", server)
        assert json.loads(body) == {"status": "ok"}
        document = json.loads(_first_answer(f"http://127.0.0.1:{port}/api/v1/openapi.json", server))
        assert "/cases/{case_id}/moves" in document["paths"]  # the JSON API is served too
    finally:
        server.terminate()
        out, err = server.communicate(timeout=20)
    # uvicorn stops gracefully on SIGTERM, then exits by that signal as servers do
    assert server.returncode in (0, -signal.SIGTERM), err
    assert "shutdown complete" in err
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    assert {k: lines[0][k] for k in ("method", "route", "status")} == {
        "method": "GET",
        "route": "/healthz",
        "status": 200,
    }


def _first_answer(url: str, server: subprocess.Popen[str]) -> str:
    deadline = time.monotonic() + 60  # a loaded CI machine starts Python slowly
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as answer:
                return str(answer.read().decode())
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def test_serve_refuses_an_outdated_schema_naming_the_command_that_upgrades_it(
    e2e_database: str, kivo_cli: Kivo
) -> None:
    path = e2e_database.removeprefix("sqlite:///")
    with closing(sqlite3.connect(path)) as db, db:
        db.execute("UPDATE alembic_version SET version_num = '0001'")
    refused = kivo_cli("serve", "--port", str(free_port()))
    assert refused.code == 2
    assert "kivo init" in refused.err


def test_serve_refuses_dev_login_on_an_address_others_can_reach(kivo_cli: Kivo) -> None:
    refused = kivo_cli("serve", "--dev-login", "--host", "0.0.0.0", "--port", "1")
    assert refused.code == 2
    assert "--dev-login" in refused.err
    assert "loopback" in refused.err
