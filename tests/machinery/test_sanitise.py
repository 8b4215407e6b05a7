"""No script but the theme's: HTML written in a talk's sources never reaches an output as markup.

- The hostile talk (tests/talks/hostile/) writes HTML and script in every place
  a page shows text: titles, headings, the table of contents' caption, a
  table, a glossary term, a caption, an admonition, slides and their notes,
  the data. Built through ``make`` as any talk, every page of its site must
  hold none of it as markup, and show it as text where it was written: in the
  page, the navigation of every page, the page's title, the search index and
  the link previews.
- What a build refuses with a warning (a table of contents entry to
  ``javascript:``, a refresh, slide attributes and settings that would end
  their quotes or their script) is built here on its own.
- The SVG allow-list of the diagrams is fuzzed with Hypothesis: whatever it
  lets through, read as a browser reads SVG in HTML, runs nothing.
"""

from __future__ import annotations

import json
import re
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from bs4 import BeautifulSoup
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sphinx.errors import ConfigError
from sphinx.testing.util import SphinxTestApp

from machinery.support import HOSTILE, build_talk, warnings
from talkbook.testing import soup

TALK = HOSTILE
URL_ATTRIBUTES = ("href", "src", "action", "formaction", "xlink:href", "data", "poster")


def unsafe_in(page: BeautifulSoup, allowed_scripts: set[str] = frozenset()) -> list[str]:
    """What in *page* would run script: handlers, javascript:/data: addresses, scripts with "alert"."""
    found = []
    for tag in page.find_all(True):
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else str(value)
            if name.lower().startswith("on"):
                found.append(f"<{tag.name} {name}>")
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.lower() in URL_ATTRIBUTES and plain.startswith(("javascript:", "vbscript:", "data:text")):
                found.append(f"<{tag.name} {name}={value!r}>")
        if tag.name == "img" and tag.get("src") == "x":
            found.append("<img src=x>")
    found += [f"<script>{s.get_text()[:40]}" for s in page.find_all("script") if "alert" in s.get_text()]
    return found


@pytest.fixture(scope="module")
def hostile(tmp_path_factory) -> Path:
    builddir = tmp_path_factory.mktemp("hostile-talk")
    result = build_talk(TALK, "all", builddir=builddir)
    assert result.returncode == 0, result.stdout + result.stderr
    return builddir / "site"


def _pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts)


def test_no_page_holds_markup_written_in_the_sources(hostile):
    pages = _pages(hostile)
    assert len(pages) >= 6
    for page in pages:
        assert unsafe_in(soup(page)) == [], page


def _text(node) -> str:
    return " ".join(node.get_text(" ").split())


def _shows(expected: str, node) -> bool:
    """Whether *node* shows *expected*, however its pieces are spaced out in the page."""
    return "".join(expected.split()) in "".join(node.get_text().split())


def test_the_markup_shows_as_text_where_it_was_written(hostile):
    page = soup(hostile / "hostile.html")
    assert "Hostile <img src=x onerror=\"alert('page title')\"> markup" in _text(page.title)
    assert _shows("A section <svg onload=\"alert('section')\"></svg>", page.find("h2"))
    assert "<script>alert(\"block script\")</script>" in _text(page)
    assert "Term <img src=x onerror=\"alert('term')\">" in _text(page.find("dt", id=re.compile("^term-")))
    assert "A caption <img src=x onerror=\"alert('caption')\">" in _text(page.find("figcaption"))
    assert "<img src=x onerror=\"alert('cell')\">" in _text(page.find("table"))
    assert "a comment shows nothing" not in page.get_text()
    # The navigation of every page names the page with its markup as text.
    for other in _pages(hostile):
        if "slides" in other.relative_to(hostile).parts or other.name == "404.html":
            continue
        sidebar = soup(other).select_one(".sidebar-tree")
        assert "Hostile <img src=x onerror=\"alert('page title')\"> markup" in _text(sidebar), other
        assert "Pages <img src=x onerror=\"alert('toctree caption')\">" in _text(sidebar), other
    # The search index holds it as a title, which the search page writes as text.
    index = (hostile / "searchindex.js").read_text(encoding="utf-8")
    titles = json.loads(index[index.index("(") + 1: index.rindex(")")])["titles"]
    assert "Hostile <img src=x onerror=\"alert('page title')\"> markup" in titles
    # The link preview, an attribute's value: text.
    preview = page.find("meta", property="og:description")["content"]
    assert "<img src=\"x\" onerror=\"alert('inline')\">" in preview


def test_the_deck_shows_its_markup_as_text(hostile):
    deck = soup(hostile / "slides" / "index.html")
    assert "Tea <img src=x onerror=\"alert('slide title')\">" in _text(deck.find("h1"))
    assert _shows("How to brew <svg onload=\"alert('slide heading')\"></svg>", deck.find("h2"))
    notes = " ".join(_text(aside) for aside in deck.select("aside.notes"))
    assert "<img src=x onerror=\"alert('notes')\">" in notes and "<script>alert" in notes


