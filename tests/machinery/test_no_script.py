"""No script but the theme's, on a hostile talk: its sources write HTML and script wherever a page
shows text (tests/machinery/talks/hostile), and every page of its site, loaded in Chromium, runs
only what the themes' own files account for (talkbook.testing.scripts; the same check runs on
every talk's own site, TalkChecks.test_no_script_but_the_themes)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from machinery.support import HOSTILE, build_talk
from talkbook.testing.browser import served
from talkbook.testing.scripts import LIVE, allowed, foreign


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory):
    builddir = tmp_path_factory.mktemp("hostile-site")
    result = build_talk(HOSTILE, "all", builddir=builddir)
    assert result.returncode == 0, result.stdout + result.stderr
    with served(builddir / "site") as url:
        yield builddir / "site", url


def rules():
    return allowed((HOSTILE / "_templates",), "furo")


def test_the_hostile_talk_runs_only_the_themes_scripts(tab, hostile_site):
    site, url = hostile_site
    found = {}
    for path in sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts):
        page = path.relative_to(site).as_posix()
        tab.page.goto(url + page, wait_until="load")
        problems = foreign(tab.page.evaluate(LIVE), site, urlsplit(url).path, rules())
        if problems:
            found[page] = problems
    assert not found, found
    # Its search lists the page whose title is markup, as text.
    tab.page.goto(url + "search.html?q=Hostile", wait_until="load")
    result = tab.page.wait_for_selector("#search-results li a")
    assert "Hostile <img src=x onerror=\"alert('page title')\"> markup" in result.inner_text()
    assert foreign(tab.page.evaluate(LIVE), site, urlsplit(url).path, rules()) == []
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
    live = {"scripts": [{"text": "alert(1)"}, {"src": "/_static/evil.js"},
                        {"text": 'document.body.dataset.theme = localStorage.getItem("theme") || "auto";'},
                        {"text": "var revealjsConfig = new Object(); Object.assign(revealjsConfig, alert(1)); "
                                 "revealjsConfig.plugins = []; Reveal.initialize(revealjsConfig);"}],
            "handlers": ['<img onerror="alert(1)">'], "urls": ['<a href="javascript:alert(1)">']}
    found = foreign(live, site, "/", rules())
    assert len(found) == 5, found
