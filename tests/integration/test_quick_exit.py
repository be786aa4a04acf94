"""The ``kivo`` command (``cli.app.script``) ends with a quick exit: the same code and
output as ``cli.app.main``, its ``atexit`` functions run, and a normal exit whenever
another thread is still running."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pathway.bootstrap import bootstrap
from pathway.enrolment import enrol

ROOT = Path(__file__).resolve().parents[2]
NOW = "2026-03-02T09:00"


def _run(entry: str, argv: list[str], prelude: str = "") -> subprocess.CompletedProcess[str]:
    script = (
        f"import sys\n{prelude}\n"
        f"sys.argv = ['kivo', *{argv!r}]\n"
        f"from cli.app import {entry}\n"
        f"{entry}()\n"
    )
    return subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        check=False,
    )


@pytest.fixture
def case_url(sqlite_url: str) -> tuple[str, int]:
    kivo = bootstrap(sqlite_url, now=NOW)
    try:
        return sqlite_url, enrol(kivo, "Lo Berg", consent=True).case_id
    finally:
        kivo.close()


def test_the_command_exits_with_the_code_and_output_of_main(case_url: tuple[str, int]) -> None:
    url, case = case_url
    for argv in (
        ["--help"],
        ["--database", url, "--now", NOW, "participant", "show", str(case)],
        ["--database", url, "--now", NOW, "participant", "show", str(case), "--json"],
        ["--database", url, "--now", NOW, "participant", "show", str(case + 1000)],
        ["--database", url, "participant", "show", "not-a-number"],
    ):
        quick, plain = _run("script", argv), _run("main", argv)
        assert (quick.returncode, quick.stdout, quick.stderr) == (
            plain.returncode,
            plain.stdout,
            plain.stderr,
        ), argv
    assert _run("script", ["--help"]).returncode == 0
    assert _run("script", ["participant", "show", "x"]).returncode == 2


def test_atexit_functions_still_run_before_the_quick_exit() -> None:
    prelude = "import atexit\natexit.register(lambda: print('atexit ran', file=sys.stderr))"
    done = _run("script", ["--help"], prelude)
    assert done.returncode == 0
    assert "atexit ran" in done.stderr


def test_a_thread_still_running_gets_the_normal_exit_which_waits_for_it() -> None:
    prelude = (
        "import threading, time\n"
        "def late():\n"
        "    time.sleep(0.5)\n"
        "    print('the thread finished', flush=True)\n"
        "threading.Thread(target=late).start()"
    )
    done = _run("script", ["--help"], prelude)
    assert done.returncode == 0
    assert "the thread finished" in done.stdout