def test_the_allowed_tags_keep_only_their_title_and_lang(hostile):
    paragraph = next(p for p in soup(hostile / "hostile.html").find_all("p") if "Press" in p.get_text())
    assert [(k.get_text(), k.attrs) for k in paragraph.find_all("kbd")] == [("S", {}), ("N", {})]
    assert [(a.get_text(), a.attrs) for a in paragraph.find_all("abbr")] == [("HTML", {"title": "HyperText"})]
    # A start tag that nothing ends shows as text.
    assert paragraph.find("code").get_text() == "<kbd>"


# -- What a build refuses, with a warning ---------------------------------------------------------


def _build(tmp_path: Path, builder: str, page: str, conf: str = "") -> tuple[Path, list[str]]:
    """One page built alone: the output folder, and the warnings."""
    root = tmp_path / "talk"
    root.mkdir()
    deck = builder == "revealjs"
    (root / "conf.py").write_text(textwrap.dedent(f"""\
        extensions = ["myst_parser", "talkbook"]
        exclude_patterns = ["_build", "other"]
        talkbook_deck_srcdir = "{'.' if deck else 'other'}"
        talkbook_handbook_srcdir = "{'other' if deck else '.'}"
        talkbook_require_notes = False
    """) + conf, encoding="utf-8")
    (root / "other").mkdir()
    (root / "index.md").write_text(page, encoding="utf-8")
    app = SphinxTestApp(builder, srcdir=root, builddir=tmp_path / "build")
    try:
        app.build()
        return Path(app.outdir), warnings(app)
    finally:
        app.cleanup()


def test_a_table_of_contents_entry_that_runs_code_is_left_out(tmp_path):
    outdir, said = _build(tmp_path, "html", "# Home\n\n```{toctree}\nOut <javascript://%0aalert(1)>\n```\n")
    assert len(said) == 1 and "toctree entry 'javascript://%0aalert(1)'" in said[0] and ":3:" in said[0], said
    assert unsafe_in(soup(outdir / "index.html")) == []
    assert "javascript" not in (outdir / "index.html").read_text(encoding="utf-8")


def test_a_refresh_in_the_page_metadata_is_left_out(tmp_path):
    page = "---\nmyst:\n  html_meta:\n    http-equiv=refresh: 0; url=https://elsewhere.example.org/\n---\n# Home\n"
    outdir, said = _build(tmp_path, "html", page)
    assert len(said) == 1 and "<meta http-equiv='refresh'> is left out" in said[0], said
    assert not soup(outdir / "index.html").find("meta", attrs={"http-equiv": True})


def test_slide_attributes_and_settings_cannot_end_their_quotes_or_their_script(tmp_path):
    page = textwrap.dedent("""\
        (title)=
        # Title

        ```{revealjs-slide}
        :conf: {"transition": "</script><script>alert(3)</script>"}
        ```

        (two)=
        ## Two

        ```{revealjs-section}
        :data-background-color: red" onmouseover="alert(1)
        :data-background-iframe: javascript:alert(2)
        :data-transition: fade
        ```

        Text.
        """)
    outdir, said = _build(tmp_path, "revealjs", page)
    assert len(said) == 2 and all("slide attribute data-background-" in line for line in said), said
    deck = soup(outdir / "index.html")
    # The settings' text is data in the theme's script, not a script of its own.
    assert [f for f in unsafe_in(deck) if not f.startswith("<script>")] == []
    assert not [s for s in deck.find_all("script") if s.get_text().strip().startswith("alert")]
    section = deck.find("section", id="two")
    assert section["data-transition"] == "fade" and not section.get("data-background-iframe")
    config = next(s for s in deck.find_all("script") if "revealjsConfig" in s.get_text()).get_text()
    assert "</script>" not in config and "\\u003c/script\\u003e" in config


def test_script_settings_of_a_slide_are_refused(tmp_path):
    page = '(title)=\n# Title\n\n```{revealjs-slide}\n{"dependencies": [{"src": "evil.js"}]}\n```\n'
    outdir, said = _build(tmp_path, "revealjs", page)
    assert any("{revealjs-slide} settings must be a JSON object" in line for line in said), said
    assert "evil.js" not in (outdir / "index.html").read_text(encoding="utf-8")


def test_only_harmless_tags_may_be_allowed(tmp_path):
    with pytest.raises(ConfigError, match="talkbook_raw_html_tags names 'script', which cannot be allowed"):
        _build(tmp_path, "html", "# Home\n", 'talkbook_raw_html_tags = ["kbd", "script"]\n')


# -- The diagrams' allow-list, fuzzed -------------------------------------------------------------

SVG = "http://www.w3.org/2000/svg"
ELEMENTS = ["svg", "g", "rect", "text", "path", "use", "style", "title", "marker", "lineargradient",
            "script", "SCRIPT", "Script", "a", "A", "set", "animate", "animateTransform", "foreignObject",
            "iframe", "image", "feImage", "handler", "listener", "discard"]
