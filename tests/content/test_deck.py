"""The real deck, as built by `make`: slides, order, fragments, notes, links."""

from __future__ import annotations

import json
import re

import pytest

from collections import Counter

from content.seed import SEED, pages, slides, word_list, words
from talkbook.testing import soup


@pytest.fixture(scope="module")
def deck(built_site):
    return soup(built_site.deck_html)


def _slide_sections(deck):
    """Horizontal slides: the inner <section> of each top-level stack."""
    stacks = deck.select("div.reveal > div.slides > section")
    return [stack.find("section", recursive=False) or stack for stack in stacks]


def _visible_text(section) -> str:
    copy = soup_copy(section)
    for hidden in copy.select("aside.notes, p.talkbook-crosslink"):
        hidden.decompose()
    return copy.get_text(" ", strip=True)


def soup_copy(section):
    from bs4 import BeautifulSoup

    return BeautifulSoup(str(section), "html.parser")


def test_one_slide_per_seed_page_in_order(deck):
    seed_pages = pages(SEED)
    groups = slides(SEED)
    sections = _slide_sections(deck)
    assert len(sections) == len(groups)
    for group, section in zip(groups, sections):
        text = _visible_text(section)
        # Every word of every page of the group is on the slide (pages 5-8 are one slide).
        expected = set().union(*(words(seed_pages[n]) for n in group))
        missing = expected - words(text)
        assert not missing, f"slide for page(s) {group} lacks {sorted(missing)}: {text[:200]!r}"
        # A page whose text starts with the slide's title is in the same place.
        title = section.find(["h1", "h2"]).get_text(" ", strip=True)
        assert title


def test_titles_follow_the_seed(deck):
    seed_pages = pages(SEED)
    sections = _slide_sections(deck)
    def norm(text: str) -> str:
        """Lowercase, quotes made plain, the export's bullet glyphs (private-use characters) dropped."""
        text = re.sub("[\ue000-\uf8ff]", " ", text.replace("’", "'"))
        return re.sub(r"\s+", " ", text).strip().lower()

    for group, section in zip(slides(SEED), sections):
        heading = section.find(["h1", "h2"])
        title = heading.get_text(" ", strip=True)
        page = seed_pages[group[0]]
        # Every slide's heading is the start of its page's text, as the talk wrote it.
        assert title and norm(page).startswith(norm(title)), (group, title, page[:60])
        # Page 10 has no title in the export: its slide keeps a heading (its label, and
        # what a screen reader announces), the talk's own first words, hidden from sight.
        hidden = " ".join(e.get_text(" ", strip=True) for e in heading.select(".visually-hidden"))
        assert (hidden == title) == (group == (10,)), (group, title)


def test_pages_6_to_8_are_one_slide_that_adds_an_item_a_page(deck):
    seed_pages = pages(SEED)
    sections = _slide_sections(deck)
    other = sections[slides(SEED).index((6, 7, 8))]
    assert other["id"] == "other-cloud"
    fragments = other.select(".fragment")
    assert len(fragments) == 2  # pages 7 and 8 each add one item to page 6
    shown = words(" ".join(t for t in other.find_all(string=True)
                           if not t.find_parent(class_="fragment") and not t.find_parent("aside")))
    assert {"platform", "as", "a", "service"} <= shown  # page 6's item, there from the start
    for page, fragment in zip((7, 8), fragments):
        added = set(Counter(word_list(seed_pages[page])) - Counter(word_list(seed_pages[page - 1])))
        assert added and added <= words(fragment.get_text(" ")), (page, added)
    # Page 5 is a slide of its own, without fragments, and its bullets appear once in the deck.
    iaas = sections[slides(SEED).index((5,))]
    assert iaas["id"] == "cloud-flavours" and not iaas.select(".fragment")
    assert len(deck.find_all(string=re.compile("API-driven, on-demand"))) == 1
    # The layered picture stands beside both, as an accessible SVG diagram.
    for section in (iaas, other):
        svg = section.find("svg")
        assert svg is not None and svg.get("role") == "img" and svg.get("aria-label")
        assert [t.get_text() for t in svg.find_all("text")] == ["Services", "Open source", "Software"]


def test_every_slide_has_notes_in_sentences(deck):
    for section in _slide_sections(deck):
        notes = section.find("aside", class_="notes", recursive=False)
        title = section.find(["h1", "h2"]).get_text(strip=True)
        assert notes is not None, f"slide {title!r} has no speaker notes"
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", notes.get_text(" ", strip=True)) if len(s.split()) >= 3]
        assert len(sentences) >= 2, f"slide {title!r}: notes are not a talk track: {notes.get_text()!r}"


def _reveal_config(deck) -> dict:
    config: dict = {}
    for script in deck.find_all("script"):
        for blob in re.findall(r"Object\.assign\(revealjsConfig,\s*(\{.*?\})\);", script.get_text(), re.S):
            config.update(json.loads(blob))
    return config


def test_deep_links_slide_numbers_and_notes_plugin(deck):
    config = _reveal_config(deck)
    assert config["hash"] is True
    assert config["slideNumber"]
    scripts = [s.get("src", "") for s in deck.find_all("script")]
    assert any(src.split("?")[0].endswith("plugin/notes/notes.js") for src in scripts)
    assert "RevealNotes" in " ".join(s.get_text() for s in deck.find_all("script"))


def test_review_workflow_is_a_legible_diagram(deck):
    section = deck.find("section", id="how-code-gets-merged")
    svg = section.find("svg")
    assert svg.get("role") == "img" and "Gerrit" in svg.get("aria-label")
    labels = {t.get_text(strip=True) for t in svg.find_all("text")}
    for box in ("Your git", "github", "Gerrit", "master", "git-review", "Clone and branch", "code review"):
        assert box in labels
    viewbox = [float(v) for v in svg["viewbox" if "viewbox" in svg.attrs else "viewBox"].split()]
    sizes = [float(m) for m in re.findall(r"font:[^;]*?(\d+)px", svg.find("style").get_text())]
    # On a 1280-pixel slide the diagram is at most as wide as the slide: text stays >= 18 px.
    assert min(sizes) * (1280 * 0.88 / viewbox[2]) >= 18


def test_where_is_the_code_is_highlighted_python(deck):
    section = deck.find("section", id="where-is-the-code")
    block = section.select_one("div.highlight-python pre")
    assert block is not None
    assert block.select("span.k") and block.select("span.s1")  # keywords and strings are marked up
    assert "for proj in openstack:" in block.get_text()


def test_deck_ships_only_what_it_uses(built_site):
    static = built_site.deck / "_static"
    files = {p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file()}
    assert "revealjs/dist/reveal.js" in files and "revealjs/plugin/notes/notes.js" in files
    assert not any(f.endswith(".scss") for f in files)
    assert not any(f.startswith("revealjs/plugin/highlight") for f in files)
    assert not any(f.startswith("revealjs/dist/theme") for f in files)
    assert not any(f.endswith(".map") or f.endswith(".esm.js") for f in files)
