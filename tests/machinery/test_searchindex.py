"""The handbook's search index after a rebuild is the one a clean build writes.

Two tests show what Sphinx 9.0 does alone; they fail once Sphinx no longer
does it, and talkbook.incremental's work on the index can then go.
"""

from __future__ import annotations

import json
import shutil

import pytest

SEARCH_INDEX = "searchindex.js"


def index_of(app) -> dict:
    text = (app.outdir / SEARCH_INDEX).read_text(encoding="utf-8")
    return json.loads(text[text.index("(") + 1: text.rindex(")")])


@pytest.fixture
def project(tmp_path, rootdir):
    root = tmp_path / "searchindex"
    shutil.copytree(rootdir / "test-searchindex", root)
    return root


def build(make_app, srcdir, builddir, **kwargs):
    app = make_app("html", srcdir=srcdir, builddir=builddir, **kwargs)
    app.build()
    app.cleanup()
    return app


def edit(project, text="This page was edited."):
    page = project / "changing.md"
    page.write_text(page.read_text().replace("This page is edited between builds.", text))


SPHINX_ALONE = {"extensions": ["myst_parser"]}


def test_sphinx_alone_drops_the_entries_of_pages_it_does_not_write(make_app, project, tmp_path):
    # sphinx-doc/sphinx#12599: entries are kept only while their page is written.
    first = build(make_app, project, tmp_path / "out", confoverrides=SPHINX_ALONE)
    assert "change-id" in index_of(first)["indexentries"]
    edit(project)
    again = build(make_app, project, tmp_path / "out", confoverrides=SPHINX_ALONE)
    assert "change-id" not in index_of(again)["indexentries"]


def test_sphinx_alone_keeps_a_word_no_page_has_any_more(make_app, project, tmp_path):
    build(make_app, project, tmp_path / "out", confoverrides=SPHINX_ALONE)
    edit(project, "This page was rewritten.")  # "edited" is gone from every page
    again = build(make_app, project, tmp_path / "out", confoverrides=SPHINX_ALONE)
    assert index_of(again)["terms"]["edit"] == []


@pytest.mark.parametrize("change", ["nothing", "a page", "a removed page"])
def test_a_rebuild_writes_the_index_of_a_clean_build(make_app, project, tmp_path, change):
    build(make_app, project, tmp_path / "out")
    if change == "a page":
        edit(project, "This page was rewritten.")
    elif change == "a removed page":
        (project / "changing.md").unlink()
        (project / "index.md").write_text((project / "index.md").read_text().replace("changing\n", ""))
    again = build(make_app, project, tmp_path / "out")
    clean = build(make_app, project, tmp_path / "clean")
    assert index_of(again) == index_of(clean)
    assert (again.outdir / SEARCH_INDEX).read_bytes() == (clean.outdir / SEARCH_INDEX).read_bytes()
    assert "change-id" in index_of(again)["indexentries"]
    assert (again.outdir / "changing.html").exists() == (change != "a removed page")
