"""The deck's text is large enough to read, on a laptop's screen and on a phone's, either way up."""

from __future__ import annotations

import pytest

from talkbook.testing import DESKTOP, PHONE, open_deck


@pytest.mark.parametrize("viewport, stage", [
    (PHONE, (720, 1280)),  # upright: an upright stage
    ({"width": PHONE["height"], "height": PHONE["width"]}, (1280, 720)),  # turned: the slides as drawn
    (DESKTOP, (1280, 720)),
], ids=["phone-upright", "phone-turned", "1280x720"])
def test_body_text_is_legible_on_screen(open_tab, site_url, viewport, stage):
    tab = open_tab(viewport)
    open_deck(tab, site_url + "slides/index.html#/why-python")
    page = tab.page
    assert tuple(page.evaluate("[Reveal.getConfig().width, Reveal.getConfig().height]")) == stage
    # A list item's text as the reader sees it: its font size at reveal.js's scale.
    size = page.evaluate("""() => parseFloat(getComputedStyle(
        document.querySelector('section#why-python li')).fontSize) * Reveal.getScale()""")
    assert size >= (16 if viewport is not DESKTOP else 30), f"body text is {size:.1f} px on screen"
