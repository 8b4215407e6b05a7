"""The handbook's sidebar, computed once per folder (talkbook.navigation): the
same bytes furo writes, page for page, and furo's own work where unsure."""

from __future__ import annotations

import shutil
import subprocess
import sys

import pytest

from conftest import REPO
from talkbook.navigation import _Unsure, navigation_tree


def _pages(outdir) -> dict[str, str]:
    return {p.relative_to(outdir).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(outdir.rglob("*.html"))}


@pytest.fixture
def both(make_app, rootdir, tmp_path):
    """The test root built with the module, and without (furo alone)."""
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-navigation", src)
    apps = {}
    for fast in (True, False):
        app = make_app("html", srcdir=src, builddir=tmp_path / f"out-{fast}",
                       confoverrides={"talkbook_fast_navigation": fast})
        app.build()
        apps[fast] = app
    return apps


def test_every_page_is_byte_for_byte_what_furo_writes(both):
    fast, furo = _pages(both[True].outdir), _pages(both[False].outdir)
    assert fast.keys() == furo.keys()
    assert "guide/deeper/leaf.html" in fast and "orphan.html" in fast
    for name in fast:
        assert fast[name] == furo[name], name
    # And the sidebar is really there, with the page's branch marked.
    leaf = fast["guide/deeper/leaf.html"]
    assert 'class="current reference internal" href="#"' in leaf
    assert 'href="../../reference/a%26b.html"' in leaf or 'href="../../reference/a&amp;b.html"' in leaf


def test_the_module_does_the_work_for_pages_listed_once(both):
    builder = both[True].builder
    for page in ("index", "guide/index", "guide/first", "guide/deeper/leaf", "hidden",
                 "reference/index", "reference/terms", "reference/a&b", "orphan", "guide/deeper/unlisted"):
        navigation_tree(builder, page)  # no _Unsure: not left to furo
    with pytest.raises(_Unsure):
        navigation_tree(builder, "twice")  # listed twice: furo marks it


def test_the_real_handbook_is_what_furo_writes(built_site, tmp_path):
    out = tmp_path / "furo"
    result = subprocess.run(
        [sys.executable, "-m", "sphinx", "-b", "html", "-q", "-c", ".", "-D", "talkbook_fast_navigation=0",
         "-d", str(tmp_path / "doctrees"), "source", str(out)],
        cwd=REPO, capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    ours = _pages(built_site.builddir / "html")
    assert ours == _pages(out)
