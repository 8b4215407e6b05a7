"""slide-only and handbook-only keep their content in one output; deck directives in the handbook."""

from __future__ import annotations

from machinery.support import warnings
from talkbook.testing import soup


def _text(app) -> str:
    return " ".join(soup(app.outdir / "index.html").get_text(" ").split())


def test_markers_in_the_deck(talk):
    app = talk("markers", "deck")
    page = soup(app.outdir / "index.html")
    text = _text(app)
    assert "Shared sentence for both outputs." in text
    assert "Only on the slide." in text
    assert "Only in the handbook." not in text
    assert page.select_one("aside.notes").get_text(strip=True) == "Notes for the speaker."
    fragments = [li.get_text(strip=True) for li in page.select("li.fragment")]
    assert fragments == ["Appears one item at a time on the slide", "All at once in the handbook"]
    assert warnings(app) == []


def test_markers_in_the_handbook(talk):
    app = talk("markers", "handbook")
    page = soup(app.outdir / "index.html")
    text = _text(app)
    assert "Shared sentence for both outputs." in text
    assert "Only in the handbook." in text
    assert "Only on the slide." not in text
    # The speaker's notes stay with the speaker; fragments are a plain list.
    assert "Notes for the speaker." not in text
    items = [li.get_text(strip=True) for li in page.select("div.body li")]
    assert items == ["Appears one item at a time on the slide", "All at once in the handbook"]
    assert not page.select(".fragment")
    assert warnings(app) == []


def test_the_same_builder_on_either_side_keeps_each_sides_parts(talk):
    # A side is known by its source folder, not by its builder: the link check
    # of the deck sees the deck's parts.
    deck = talk("markers", "deck", builder="html")
    assert "Only on the slide." in _text(deck) and "Only in the handbook." not in _text(deck)
