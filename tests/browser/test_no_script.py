"""No script but the theme's: every page, loaded in Chromium, runs only what the theme put there.

After each page has loaded (and the search page has listed its results), the
live DOM is read: every ``<script>``, every event-handler attribute and every
``javascript:`` address. Each must be one the theme's own files account for:

- a script file: a file of a theme's static folder (Sphinx's, furo's,
  sphinx-revealjs's with reveal.js, talkbook's deck theme), byte for byte, or
  one that Sphinx renders from such a folder's template (``.jinja``), or one
  that a theme template names (``searchindex.js``);
- a script written in the page: one of the theme templates' ``<script>``
  blocks, its Jinja expressions standing for data (no call, no statement),
  its loops and conditions for their content repeated or left out; the
  talk's own templates (``templates_path``) count as its theme;
- event handlers and ``javascript:`` addresses: those the theme's templates
  write (none).

The pages are those of the real site, and of the hostile talk of
tests/talks/hostile, whose sources write HTML and script wherever a page
shows text (its search for "Hostile" lists a title full of markup).
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from browser.support import REPO
from conftest import make
from theme_scripts import Allowed, allowed, foreign

HOSTILE = REPO / "tests" / "talks" / "hostile"
#: What the live DOM holds that can run: scripts, handlers, javascript: addresses.
LIVE = """() => {
  const plain = v => v.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
  const all = [...document.querySelectorAll("*")];
  return {
    scripts: [...document.querySelectorAll("script")].map(s => s.getAttribute("src")
        ? {src: new URL(s.getAttribute("src"), location.href).pathname} : {text: s.textContent}),
    handlers: all.flatMap(el => [...el.attributes].filter(a => a.name.startsWith("on"))
        .map(a => `<${el.localName} ${a.name}="${a.value}">`)),
    urls: all.flatMap(el => [...el.attributes].filter(a => /^(javascript|vbscript):/.test(plain(a.value)))
        .map(a => `<${el.localName} ${a.name}="${a.value}">`)),
  };
}"""


def _serve(folder: Path):
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, format, *args):  # noqa: A002 - the stdlib's name
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(folder)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    builddir = tmp_path_factory.mktemp("hostile-site")
    result = make(REPO, "all", builddir=builddir, CONFDIR=str(HOSTILE), HANDBOOK=str(HOSTILE / "source"),
                  DECK=str(HOSTILE / "slides"), NAME="tea")
    assert result.returncode == 0, result.stdout + result.stderr
    server = _serve(builddir / "site")
    yield builddir / "site", f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


def _pages(site: Path) -> list[str]:
    return sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.parts)


def _check_every_page(tab, site: Path, url: str, rules: Allowed) -> dict[str, list[str]]:
    found = {}
    for page in _pages(site):
        tab.page.goto(url + page, wait_until="load")
        problems = foreign(tab.page.evaluate(LIVE), site, urlsplit(url).path, rules)
        if problems:
            found[page] = problems
    return found


def test_the_real_site_runs_only_the_themes_scripts(tab, built_site, site_url):
    rules = allowed(REPO / "_templates")
    assert rules.files and rules.written, "no script found in the themes: the test would accept nothing"
    found = _check_every_page(tab, built_site.site, site_url, rules)
    assert not found, found


def test_the_hostile_talk_runs_only_the_themes_scripts(tab, hostile_site):
    site, url = hostile_site
    rules = allowed(HOSTILE / "_templates")
    found = _check_every_page(tab, site, url, rules)
    assert not found, found
    # Its search lists the page whose title is markup, as text.
    tab.page.goto(url + "search.html?q=Hostile", wait_until="load")
    result = tab.page.wait_for_selector("#search-results li a")
    assert "Hostile <img src=x onerror=\"alert('page title')\"> markup" in result.inner_text()
    assert foreign(tab.page.evaluate(LIVE), site, urlsplit(url).path, rules) == []
    # No alert ran (the tab fixture also fails on any script error).
    dialogs = []
    tab.page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    for page in ("hostile.html", "slides/index.html", "index.html"):
        tab.page.goto(url + page, wait_until="load")
        tab.page.mouse.move(200, 200)
        tab.page.mouse.move(400, 300)
    assert dialogs == []


def test_a_script_the_theme_did_not_write_is_found(hostile_site):
    # The check itself: what an injection would leave in the live DOM is caught.
    site, _url = hostile_site
    rules = allowed(HOSTILE / "_templates")
    live = {"scripts": [{"text": "alert(1)"}, {"src": "/_static/evil.js"},
                        {"text": 'document.body.dataset.theme = localStorage.getItem("theme") || "auto";'},
                        {"text": "var revealjsConfig = new Object(); Object.assign(revealjsConfig, alert(1)); "
                                 "revealjsConfig.plugins = []; Reveal.initialize(revealjsConfig);"}],
            "handlers": ['<img onerror="alert(1)">'], "urls": ['<a href="javascript:alert(1)">']}
    found = foreign(live, site, "/", rules)
    assert len(found) == 5, found
