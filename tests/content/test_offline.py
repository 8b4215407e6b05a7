"""The offline download, unzipped and opened from disk with every other request refused."""

from __future__ import annotations

import re

import pytest

from talkbook.testing import READY, deck_slides, open_deck


#: Everything but the files of the disk (and what a page makes itself): refused.
NOT_A_FILE = re.compile(r"^(?!(?:file|data|blob|about):)")


@pytest.fixture
def offline(open_tab):
    return open_tab(refuse=NOT_A_FILE)


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


