"""python -m talkbook.tools.site: the published site, only what pages use, audited, with a sitemap."""

from __future__ import annotations

from pathlib import Path

import pytest

from talkbook.tools.audit import audit
from talkbook.tools.site import SiteError, assemble, prune_static



def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def outputs(tmp_path) -> tuple[Path, Path, Path]:
    html, deck = tmp_path / "build" / "html", tmp_path / "build" / "deck"
    write(html / "index.html", '<html><head><link rel="stylesheet" href="_static/style.css"></head>'
                               "<body><p>Handbook</p></body></html>")
    write(html / "_static" / "style.css", "body { background: url(images/paper.png); }")
    write(html / "_static" / "images" / "paper.png", "png")
    write(html / "_static" / "unused.js", "// left over")
    write(html / "_static" / "LICENSE", "a licence for what is kept")
    write(deck / "index.html", '<html><body><section>Slide</section><script src="_static/reveal.js"></script>'
                               "</body></html>")
    write(deck / "_static" / "reveal.js", "// used")
    write(deck / "_static" / "plugin" / "zoom" / "zoom.js", "// not used")
    write(deck / "_static" / "plugin" / "zoom" / "LICENSE", "a licence for what is gone")
    write(deck / "objects.inv", "inventory")
    return html, deck, tmp_path / "build" / "site"


def files(folder: Path) -> set[str]:
    return {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()}


def test_the_site_holds_what_pages_use(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    assert files(site) == {
        "index.html", "_static/style.css", "_static/images/paper.png", "_static/LICENSE",
        "slides/index.html", "slides/_static/reveal.js",
    }


def test_a_failed_audit_keeps_the_old_site(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    write(html / "page.html", '<html><body><script src="https://tracker.example.org/t.js"></script></body></html>')
    with pytest.raises(SiteError, match=r"page.html: loads <script src=\"https://tracker.example.org/t.js\">"):
        assemble(html, deck, site)
    assert not (site / "page.html").exists() and (site / "index.html").is_file()


def test_the_audit_finds_every_way_a_page_loads_from_another_host(tmp_path):
    site = tmp_path / "site"
    evil = "https://tracker.example.org"
    write(site / "a.html", f'<p>\n  src="{evil}/a.png">\n</p>\n')  # text: loads nothing
    write(site / "b.html", f'<img alt="x"\n  src="{evil}/b.png">\n')
    write(site / "c.html", f'<style>\n.x {{ background: url(\n  "{evil}/c.png") }}\n</style>\n')
    write(site / "d.html", f'<!--\n<img src="{evil}/d.png">\n-->\n')  # a comment loads nothing
    write(site / "e.html", f'<p>x</p>\n<style>.y {{ background: url("{evil}/e.png") }}')  # never closed
    write(site / "f.html", '<img src="https:&#47;&#47;tracker.example.org/f.png">\n')  # "//" spelt otherwise
    write(site / "g.html", f'<section data-background-image="{evil}/g.png"></section>')
    write(site / "h.html", f'<a href="{evil}/h.html">a link is not a load</a>')
    write(site / "i.css", f"@import '{evil}/i.css';")
    write(site / "j.html", f"<p>{tmp_path}</p>")  # a path of the build machine
    found = sorted((f.path, f.what) for f in audit(site, [tmp_path]))
    assert found == [
        ("b.html", f'loads <img src="{evil}/b.png"> from another host'),
        ("c.html", f"loads <style> {evil}/c.png from another host"),
        ("e.html", f"loads <style> {evil}/e.png from another host"),
        ("f.html", f'loads <img src="{evil}/f.png"> from another host'),
        ("g.html", f'loads <section data-background-image="{evil}/g.png"> from another host'),
        ("i.css", f"loads url({evil}/i.css) from another host"),
        ("j.html", f"contains the build machine's path {tmp_path}"),
    ]


def test_no_sitemap_without_an_address(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    assert not (site / "sitemap.xml").exists()
    with pytest.raises(SiteError, match="must be an http"):
        assemble(html, deck, site, site_url="talk.example.org")


def test_pruning_follows_stylesheets_that_import_stylesheets(tmp_path):
    site = tmp_path / "site"
    write(site / "index.html", '<link rel="stylesheet" href="_static/a.css">')
    write(site / "_static" / "a.css", '@import "b.css";')
    write(site / "_static" / "b.css", "p { background: url('fonts/x.woff2'); }")
    write(site / "_static" / "fonts" / "x.woff2", "font")
    write(site / "_static" / "fonts" / "y.woff2", "another font")
    prune_static(site)
    assert files(site) == {"index.html", "_static/a.css", "_static/b.css", "_static/fonts/x.woff2"}
