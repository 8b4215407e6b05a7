"""The slideshow, driven as a speaker drives it: keys, fragments, notes, links."""

from __future__ import annotations

import re

import pytest

from content.seed import expected_slides, exported_pages
from talkbook.testing import deck_slides, open_deck, plain as normalise, settle

CLOUD = "other-cloud"


@pytest.fixture(scope="module")
def deck(built_site) -> list[dict]:
    return deck_slides(built_site.deck_html)


@pytest.fixture
def deck_url(site_url) -> str:
    return site_url + "slides/index.html"


def test_starts_ready_with_one_slide_per_exported_slide(tab, deck_url, deck, screenshots):
    open_deck(tab, deck_url)
    page = tab.page
    assert page.evaluate("Reveal.isReady()") is True
    # 27 exported pages, of which 6 to 8 are builds of one slide: 25 slides.
    assert page.evaluate("Reveal.getTotalSlides()") == len(expected_slides()) == 25
    assert page.evaluate("Reveal.getSlides().map(s => s.id)") == [s.id for s in deck]
    assert page.evaluate("Reveal.getIndices().h") == 0
    assert page.locator(".reveal .slides section.present h1").inner_text().startswith("Get a Python job")
    page.screenshot(path=str(screenshots / "deck-01-title.png"))


def test_arrow_keys_walk_every_build_of_every_slide(tab, deck_url, deck):
    open_deck(tab, deck_url, transitions=False)
    page = tab.page
    steps = sum(1 + s.steps for s in deck)
    # The talk's export had one page per build of a slide; so does the walk.
    assert steps == len(exported_pages()) == 27
    seen = [page.evaluate("[Reveal.getCurrentSlide().id, Reveal.getIndices().f ?? -1]")]
    for _ in range(steps - 1):
        page.keyboard.press("ArrowRight")
        seen.append(page.evaluate("[Reveal.getCurrentSlide().id, Reveal.getIndices().f ?? -1]"))
    assert len(set(map(tuple, seen))) == steps, "each press shows something new"
    assert [i for i, _f in dict.fromkeys(map(tuple, seen))] == [i for s in deck for i in [s.id] * (1 + s.steps)]
    assert page.evaluate("Reveal.isLastSlide()") and page.evaluate("Reveal.availableFragments().next") is False
    page.keyboard.press("ArrowRight")  # past the end: nothing moves
    assert page.evaluate("Reveal.getCurrentSlide().id") == deck[-1].id
    for _ in range(steps - 1):
        page.keyboard.press("ArrowLeft")
    assert page.evaluate("Reveal.isFirstSlide()") and page.evaluate("Reveal.getCurrentSlide().id") == deck[0].id


def test_cloud_slide_shows_its_fragments_one_at_a_time(tab, deck_url, deck, screenshots):
    open_deck(tab, deck_url + "#/" + CLOUD)
    page = tab.page
    assert page.evaluate("Reveal.getCurrentSlide().id") == CLOUD
    builds = next(s.steps for s in deck if s.id == CLOUD)
    assert builds == 2  # pages 7 and 8 of the export each add one item to page 6
    visible = """() => [...Reveal.getCurrentSlide().querySelectorAll('.fragment')]
                   .filter(f => getComputedStyle(f).opacity === '1').map(f => f.innerText.trim())"""
    shown = [page.evaluate(visible)]
    assert shown[0] == [], "no fragment shows before the first press"
    assert "Platform as a service" in page.evaluate("Reveal.getCurrentSlide().innerText")
    for step in range(1, builds + 1):
        page.keyboard.press("ArrowRight")
        settle(tab)
        assert page.evaluate("Reveal.getCurrentSlide().id") == CLOUD, f"press {step} left the slide"
        shown.append(page.evaluate(visible))
        new = [t for t in shown[-1] if t not in shown[-2]]
        assert len(new) == 1 and set(shown[-2]) <= set(shown[-1]), (step, shown)
    # Each press shows what the next exported page added, as the talk did.
    pages = exported_pages()
    for step, page_number in enumerate((7, 8), start=1):
        new = [line for t in shown[step] if t not in shown[step - 1] for line in t.splitlines() if line.strip()]
        assert new and all(normalise(line) in normalise(pages[page_number]) for line in new), (page_number, new)
        assert any(normalise(line) not in normalise(pages[page_number - 1]) for line in new), (page_number, new)
    page.screenshot(path=str(screenshots / "deck-06-other-cloud-all-fragments.png"))
    page.keyboard.press("ArrowRight")
    assert page.evaluate("Reveal.getCurrentSlide().id") != CLOUD


