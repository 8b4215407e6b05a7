"""The offline download, unzipped and opened from disk with every other request refused."""

from __future__ import annotations

import re
import zipfile

import pytest

from browser.conftest import PHONE
from browser.support import READY, deck_slides, open_deck


#: Everything but the files of the disk (and what a page makes itself): refused.
NOT_A_FILE = re.compile(r"^(?!(?:file|data|blob|about):)")


@pytest.fixture(scope="module")
def unzipped(built_site, tmp_path_factory):
    folder = tmp_path_factory.mktemp("offline")
    with zipfile.ZipFile(built_site.zip) as archive:
        tops = {name.split("/", 1)[0] for name in archive.namelist()}
        assert tops == {built_site.zip.stem}, f"the download unpacks into one folder, not {tops}"
        archive.extractall(folder)
    return folder / built_site.zip.stem


@pytest.fixture
def offline(open_tab):
    return open_tab(refuse=NOT_A_FILE)


def test_every_page_opens_from_disk_on_a_phone_with_nothing_fetched(open_tab, unzipped):
    """Read offline, on a phone: every page loads its own files from disk, and no handbook page
    (the index and the search page included) is wider than the phone's screen."""
    phone = open_tab(PHONE, refuse=NOT_A_FILE)
    pages = sorted(unzipped.rglob("*.html"))
    assert len(pages) >= 10
    too_wide = {}
    for path in pages:
        phone.page.goto(path.as_uri())
        # The stylesheets came from the download too: furo and reveal.js both take
        # away the browser's default 8 px margin around the page.
        state = phone.page.evaluate("() => [getComputedStyle(document.body).marginTop, "
                                    "document.documentElement.scrollWidth]")
        assert state[0] == "0px", path
        if "slides" not in path.relative_to(unzipped).parts and state[1] > PHONE["width"]:
            too_wide[path.relative_to(unzipped).as_posix()] = state[1]
    assert not too_wide, f"pages wider than a phone ({PHONE['width']} px): {too_wide}"
    # The fixture fails the test on any refused or failed request, or script error.
    assert phone.refused == [] and phone.failed == []


def test_handbook_leads_to_the_deck_and_back(offline, unzipped, built_site):
    page = offline.page
    page.goto((unzipped / "index.html").as_uri())
    assert page.locator("article[role=main] h1").is_visible()
    deck_link = page.locator("article[role=main] a[href*='slides/index.html']").first
    with page.expect_navigation(wait_until="load"):
        deck_link.click()
    page.wait_for_function(READY)
    assert page.evaluate("Reveal.getTotalSlides()") == len(deck_slides(built_site.deck_html))
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getIndices().h") == 1
    # A slide's "read more" opens its handbook section, from disk.
    open_deck(offline, (unzipped / "slides" / "index.html").as_uri() + "#/why-python")
    with page.expect_navigation(wait_until="load"):
        page.locator("section#why-python a.read-more").click()
    assert page.url.startswith("file:") and page.url.endswith("#why-python")
    assert page.locator('[id="why-python"]').is_visible()


def test_search_works_from_disk(offline, unzipped):
    page = offline.page
    page.goto((unzipped / "search.html").as_uri() + "?q=Gerrit")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for()
    page.wait_for_function("() => document.querySelector('#search-results .search-summary').innerText.includes('found')")
    assert results.count() >= 3
    with page.expect_navigation(wait_until="load"):
        results.first.locator("a").first.click()
    assert page.url.startswith("file:")
    assert "Gerrit" in page.locator("article[role=main]").inner_text()


def test_only_addresses_off_the_machine_are_refused():
    from talkbook.tools.browser import OFF_THE_MACHINE

    for url in ("https://example.org/", "http://127.0.0.2/", "https://localhost.example.org/", "ws://10.0.0.1/",
                "http://127.0.0.1.example.org/"):
        assert OFF_THE_MACHINE.match(url), url
    for url in ("http://127.0.0.1:8000/index.html", "http://localhost/", "ws://127.0.0.1:41/_talkbook/reload",
                "file:///tmp/site/index.html", "data:image/png;base64,AA==", "about:blank", "http://[::1]:80/x"):
        assert not OFF_THE_MACHINE.match(url), url
    assert NOT_A_FILE.match("http://127.0.0.1/") and not NOT_A_FILE.match("file:///tmp/x.html")
