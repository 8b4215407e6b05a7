"""-j where it pays (talkbook.parallel): workers for many pages, none for a few."""

from __future__ import annotations

import shutil
import time

import pytest


@pytest.fixture
def project(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-navigation", src)
    seen: list[tuple[str, object]] = []

    def build():
        app = make_app("html", srcdir=src, builddir=tmp_path / "out", parallel=2)
        app.connect("env-updated", lambda app, env: seen.append(("read", app.parallel)))
        app.connect("write-started", lambda app, builder: seen.append(("write", builder.parallel_ok)),
                    priority=950)
        seen.clear()
        app.build()
        return app

    return src, build, seen


def test_many_pages_use_the_workers_a_few_do_not(project):
    src, build, seen = project
    build()
    assert seen == [("read", 2), ("write", True)]  # 12 pages: read and written in parallel
    time.sleep(0.01)
    leaf = src / "guide" / "deeper" / "leaf.md"
    leaf.write_text(leaf.read_text() + "\nOne more line.\n")
    app = build()
    assert seen == [("read", 1), ("write", False)]  # one page: no worker
    assert app.parallel == 2  # given back for the next stage
    assert "One more line." in (app.outdir / "guide" / "deeper" / "leaf.html").read_text()


def test_few_pages_to_read_but_many_to_write_use_the_workers(project):
    src, build, seen = project
    first = build()
    for page in sorted(first.outdir.rglob("*.html"))[:7]:  # to be written again, not read again
        page.unlink()
    app = build()
    assert seen == [("read", 1), ("write", True)]
    assert app.parallel == 2
