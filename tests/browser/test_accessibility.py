"""axe-core (the copy that axe-playwright-python ships, never fetched) finds nothing serious."""

from __future__ import annotations

import pytest
from axe_playwright_python.sync_playwright import Axe

from browser.support import open_deck, show_slide

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


@pytest.mark.parametrize("slide_id", ["title", "other-cloud", "where-is-the-code", "how-code-gets-merged"])
def test_deck_has_no_serious_violation(tab, site_url, built_site, axe, slide_id):
    open_deck(tab, site_url + f"slides/index.html#/{slide_id}")
    index = tab.page.evaluate("Reveal.getIndices().h")
    show_slide(tab, index)  # every fragment shown: all the slide's text is checked
    assert _serious(axe, tab.page) == []
