"""HTML and script written in Markdown are shown as text, in both outputs."""

from __future__ import annotations

import pytest

from machinery.support import warnings
from talkbook.testing import soup


@pytest.mark.parametrize("side", ["handbook", "deck"])
def test_markdown_html_and_script_are_escaped(talk, side):
    app = talk("unsafe", side)
    page = soup(app.outdir / "index.html")
    for script in page.find_all("script"):
        assert "alert" not in script.get_text(), script
    handlers = [(tag.name, attr) for tag in page.find_all(True) for attr in tag.attrs if attr.lower().startswith("on")]
    assert handlers == []
    links = [tag.get("href", "") for tag in page.find_all(href=True)]
    assert not [h for h in links if h.strip().lower().startswith("javascript:")]
    text = page.get_text(" ")
    # The words are still there, as text the reader can see.
    assert '<script>alert("block")</script>' in text
    assert "onerror=\"alert('inline')\"" in text
    assert "a Markdown link" in text
    assert warnings(app) == []
