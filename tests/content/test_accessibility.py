"""A slide the talk left untitled keeps a heading that only screen readers get (axe runs on every
page and slide in talkbook's checks, tests/test_talk.py)."""

from __future__ import annotations

import re

from content.seed import expected_slides, exported_pages
from talkbook.testing import deck_slides, open_deck, show_slide


def test_a_slide_the_talk_left_untitled_has_a_heading_only_screen_readers_get(tab, site_url, built_site, screenshots):
    # Page 10 of the export has no title. Its slide keeps a heading, for its label and
    # for screen readers: the talk's own first words, taking no room on the slide.
    index = expected_slides().index((10,))
    slide = deck_slides(built_site.deck_html)[index]
    words = re.sub("[\ue000-\uf8ff]", " ", exported_pages()[10]).split()  # the export's bullets dropped
    assert slide.title and " ".join(words).startswith(slide.title)
    open_deck(tab, site_url + f"slides/index.html#/{slide.id}")
    show_slide(tab, index)
    page = tab.page
    box = page.locator(f"section#{slide.id} h2").bounding_box()
    assert box is not None and box["width"] <= 1 and box["height"] <= 1, box
    # In the accessibility tree it is the slide's one heading, with its name.
    named = page.get_by_role("heading", name=slide.title, exact=True)
    assert named.count() == 1
    assert page.locator(f"section#{slide.id}").get_by_role("heading").count() == 1
    # What the audience sees starts with the talk's words, as the talk showed them.
    first = page.locator(f"section#{slide.id} li").first
    assert first.is_visible() and first.inner_text().startswith(slide.title)
    page.screenshot(path=str(screenshots / "deck-10-just-glue.png"))
