"""Chromium for the checks: one browser per session, a guarded tab per test, the site served locally.

- The site is the session's build of the talk, served on 127.0.0.1 by a small
  HTTP server (``site_url``); the offline checks open the download's files
  straight from disk instead.
- Every tab refuses requests that would leave the machine (anything but
  file:, data: and 127.0.0.1) and records them; a tab that saw a refused or
  failed request, an HTTP error, a script error or a console error fails its
  test when it closes.
- Chromium is Debian's (/usr/bin/chromium, or TALKBOOK_CHROMIUM): Playwright
  drives it and never downloads a browser of its own. When it is missing,
  the checks that need it fail under ``CI=true`` and are skipped elsewhere,
  with the command that installs it (``make test`` installs it when it can).
- Screenshots go to ``$TALKBOOK_SCREENSHOTS`` (``make test`` sets it to
  ``$(BUILDDIR)/screenshots``), else to ``_build/screenshots/`` of the talk.
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

from talkbook.testing.talk import in_ci
from talkbook.tools.browser import OFF_THE_MACHINE, BrowserMissing, check_chromium, launch

DESKTOP = {"width": 1280, "height": 720}
PHONE = {"width": 390, "height": 844}

#: reveal.js has started and laid out the deck.
READY = "() => window.Reveal && Reveal.isReady()"

#: The current slide has finished fading in, and each of its fragments has
#: finished appearing (.visible) or disappearing: what the audience sees.
SETTLED = """() => {
  const slide = Reveal.getCurrentSlide();
  if (!slide || getComputedStyle(slide).opacity !== "1") return false;
  return [...slide.querySelectorAll(".fragment")].every(f =>
    getComputedStyle(f).opacity === (f.classList.contains("visible") ? "1" : "0"));
}"""

#: Every element of a slide that lies outside the slide's box (the stage at
#: reveal.js's scale), or whose content is cut off by its own box.
#: Each text of an SVG chart (talkbook.charts): its words, and its type's size and box height
#: on the screen in px, after the page's and reveal.js's scaling.
CHART_TEXT = """(svg) => {
  const box = svg.getBoundingClientRect(), view = svg.viewBox.baseVal;
  const scale = Math.min(box.width / view.width, box.height / view.height);
  return [...svg.querySelectorAll("text")].map(t => ({
    text: t.textContent,
    size: parseFloat(getComputedStyle(t).fontSize) * scale,
    height: t.getBoundingClientRect().height,
  }));
}"""

OVERFLOWS = """(slide) => {
  const frame = slide.closest(".slides").getBoundingClientRect();
  const slack = 1;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const found = [];
  const walk = (el, path) => {
    for (const child of el.children) {
      if (child.matches("aside.notes, script, style, template")) continue;
      const style = getComputedStyle(child);
      if (style.display === "none" || style.visibility === "hidden") continue;
      // Hidden from sight on purpose, for screen readers (the usual "visually hidden"
      // pattern: a 1 px box that clips its content): no overflow.
      const own = child.getBoundingClientRect();
      if (own.width <= 1 && own.height <= 1 && style.overflow === "hidden") continue;
      const where = path + " > " + name(child);
      const box = child.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && (box.left < frame.left - slack || box.top < frame.top - slack ||
          box.right > frame.right + slack || box.bottom > frame.bottom + slack)) {
        found.push(`${where} [${Math.round(box.left)},${Math.round(box.top)} to ` +
                   `${Math.round(box.right)},${Math.round(box.bottom)}] is outside the slide ` +
                   `[${Math.round(frame.left)},${Math.round(frame.top)} to ${Math.round(frame.right)},${Math.round(frame.bottom)}]`);
        continue;  // what is inside it is outside too: name the outermost only
      }
      if (child instanceof HTMLElement && style.overflowX !== "visible" && child.scrollWidth > child.clientWidth + slack)
        found.push(`${where} cuts its content off sideways (${child.scrollWidth} > ${child.clientWidth} px)`);
      if (child instanceof HTMLElement && style.overflowY !== "visible" && child.scrollHeight > child.clientHeight + slack)
        found.push(`${where} cuts its content off at the bottom (${child.scrollHeight} > ${child.clientHeight} px)`);
      walk(child, where);
    }
  };
  walk(slide, "#" + slide.id);
  return found;
}"""


@pytest.fixture(scope="session")
def chromium() -> str:
    try:
        return check_chromium()
    except BrowserMissing as err:
        if in_ci():
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
def screenshots(talk_folder) -> Path:
    folder = Path(os.environ.get("TALKBOOK_SCREENSHOTS") or talk_folder / "_build" / "screenshots")
    folder = folder if folder.is_absolute() else talk_folder / folder
    folder.mkdir(parents=True, exist_ok=True)
    return folder


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
        pass


class PagesLikeHandler(QuietHandler):
    """A static host as GitHub Pages and Read the Docs are: a missing path gets the site's 404.html."""

    def send_error(self, code, message=None, explain=None):
        missing = Path(self.directory) / "404.html"
        if code != 404 or not missing.is_file():
            return super().send_error(code, message, explain)
        body = missing.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@contextlib.contextmanager
def served(folder: Path):
    """*folder* served over HTTP on 127.0.0.1 as a static host serves it: its address."""
    handler = functools.partial(PagesLikeHandler, directory=str(folder))
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
    """The built site, served over HTTP on 127.0.0.1 as a static host serves it."""
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
        return ([f"request off the machine: {u}" for u in self.refused]
                + [f"failed request: {u}" for u in self.failed] + self.errors)


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


# -- Driving the deck -------------------------------------------------------------------


def open_deck(tab: Tab, url: str, transitions: bool = True) -> None:
    tab.page.goto(url)
    tab.page.wait_for_function(READY)
    if not transitions:
        tab.page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    settle(tab)


def settle(tab: Tab) -> None:
    tab.page.wait_for_function(SETTLED)


def show_slide(tab: Tab, index: int, all_fragments: bool = True) -> None:
    """Go to slide *index* with all its fragments shown (or none)."""
    tab.page.evaluate(
        "([index, all]) => Reveal.slide(index, 0, all ? Number.MAX_SAFE_INTEGER : -1)",
        [index, all_fragments],
    )
    settle(tab)
