"""Fixtures of the browser tests: one Chromium per session, a guarded tab per test.

- The site is the real one, built once per session by ``built_site``
  (tests/conftest.py), served here on 127.0.0.1 by a small HTTP server; the
  offline tests open the download's files straight from disk instead.
- Every tab refuses requests that would leave the machine (anything but
  file:, data: and 127.0.0.1) and records them; a tab that saw a refused or
  failed request, an HTTP error, a script error or a console error fails its
  test when it closes.
- Chromium is Debian's (/usr/bin/chromium, or TALKBOOK_CHROMIUM). When it is
  missing the browser tests fail under CI=true, and are skipped elsewhere with
  the command that installs it (``make test`` installs it itself when it can).
- Screenshots go to ``$TALKBOOK_SCREENSHOTS`` (``make test`` sets it to
  ``$(BUILDDIR)/screenshots``), else to ``_build/screenshots/`` in the
  repository: a fixed place to look at after a run.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from talkbook.tools.browser import OFF_THE_MACHINE, BrowserMissing, check_chromium, launch

REPO = Path(__file__).resolve().parents[2]
DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}


def _in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return check_chromium()
    except BrowserMissing as err:
        if _in_ci():
            pytest.fail(f"CI=true and {err}", pytrace=False)
        pytest.skip(str(err))


@pytest.fixture(scope="session")
def browser(chromium):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch(playwright, chromium)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = Path(os.environ.get("TALKBOOK_SCREENSHOTS") or REPO / "_build" / "screenshots")
    folder = folder if folder.is_absolute() else REPO / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


@contextlib.contextmanager
def served(folder: Path):
    """*folder* served over HTTP on 127.0.0.1 as a web server would: its address."""
    handler = functools.partial(_QuietHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="session")
def site_url(built_site) -> str:
    """The built site, served over HTTP on 127.0.0.1 as a web server would."""
    with served(built_site.site) as url:
        yield url


@dataclass
class Tab:
    """A page, and everything it did that a working site never does."""

    page: object
    refused: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return (
            [f"request off the machine: {u}" for u in self.refused]
            + [f"failed request: {u}" for u in self.failed]
            + self.errors
        )


@pytest.fixture
def open_tab(browser):
    """Open a tab: ``open_tab(viewport=DESKTOP)``; it is checked and closed after the test."""
    contexts = []
    tabs: list[Tab] = []

    def open_(viewport: dict | None = None, refuse=OFF_THE_MACHINE, **options) -> Tab:
        """Requests whose URL matches *refuse* (a pattern) are refused and recorded."""
        context = browser.new_context(viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(15_000)
        contexts.append(context)
        page = context.new_page()
        tab = Tab(page)

        def route(r):
            tab.refused.append(r.request.url)
            r.abort("blockedbyclient")

        context.route(refuse, route)
        page.on("requestfailed", lambda r: None if r.url in tab.refused else tab.failed.append(f"{r.url} ({r.failure})"))
        page.on("response", lambda r: tab.errors.append(f"HTTP {r.status}: {r.url}") if r.status >= 400 else None)
        page.on("pageerror", lambda e: tab.errors.append(f"script error: {e}"))
        page.on("console", lambda m: tab.errors.append(f"console error: {m.text}") if m.type == "error" else None)
        tabs.append(tab)
        return tab

    yield open_
    for context in contexts:
        context.close()
    problems = [p for tab in tabs for p in tab.problems()]
    assert not problems, "the browser saw:\n" + "\n".join(problems)


@pytest.fixture
def tab(open_tab) -> Tab:
    return open_tab(DESKTOP)
