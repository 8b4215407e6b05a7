"""After a rebuild, the search index is the one a full build writes (talkbook.searchindex).

Sphinx alone drops the index entries of every page it does not write again
(sphinx-doc/sphinx#12599): the first test shows it, so that the day Sphinx
fixes it, we learn that our fix can go.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sphinx.search import js_index


@pytest.fixture
def src(tmp_path, rootdir) -> Path:
    folder = tmp_path / "src"
    shutil.copytree(rootdir / "test-searchindex", folder)
    return folder


def index(app) -> dict:
    return js_index.loads((Path(app.outdir) / "searchindex.js").read_text(encoding="utf-8"))


def entries(app) -> dict[str, list[str]]:
    """Index entry -> the pages it points to."""
    frozen = index(app)
    return {entry: [frozen["docnames"][ref[0]] for ref in refs] for entry, refs in frozen["indexentries"].items()}


def build_twice(make_app, src: Path, builddir: Path, edit):
    """Build, *edit*, build again in the same folder: the entries of the first build, the second app."""
    first = make_app("html", srcdir=src, builddir=builddir)
    first.build()
    before = entries(first)
    first.cleanup()  # docutils' registries, as a new process would find them
    edit()
    again = make_app("html", srcdir=src, builddir=builddir)
    again.build()
    assert not again.warning.getvalue()
    return before, again


def fresh_build(make_app, src: Path, builddir: Path):
    app = make_app("html", srcdir=src, builddir=builddir)
    app.build()
    return app


def edit_changing(src: Path):
    def edit() -> None:
        with open(src / "changing.md", "a", encoding="utf-8") as page:
            page.write("\nOne more sentence.\n")

    return edit


def test_sphinx_alone_loses_the_entries_of_pages_it_does_not_write(make_app, src, tmp_path):
    (src / "conf.py").write_text('extensions = ["myst_parser"]\nexclude_patterns = ["_build"]\n')
    before, again = build_twice(make_app, src, tmp_path / "plain", edit_changing(src))
    assert "change-id" in before
    assert "change-id" not in entries(again)  # sphinx-doc/sphinx#12599


def test_a_rebuild_keeps_every_entry(make_app, src, tmp_path):
    before, again = build_twice(make_app, src, tmp_path / "ours", edit_changing(src))
    assert entries(again) == before
    assert entries(again)["change-id"] == ["glossary"]
    assert entries(again)["gerrit"] == entries(again)["core reviewer"] == ["review"]
    assert entries(again)["draft"] == ["changing"]
    again.cleanup()
    fresh = fresh_build(make_app, src, tmp_path / "fresh")
    assert (Path(again.outdir) / "searchindex.js").read_bytes() == (Path(fresh.outdir) / "searchindex.js").read_bytes()


def test_entries_removed_from_a_page_go_and_a_deleted_page_takes_its_entries(make_app, src, tmp_path):
    def edit() -> None:
        glossary = (src / "glossary.md").read_text(encoding="utf-8")
        (src / "glossary.md").write_text(glossary.replace("Patch set\n  One revision of a change under review.\n\n", ""))
        (src / "changing.md").unlink()
        (src / "index.md").write_text((src / "index.md").read_text().replace("changing\n", ""))

    _, again = build_twice(make_app, src, tmp_path / "ours", edit)
    found = entries(again)
    assert "patch set" not in found and "draft" not in found
    assert found["change-id"] == ["glossary"] and found["gerrit"] == ["review"]
    again.cleanup()
    fresh = fresh_build(make_app, src, tmp_path / "fresh")
    assert index(again) == index(fresh)


def test_entries_kept_for_another_index_are_not_used(make_app, src, tmp_path):
    builddir = tmp_path / "ours"

    def edit() -> None:
        edit_changing(src)()
        # The index on disk is not the one the kept entries belong to (written by hand, say).
        searchindex = builddir / "html" / "searchindex.js"
        text = searchindex.read_text(encoding="utf-8")
        searchindex.write_text(text.replace("Search.setIndex({", "Search.setIndex({ ", 1), encoding="utf-8")

    _, again = build_twice(make_app, src, builddir, edit)
    assert "change-id" not in entries(again)  # nothing invented: as Sphinx alone would do
