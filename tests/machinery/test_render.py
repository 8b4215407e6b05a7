"""Data rendered as content: Jinja2 writes MyST, parsed in place, every value escaped."""

from __future__ import annotations

import pytest
from docutils import nodes

from machinery.support import warnings
from talkbook.testing import soup

SIDES = ["handbook", "deck"]


def plain(text: str) -> str:
    """Text as written: white space as one space; Sphinx's typographic quotes,
    which data gets as any text of the page does, back to straight ones."""
    return " ".join(text.replace("\u201c", '"').replace("\u201d", '"').replace("\u2019", "'").split())


@pytest.mark.parametrize("side", SIDES)
def test_markup_in_the_data_shows_as_its_own_characters(talk, side):
    app = talk("render", side)
    assert warnings(app) == []
    page = soup(app.outdir / "index.html")
    items = page.select("li")
    hostile = next(li for li in items if "Hostile" in li.get_text())
    link = hostile.find("a")
    assert plain(link.get_text()) == 'Hostile <script>alert("name")</script>'
    assert link["href"] == "https://code.example.test/hostile"
    text = plain(hostile.get_text())
    # Markdown, a role, a link and a directive in the data: all literal text.
    assert "**stars** and {ref}`top` and [a link](javascript:alert(1))" in text
    assert "```{warning} A directive in the data ```" in text
    assert not hostile.find(["strong", "em", "script", "code"])
    assert not page.select(".admonition, .warning")
    assert not [a for a in page.find_all("a", href=True) if a["href"].lower().startswith("javascript:")]
    # A value inside a code block, as it is.
    assert "review = 'https://review.example.test'" in page.select_one("pre").get_text()


@pytest.mark.parametrize("side", SIDES)
def test_every_data_url_is_a_reference_node(talk, side):
    app = talk("render", side)
    refs = [node["refuri"] for node in app.env.get_doctree("index").findall(nodes.reference)
            if node.get("refuri", "").startswith("http")]
    assert sorted(refs) == ["https://chat.example.test/", "https://code.example.test/hostile",
                            "https://code.example.test/plain"]


@pytest.mark.parametrize("side", SIDES)
def test_facts_are_substitutions_shown_as_text_or_links(talk, side):
    app = talk("render", side)
    paragraph = next(p for p in soup(app.outdir / "index.html").find_all("p") if p.get_text().startswith("Ask in"))
    assert " ".join(paragraph.get_text().split()) == "Ask in #talk-dev <b>on</b> *IRC* on The chat network."
    assert paragraph.find("a")["href"] == "https://chat.example.test/"
    assert not paragraph.find(["b", "em"])


def test_a_template_error_names_the_template_and_the_page(talk, tmp_path):
    talk("render")
    template = tmp_path / "render" / "_templates" / "projects" / "list.md"
    template.write_text("{% for p in projects %}\n- {{ p.nope }}\n{% endfor %}\n")
    found = warnings(talk("render"))
    assert len(found) == 1, found
    assert "data.md:1: WARNING: template projects/list.md failed:" in found[0] and "nope" in found[0]