ATTRIBUTES = ["x", "fill", "stroke", "class", "id", "style", "d", "viewBox", "href", "HREF", "xlink:href",
              "onload", "OnClick", "onbegin", "attributeName", "to", "values", "from", "begin", "target",
              "marker-end", "clip-path", "mask"]
VALUES = ["red", "#a", "url(#a)", "javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\tscript:alert(1)",
          " javascript:alert(1)", "data:text/html,<script>alert(1)</script>", "url(javascript:alert(1))",
          "url(data:image/svg+xml,x)", "href", "xlink:href", "0", "alert(1)", "background:url(https://x)",
          "@import 'x'", "expression(alert(1))", "\\6a avascript:x", "&#106;avascript:x"]


@pytest.mark.parametrize("svg", [
    '<svg xmlns="http://www.w3.org/2000/svg"><SCRIPT>alert(1)</SCRIPT></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a HREF="javascript:alert(1)"><text>Click</text></a></svg>',
    '<svg xmlns="http://www.w3.org/2000/svg"><a><set attributeName="href" to="javascript:alert(1)"/>'
    '<text>Click</text></a></svg>',
])
def test_the_diagrams_that_ran_script_are_refused(tmp_path, svg):
    from talkbook.diagrams import DiagramError, load_svg

    path = tmp_path / "diagram.svg"
    path.write_text(svg, encoding="utf-8")
    with pytest.raises(DiagramError, match="which a diagram may not hold"):
        load_svg(path, "A diagram")


@st.composite
def svg_documents(draw, depth: int = 3) -> str:
    def element(level: int) -> str:
        name = draw(st.sampled_from(ELEMENTS))
        attrs = draw(st.dictionaries(st.sampled_from(ATTRIBUTES), st.sampled_from(VALUES), max_size=3))
        shown = "".join(f' {k}="{ET_escape(v)}"' for k, v in attrs.items())
        children = "" if level >= depth else "".join(element(level + 1) for _ in range(draw(st.integers(0, 2))))
        text = draw(st.sampled_from(["", "label", "alert(1)", "</svg><script>alert(1)</script>"]))
        return f"<{name}{shown}>{ET_escape(text)}{children}</{name}>"

    return f'<svg xmlns="{SVG}" xmlns:xlink="http://www.w3.org/1999/xlink">{element(1)}</svg>'


def ET_escape(text: str) -> str:  # noqa: N802 - what ElementTree's escaping does, for attribute values
    return text.replace("&", "&amp;").replace("<", "&lt;").replace('"', "&quot;")


def _browser_view(svg: str) -> BeautifulSoup:
    """The SVG as a browser's HTML parser sees it inside a page: names in lowercase."""
    return BeautifulSoup(f"<html><body>{svg}</body></html>", "html.parser")


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(document=svg_documents())
def test_whatever_the_diagram_check_lets_through_runs_nothing(tmp_path, document):
    from talkbook.diagrams import ELEMENTS as ALLOWED
    from talkbook.diagrams import DiagramError, load_svg

    path = tmp_path / "fuzz.svg"
    path.write_text(document, encoding="utf-8")
    try:
        svg = load_svg(path, "A diagram")
    except DiagramError:
        return  # refused, with a message
    page = _browser_view(svg)
    for tag in page.find_all(True):
        if tag.name in ("html", "body"):
            continue
        assert tag.name in ALLOWED, (document, svg)
        for name, value in tag.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            plain = re.sub(r"[\x00-\x20]", "", value).lower()
            assert not name.startswith("on"), (document, svg)
            assert "javascript:" not in plain and "data:" not in plain, (document, svg)
            if name.endswith("href"):
                assert value.startswith("#"), (document, svg)
            for ref in re.findall(r"url\(([^)]*)\)", plain):
                assert ref.strip("'\"").startswith("#"), (document, svg)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(shapes=st.lists(st.tuples(st.sampled_from(["rect", "circle", "path", "text", "g", "use"]),
                                 st.sampled_from(["fill", "stroke", "class", "x", "transform", "href"]),
                                 st.sampled_from(["red", "#a", "url(#a)", "translate(1 2)", "0"])), max_size=6))
def test_a_plain_diagram_passes_the_check(tmp_path, shapes):
    from talkbook.diagrams import load_svg

    inner = "".join(f'<{name} {attr}="{"#a" if attr == "href" else value}"/>' for name, attr, value in shapes
                    if attr != "href" or name == "use")
    path = tmp_path / "plain.svg"
    path.write_text(f'<svg xmlns="{SVG}"><defs><marker id="a"/></defs>{inner}</svg>', encoding="utf-8")
    root = ET.fromstring(load_svg(path, "A plain diagram"))
    assert root.get("aria-label") == "A plain diagram"
