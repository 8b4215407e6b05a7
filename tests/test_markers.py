"""slide-only and handbook-only keep their content in one output."""

from __future__ import annotations

from conftest import soup


def _text(app) -> str:
    return " ".join(soup(app.outdir / "index.html").get_text(" ").split())


def test_markers_in_the_deck(build_root):
    app = build_root("markers", "revealjs")
    text = _text(app)
    assert "Shared sentence for both outputs." in text
    assert "Only on the slide." in text
    assert "Only in the handbook." not in text
    # The trap the markers avoid: the revealjs builder has the html tag too.
    assert "Tagged html: also on the slide." in text
    assert app.warning.getvalue() == ""


def test_markers_in_the_handbook(build_root):
    app = build_root("markers", "html")
    text = _text(app)
    assert "Shared sentence for both outputs." in text
    assert "Only in the handbook." in text
    assert "Only on the slide." not in text
    assert app.warning.getvalue() == ""