def test_every_content_slide_has_speaker_notes(tab, deck_url, deck):
    open_deck(tab, deck_url)
    notes = tab.page.evaluate(
        "Reveal.getSlides().map(s => [s.id, (Reveal.getSlideNotes(s) || '').replace(/<[^>]+>/g, ' ').trim()])"
    )
    assert [i for i, _n in notes] == [s.id for s in deck]
    for slide_id, text in notes[1:]:  # the title slide may go without
        assert len(re.findall(r"\w+", text)) >= 12, f"slide {slide_id!r} has no real speaker notes: {text!r}"
    # The notes stay off the slide itself.
    assert tab.page.locator(".reveal .slides aside.notes").first.is_hidden()


@pytest.mark.parametrize("slide_id", ["why-python", CLOUD, "how-code-gets-merged", "questions"])
def test_a_deep_link_opens_its_slide(tab, deck_url, deck, slide_id):
    open_deck(tab, deck_url + "#/" + slide_id)
    page = tab.page
    assert page.evaluate("Reveal.getCurrentSlide().id") == slide_id
    index = [s.id for s in deck].index(slide_id)
    assert page.evaluate("Reveal.getIndices().h") == index
    heading = page.locator(f"section#{slide_id} :is(h1, h2)").first
    assert heading.is_visible() and heading.bounding_box()["y"] >= 0
    # Moving on changes the link, so a copied address opens the slide shown.
    page.keyboard.press("ArrowRight")
    settle(tab)
    current = page.evaluate("Reveal.getCurrentSlide().id")
    fragment = page.evaluate("Reveal.getIndices().f")
    want = f"#/{current}" if fragment is None else f"#/{current}/{fragment}"
    page.wait_for_function("want => location.hash === want", arg=want)


def test_slide_numbers_show(tab, deck_url, deck, screenshots):
    open_deck(tab, deck_url + "#/why-python", transitions=False)
    number = tab.page.locator(".reveal .slide-number")
    assert number.is_visible()
    index = [s.id for s in deck].index("why-python")
    assert re.sub(r"\s+", "", number.inner_text()) == f"{index + 1}/{len(deck)}"
    tab.page.keyboard.press("End")
    assert re.sub(r"\s+", "", number.inner_text()) == f"{len(deck)}/{len(deck)}"


def test_overview_mode_shows_the_deck_and_jumps_to_a_slide(tab, deck_url, deck, screenshots):
    open_deck(tab, deck_url, transitions=False)
    page = tab.page
    page.keyboard.press("o")
    assert page.evaluate("Reveal.isOverview()") is True
    assert page.locator(".reveal.overview").is_visible()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")  # the arrows move the selection in the overview
    assert page.evaluate("Reveal.getCurrentSlide().id") == deck[2].id
    page.screenshot(path=str(screenshots / "deck-overview.png"))
    page.locator(f".reveal .slides section#{deck[4].id}").click()  # a click opens that slide
    assert page.evaluate("Reveal.isOverview()") is False
    assert page.evaluate("Reveal.getCurrentSlide().id") == deck[4].id
    page.evaluate("Reveal.toggleOverview(true)")
    assert page.evaluate("Reveal.isOverview()") is True
    page.keyboard.press("Escape")
    assert page.evaluate("Reveal.isOverview()") is False


def test_review_workflow_diagram_is_drawn_legibly(tab, deck_url, screenshots):
    open_deck(tab, deck_url + "#/how-code-gets-merged")
    page = tab.page
    svg = page.locator("section#how-code-gets-merged svg").first
    assert svg.is_visible()
    box = svg.bounding_box()
    assert box["width"] > 600, box  # the diagram is the slide, not a thumbnail
    sizes = page.evaluate("""() => [...document.querySelectorAll('section#how-code-gets-merged svg text')]
        .map(t => t.getBoundingClientRect().height)""")
    assert sizes and min(sizes) >= 14, f"diagram text is too small on a 1280x720 screen: {sizes}"
    page.screenshot(path=str(screenshots / "deck-18-how-code-gets-merged.png"))
