"""Charts read from the back of the room and on a phone, opened from disk with no script of ours.

The test talk of tests/roots/test-charts (its deck on talkbook's deck theme,
1280x720 with the real talk's margin; its handbook on furo) is built once,
each side in a process of its own, and opened from ``file://``. Each chart's
text is measured as the reader sees it: the size of its type on the screen,
after the page's and reveal.js's scaling.

- On a 1280x720 screen, the deck's smallest chart text must be at least
  24 px: the floor slide guides set is 18 pt on a slide 7.5 inches (540 pt)
  tall, 1/30 of the slide's height, and 1/30 of 720 px is 24 px. The
  drawing's 26 px type is about 24.4 px after reveal.js's margin (0.06 here,
  as in the real talk) shrinks the slide. The diagrams are held to 18 px,
  the deck's body text to 30 px (test_fit.py).
- On a phone 390 px wide, the handbook's smallest chart text must be at
  least 11 px: the smallest type Apple's and Google's guides allow on a
  phone (11 pt caption, 12 sp); the handbook's drawing is made for about
  12 px there. It must also fit the screen's width.

And: the handbook's table of figures opens under its chart; a chart's words
print as text in the deck's PDF and its handout; axe-core finds nothing
serious in the charts and checks their accessible names.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from machinery.support import ROOTS
from talkbook.testing import DESKTOP, PHONE, open_deck, settle
from talkbook.testing.browser import CHART_TEXT, OVERFLOWS, served

ROOT = ROOTS / "test-charts"
SLIDES = ["authors", "by-repository", "code-size", "review-days"]
DECK_FLOOR, PHONE_FLOOR = 24, 11



@pytest.fixture(scope="module")
def charts(tmp_path_factory) -> Path:
    """The test talk built on both sides: its folder (handbook in html/, deck in deck/)."""
    work = tmp_path_factory.mktemp("charts-talk")
    root = shutil.copytree(ROOT, work / "talk")
    for builder, source, out in (("html", root, "html"), ("revealjs", root / "slides", "deck")):
        result = subprocess.run([sys.executable, "-m", "sphinx", "-q", "-W", "-b", builder, "-d",
                                 str(work / f"doctrees-{out}"), str(source), str(work / out)],
                                capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    return work


def _smallest(texts: list[dict]) -> dict:
    return min(texts, key=lambda t: t["size"])


def test_deck_charts_read_from_the_back_of_the_room(open_tab, charts, screenshots):
    tab = open_tab(DESKTOP)
    open_deck(tab, (charts / "deck" / "index.html").as_uri(), transitions=False)
    page = tab.page
    problems = []
    for slide in SLIDES:
        page.evaluate("(id) => { location.hash = '#/' + id; }", slide)
        page.wait_for_function("(id) => Reveal.getCurrentSlide().id === id", arg=slide)
        settle(tab)
        section = page.locator(f"section#{slide}")
        texts = section.locator("svg.talkbook-chart-svg").evaluate(CHART_TEXT)
        assert len(texts) >= 4, slide  # tick labels at least
        smallest = _smallest(texts)
        if smallest["size"] < DECK_FLOOR:
            problems.append(f"{slide}: {smallest['text']!r} is {smallest['size']:.1f} px")
        # Its glyphs' box is as tall as its type, or taller: the size is what the eye gets.
        assert min(t["height"] for t in texts) >= DECK_FLOOR, slide
        problems += [f"{slide}: {p}" for p in section.evaluate(OVERFLOWS)]
        page.screenshot(path=str(screenshots / f"chart-deck-{slide}.png"))
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("viewport, floor", [(PHONE, PHONE_FLOOR), (DESKTOP, PHONE_FLOOR)],
                         ids=["phone-390", "1280x720"])
def test_handbook_charts_read_on_a_phone_and_fit_its_width(open_tab, charts, screenshots, viewport, floor):
    tab = open_tab(viewport)
    tab.page.goto((charts / "html" / "index.html").as_uri())
    svgs = tab.page.locator("svg.talkbook-chart-svg")
    assert svgs.count() == len(SLIDES)
    for index in range(svgs.count()):
        svg = svgs.nth(index)
        texts = svg.evaluate(CHART_TEXT)
        smallest = _smallest(texts)
        assert smallest["size"] >= floor, f"chart {index + 1}: {smallest['text']!r} is {smallest['size']:.1f} px"
        box = svg.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= viewport["width"], box
        if viewport is PHONE:
            svg.screenshot(path=str(screenshots / f"chart-phone-{index + 1}.png"))
    assert tab.page.evaluate("document.documentElement.scrollWidth") <= viewport["width"]


def test_the_figures_open_under_their_chart(open_tab, charts):
    tab = open_tab(PHONE)
    tab.page.goto((charts / "html" / "index.html").as_uri())
    details = tab.page.locator("div.talkbook-chart details").first
    table = details.locator("table")
    assert not table.is_visible()  # collapsed
    details.locator("summary").click()
    assert table.is_visible() and table.locator("tbody tr").count() > 1


@pytest.mark.parametrize("handout", [False, True], ids=["slides", "handout"])
def test_charts_print_as_text_in_the_pdf(charts, chromium, handout):
    from pypdf import PdfReader

    pdf = charts / f"charts{'-handout' if handout else ''}.pdf"
    result = subprocess.run([sys.executable, "-m", "talkbook.tools.pdf", "--deck", str(charts / "deck" / "index.html"),
                             "--out", str(pdf), "--chromium", chromium, *(["--handout"] if handout else [])],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages).split()
    # The mark's label (tests/roots/test-charts/_shared/authors.md) and the legends' names (the data's).
    with open(ROOT / "_data" / "review-days.csv", encoding="utf-8") as data:
        columns = data.readline().strip().split(",")[1:]
    for words in ("Diablo", "summit", "nova", "swift", *columns):
        assert words in text, words


@pytest.fixture(scope="module")
def charts_url(charts) -> str:
    """The built test talk over HTTP: axe-core reads stylesheets, which file:// refuses it."""
    with served(charts) as url:
        yield url


@pytest.mark.parametrize("side", ["html", "deck"])
def test_charts_have_no_serious_accessibility_violation(tab, charts_url, side):
    from axe_playwright_python.sync_playwright import Axe

    if side == "deck":
        open_deck(tab, charts_url + "deck/index.html#/by-repository")
    else:
        tab.page.goto(charts_url + "html/index.html")
    # axe-core (the copy that axe-playwright-python ships), on the charts alone.
    results = Axe().run(tab.page, context={"include": [["div.talkbook-chart"]]})
    serious = [f"{v['id']}: {v['help']}" for v in results.response["violations"] if v["impact"] in ("serious", "critical")]
    assert serious == []
    assert any(p["id"] == "svg-img-alt" for p in results.response["passes"]), "axe did not check the charts' names"
