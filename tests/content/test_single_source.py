"""One source, two outputs: shared text in both, marked parts in one, links both ways."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from markdown_it import MarkdownIt

from talkbook.testing import soup

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def deck(built_site):
    return soup(built_site.deck_html)


@pytest.fixture(scope="module")
def handbook(built_site):
    return {p.relative_to(built_site.site).as_posix(): soup(p) for p in built_site.handbook_pages()}


def _resolve(site: Path, page: Path, href: str):
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, href
    target = (page.parent / unquote(parts.path)).resolve()
    return target, parts.fragment


def _section_text(page, fragment):
    node = page.find(id=fragment)
    if node.name != "section":
        node = node.find_parent("section") or node
    return " ".join(node.get_text(" ").split())


def test_shared_fragment_text_is_in_both_outputs(built_site, deck):
    checked = 0
    for link in deck.select("a.read-more"):
        slide = link.find_parent("section")
        items = [" ".join(li.get_text(" ").split()) for li in slide.find_all("li")]
        target, fragment = _resolve(built_site.site, built_site.deck_html, link["href"])
        text = _section_text(soup(target), fragment)
        for item in items:
            assert item in text, f"{item!r} is on slide {slide['id']} but not in {target.name}#{fragment}"
            checked += 1
    assert checked >= 40


def test_slide_only_parts_stay_on_the_slides(built_site, deck, handbook):
    notes = [" ".join(a.get_text(" ").split()) for a in deck.select("aside.notes")]
    everything = " ".join(" ".join(p.get_text(" ").split()) for p in handbook.values())
    for note in notes:
        first = re.split(r"(?<=[.!?])\s", note)[0]
        assert first not in everything, f"speaker note leaked into the handbook: {first!r}"
    assert not any(p.select("aside.notes") for p in handbook.values())
    assert not any(p.select("a.read-more") for p in handbook.values())


def test_handbook_only_parts_stay_in_the_handbook(built_site, deck, handbook):
    marked = []
    for fragment in sorted((REPO / "source" / "_shared").glob("*.md")):
        text = fragment.read_text(encoding="utf-8")
        for block in re.findall(r"^:::\{handbook-only\}\n(.*?)^:::$", text, re.S | re.M):
            paragraph = next(p for p in block.split("\n\n") if p.strip() and not p.startswith(("`", ":", "%")))
            marked.append(" ".join(paragraph.split())[:60])
    assert marked, "no shared fragment has a handbook-only part"
    quotes = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"'})
    deck_text = " ".join(deck.get_text(" ").split()).translate(quotes)
    handbook_text = " ".join(" ".join(p.get_text(" ").split()) for p in handbook.values()).translate(quotes)
    for snippet in marked:
        plain = re.sub(r"[`*_]|\{[a-z-]+\}", "", snippet)[:40]
        assert plain not in deck_text, f"handbook-only text on a slide: {plain!r}"
        assert plain in handbook_text, f"handbook-only text missing from the handbook: {plain!r}"
    assert not deck.select("a.on-slide")


def _blocks(path: Path) -> list[str]:
    """Paragraphs and list items of a Markdown file, directive bodies included."""
    md = MarkdownIt("commonmark")
    found = []

    def walk(text: str) -> None:
        previous = None
        for token in md.parse(text):
            # Paragraphs (alone or in list items); headings and comments are not talk content.
            if token.type == "inline" and previous == "paragraph_open" and token.content.strip():
                content = " ".join(l for l in token.content.splitlines() if not l.lstrip().startswith("%"))
                if content.strip():
                    found.append(" ".join(content.split()))
            previous = token.type
            if token.type == "fence" and token.info.startswith("{") and not token.info.startswith("{code"):
                body = "\n".join(l for l in token.content.splitlines() if not l.startswith(":"))
                walk(body)

    text = path.read_text(encoding="utf-8")
    text = re.sub(r"^:{3,}.*$", "", text, flags=re.M)  # colon fences: keep their content
    walk(text)
    return [b for b in found if len(b.split()) >= 4]


def test_no_talk_content_is_written_twice():
    files = sorted((REPO / "slides").rglob("*.md")) + sorted((REPO / "source").rglob("*.md"))
    seen: dict[str, Path] = {}
    for path in files:
        for block in _blocks(path):
            key = block.lower()
            assert key not in seen, f"written twice: {block!r} in {seen[key].relative_to(REPO)} and {path.relative_to(REPO)}"
            seen[key] = path
    assert len(seen) > 100


def test_landing_routes_to_handbook_and_deck(built_site):
    landing = soup(built_site.site / "index.html")
    body = [a["href"].split("#")[0] for a in landing.select("article a[href]")]
    everywhere = [a["href"].split("#")[0] for a in landing.select("a[href]")]
    assert "slides/index.html" in body
    assert any("quick-reference" in h for h in body)
    for section in ("tutorial/index.html", "how-to/index.html", "reference/index.html", "explanation/index.html"):
        assert section in everywhere, f"the landing page does not lead to {section}"
        assert (built_site.site / section).is_file()
