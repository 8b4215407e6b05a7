"""The deck's build: slide checks with file and line, deep-link ids, code highlighted by Pygments."""

from __future__ import annotations

import pytest

from machinery.support import warnings
from talkbook.testing import soup


@pytest.mark.sphinx("revealjs", testroot="deck")
def test_slide_problems_are_reported_with_file_and_line(app):
    app.build()
    found = warnings(app)
    source = (app.srcdir / "index.md").read_text().splitlines()
    line_of = lambda text: next(i for i, l in enumerate(source, 1) if text in l)  # noqa: E731
    assert any(f"index.md:{line_of('## No label here')}: WARNING: slide 'No label here' has no label" in w
               for w in found), found
    assert any(f"index.md:{line_of('## No notes here')}: WARNING: slide 'No notes here' has no speaker notes" in w
               for w in found), found
    assert any("paragraph before the deck's first heading" in w for w in found), found
    assert len(found) == 3, found


@pytest.mark.sphinx("revealjs", testroot="deck-clean")
def test_each_slide_is_named_by_its_label_and_code_is_highlighted(app):
    app.build()
    assert warnings(app) == []
    page = soup(app.outdir / "index.html")
    assert [s.get("id") for s in page.find_all("section") if s.get("id")] == ["start", "code"]
    code = page.find("section", id="code").select_one("div.highlight pre")
    assert code.select_one("span.k").get_text() == "def"  # highlighted at build time
    stylesheets = [link["href"].split("?")[0] for link in page.find_all("link", rel="stylesheet")]
    assert "_static/pygments.css" in stylesheets
    assert (app.outdir / "_static" / "pygments.css").is_file()
    assert not page.find("script", src=lambda s: s and "highlight" in s)  # no highlight.js


@pytest.mark.sphinx("revealjs", testroot="deck-clean")
def test_deck_page_allows_zoom(app):
    app.build()
    for meta in soup(app.outdir / "index.html").find_all("meta", attrs={"name": "viewport"}):
        assert "user-scalable=no" not in meta["content"]
        assert "maximum-scale" not in meta["content"]
