"""Accessibility: axe-core (the copy that axe-playwright-python ships, never fetched) finds
nothing serious, and a heading hidden from sight is still there for screen readers."""

from __future__ import annotations

import re

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.support import deck_slides, expected_slides, exported_pages, open_deck, show_slide

SERIOUS = {"serious", "critical"}


@pytest.fixture(scope="module")
def axe() -> Axe:
    return Axe()


def _serious(axe: Axe, page) -> list[str]:
    results = axe.run(page)
    found = []
    for violation in results.response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


@pytest.mark.parametrize("path", [
    "index.html",
    "tutorial/index.html",
    "reference/project-directory.html",
])
def test_handbook_page_has_no_serious_violation(tab, site_url, axe, path):
    tab.page.goto(site_url + path)
    assert _serious(axe, tab.page) == []


@pytest.mark.parametrize("slide_id", ["title", "other-cloud", "just-glue", "where-is-the-code", "how-code-gets-merged"])
def test_deck_has_no_serious_violation(tab, site_url, built_site, axe, slide_id):
    open_deck(tab, site_url + f"slides/index.html#/{slide_id}")
    index = tab.page.evaluate("Reveal.getIndices().h")
    show_slide(tab, index)  # every fragment shown: all the slide's text is checked
    assert _serious(axe, tab.page) == []


def test_a_slide_the_talk_left_untitled_has_a_heading_only_screen_readers_get(tab, site_url, built_site, screenshots):
    # Page 10 of the export has no title. Its slide keeps a heading, for its label and
    # for screen readers: the talk's own first words, taking no room on the slide.
    index = expected_slides().index((10,))
    slide = deck_slides(built_site.deck_html)[index]
    words = re.sub("[\ue000-\uf8ff]", " ", exported_pages()[10]).split()  # the export's bullets dropped
    assert slide["title"] and " ".join(words).startswith(slide["title"])
    open_deck(tab, site_url + f"slides/index.html#/{slide['id']}")
    show_slide(tab, index)
    page = tab.page
    box = page.locator(f"section#{slide['id']} h2").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box
    # In the accessibility tree it is the slide's one heading, with its name.
    named = page.get_by_role("heading", name=slide["title"], exact=True)
    assert named.count() == 1
    assert page.locator(f"section#{slide['id']}").get_by_role("heading").count() == 1
    # What the audience sees starts with the talk's words, as the talk showed them.
    first = page.locator(f"section#{slide['id']} li").first
    assert first.is_visible() and first.inner_text().startswith(slide["title"])
    page.screenshot(path=str(screenshots / "deck-10-just-glue.png"))
