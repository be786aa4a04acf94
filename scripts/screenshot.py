"""A screenshot of the case page of the demo caseload, for the README: ``docs/img/case-page.png``.

    python scripts/screenshot.py [--out docs/img/case-page.png] [--case N]

Fills a new SQLite database with ``kivo demo`` (the clock pinned, so the picture is the
same each time), starts ``kivo serve --dev-login`` on a free port of 127.0.0.1, signs in
as the demo's caseworker Anna Lindqvist and photographs a case page with Playwright
driving the operating system's Chromium (``/usr/bin/chromium``; never a downloaded
browser). Needs the test extra (``pip install -e '.[test]'``) and ``apt-get install
chromium``.
"""

from __future__ import annotations

import argparse
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("KIVO_TEST_CHROMIUM", "/usr/bin/chromium")
NOW = "2026-03-02T09:00:00"
CASEWORKER = "Anna Lindqvist"


def kivo_command() -> str:
    beside = Path(sys.executable).parent / "kivo"
    return str(beside) if beside.exists() else "kivo"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def demo_server(folder: Path) -> Iterator[str]:
    """``kivo serve --dev-login`` over a new demo caseload; its address."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("KIVO_")}
    env |= {"KIVO_DATABASE_URL": f"sqlite:///{folder / 'demo.db'}", "KIVO_NOW": NOW}
    subprocess.run([kivo_command(), "demo"], env=env, check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [kivo_command(), "serve", "--dev-login", "--port", str(port)],
        env=env,
        cwd=folder,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"{url}/healthz", timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("kivo serve did not start") from None
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=20)


def photograph(url: str, case: int | None, out: Path) -> int:
    """Sign in, open the case page (by default the first case in step 1, its blocked moves shown),
    save the screenshot; the case's id."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        page = browser.new_page(locale="sv-SE", viewport={"width": 1200, "height": 1400})
        page.goto(f"{url}/login")
        page.get_by_label("Handläggare").select_option(label=f"{CASEWORKER} (handläggare)")
        page.get_by_role("button", name="Logga in").click()
        page.wait_for_url(f"{url}/")
        if case is None:
            page.goto(f"{url}/cases?step=1")
            listed = page.get_by_role("region", name="Ärenden").get_by_role("link").first
            case = int(listed.inner_text())
        page.goto(f"{url}/cases/{case}")
        out.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(out))
        browser.close()
    return case


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "img" / "case-page.png")
    parser.add_argument("--case", type=int, default=None, help="the case to show")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="kivo-screenshot-") as folder,
        demo_server(Path(folder)) as url,
    ):
        case = photograph(url, args.case, args.out)
    print(f"case {case}: {args.out}")


if __name__ == "__main__":
    main()
