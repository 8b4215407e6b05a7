"""Every slide fits its slide, on a laptop's screen and on a phone's."""

from __future__ import annotations

import pytest

from browser.conftest import DESKTOP, PHONE
from browser.support import OVERFLOWS, deck_slides, open_deck, show_slide


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x720", "phone-390x844"])
def test_no_slide_overflows(open_tab, site_url, built_site, viewport, screenshots):
    slides = deck_slides(built_site.deck_html)
    tab = open_tab(viewport)
    open_deck(tab, site_url + "slides/index.html", transitions=False)
    page = tab.page
    assert page.evaluate("Reveal.getTotalSlides()") == len(slides)
    scale = page.evaluate("Reveal.getScale()")
    problems = {}
    for index, slide in enumerate(slides):
        show_slide(tab, index)  # with every fragment shown: the slide at its fullest
        section = page.locator(f".reveal .slides section#{slide['id']}")
        found = section.evaluate(OVERFLOWS)
        # The slide's own content, within its stage (1280x720; upright on a phone).
        height, stage = section.evaluate("s => [s.scrollHeight, Reveal.getConfig().height]")
        if height > stage + 1:
            found.append(f"its content is {height} px tall, more than the slide's {stage} px")
        if found:
            problems[slide["id"]] = found
        if viewport is PHONE and slide["id"] == "other-cloud":
            page.screenshot(path=str(screenshots / "phone-other-cloud.png"))
    assert not problems, f"at {viewport['width']}x{viewport['height']} (scale {scale:.2f}):\n" + "\n".join(
        f"- {slide_id}: " + "\n    ".join(lines) for slide_id, lines in problems.items()
    )


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
