"""The deck builder: slide checks, deep-link ids, Pygments code, pruned reveal.js."""

from __future__ import annotations

import re

from conftest import soup


def _warnings(app) -> list[str]:
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line]


def test_slide_problems_are_reported_with_file_and_line(build_root):
    app = build_root("deck", "revealjs")
    warnings = _warnings(app)
    source = (app.srcdir / "index.md").read_text().splitlines()
    line_of = lambda text: next(i for i, l in enumerate(source, 1) if text in l)  # noqa: E731
    assert any(f"index.md:{line_of('## No label here')}: WARNING: slide 'No label here' has no label" in w
               for w in warnings), warnings
    assert any(f"index.md:{line_of('## No notes here')}: WARNING: slide 'No notes here' has no speaker notes" in w
               for w in warnings), warnings
    assert any("paragraph before the deck's first heading" in w for w in warnings), warnings
    assert len(warnings) == 3, warnings


def test_clean_deck_has_ids_pygments_and_only_used_files(build_root):
    app = build_root("deck-clean", "revealjs")
    assert _warnings(app) == []
    page = soup(app.outdir / "index.html")
    ids = [s.get("id") for s in page.find_all("section") if s.get("id")]
    assert ids == ["start", "code"]
    code = page.find("section", id="code").select_one("div.highlight pre")
    assert code.select_one("span.k").get_text() == "def"  # highlighted at build time
    static = app.outdir / "_static"
    files = sorted(p.relative_to(static).as_posix() for p in static.rglob("*") if p.is_file())
    referenced = set()
    for tag in page.find_all(["link", "script"]):
        ref = tag.get("href") or tag.get("src")
        if ref and ref.startswith("_static/"):
            referenced.add(ref.split("?")[0][len("_static/"):])
    # Every file left is used by the page (licences aside), and every used file is there.
    assert {f for f in files if not f.endswith("LICENSE")} == referenced
    assert "revealjs/LICENSE" in files


def test_deck_page_allows_zoom(build_root):
    app = build_root("deck-clean", "revealjs")
    page = soup(app.outdir / "index.html")
    for meta in page.find_all("meta", attrs={"name": "viewport"}):
        assert "user-scalable=no" not in meta["content"]
        assert "maximum-scale" not in meta["content"]


def test_unchanged_deck_is_not_read_again(build_root):
    # sphinx-revealjs changes two "env" options in place when its builder starts;
    # pickled with the environment, they made every later build read the deck again.
    from sphinx.environment import CONFIG_OK

    build_root("deck-clean", "revealjs")
    again = build_root("deck-clean", "revealjs")
    assert again.env.config_status == CONFIG_OK, again.env.config_status_extra
    assert "0 added, 0 changed, 0 removed" in again.status.getvalue()


def test_a_static_file_pruned_before_comes_back_when_a_page_uses_it(build_root):
    # The next build does not copy what the last one pruned; a page that starts
    # using such a file gets it back.
    first = build_root("deck-clean", "revealjs")
    zoom = first.outdir / "_static" / "revealjs" / "plugin" / "zoom" / "zoom.js"
    assert not zoom.exists()
    plugins = [{"name": "RevealNotes", "src": "revealjs/plugin/notes/notes.js"},
               {"name": "RevealZoom", "src": "revealjs/plugin/zoom/zoom.js"}]
    again = build_root("deck-clean", "revealjs", confoverrides={"revealjs_script_plugins": plugins})
    assert again.outdir == first.outdir
    page = soup(again.outdir / "index.html")
    assert any((tag.get("src") or "").startswith("_static/revealjs/plugin/zoom/zoom.js")
               for tag in page.find_all("script"))
    assert zoom.is_file()
