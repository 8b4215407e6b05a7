"""Rebuilds do only what a change needs, and never less: the Makefile's up-to-date
checks, the two builds side by side, and the site put together from what changed.

No timing here (the targets live in bench/build.py): these tests check that
what is skipped is really unchanged, and that every change still shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from conftest import REPO
from talkbook.audit import audit
from talkbook.site import SiteError, assemble
from test_bad_input import copy_project

FRAGMENT = "source/_shared/why-python.md"
NAME = "get-a-python-job"


# -- talkbook.site: links what is unchanged, audits what is new ---------------------


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def outputs(tmp_path) -> tuple[Path, Path, Path]:
    html, deck = tmp_path / "build" / "html", tmp_path / "build" / "deck"
    _write(html / "index.html", "<html><body><p>Handbook</p></body></html>")
    _write(html / "page.html", "<html><body><p>Page one</p></body></html>")
    _write(html / "_static" / "style.css", "body { color: black; }")
    _write(deck / "index.html", "<html><body><section>Slide</section></body></html>")
    return html, deck, tmp_path / "build" / "site"


def test_reassembly_reuses_unchanged_files_and_copies_changed_ones(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    kept_inode = (site / "_static" / "style.css").stat().st_ino
    time.sleep(0.01)
    _write(html / "page.html", "<html><body><p>Page two</p></body></html>")
    _write(deck / "index.html", "<html><body><section>Slide two</section></body></html>")
    assemble(html, deck, site)
    assert (site / "page.html").read_text() == "<html><body><p>Page two</p></body></html>"
    assert "Slide two" in (site / "slides" / "index.html").read_text()
    assert (site / "_static" / "style.css").stat().st_ino == kept_inode  # linked, not copied
    # The source outputs are never linked: a later build writing them in place
    # must not change the published site.
    assert (html / "page.html").stat().st_ino != (site / "page.html").stat().st_ino
    assert (html / "_static" / "style.css").stat().st_ino != kept_inode


def test_a_changed_file_is_audited_even_when_a_site_exists(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    time.sleep(0.01)
    _write(html / "page.html", '<html><body><script src="https://tracker.example.org/t.js"></script></body></html>')
    with pytest.raises(SiteError, match="tracker.example.org"):
        assemble(html, deck, site)
    assert (site / "page.html").read_text() == "<html><body><p>Page one</p></body></html>"


def test_an_old_site_without_our_audit_record_is_not_reused(outputs):
    html, deck, site = outputs
    assemble(html, deck, site)
    # A site file that differs from its source but has its size and time: linked
    # if the old site were trusted. Without the record of our audit, it is not.
    source = html / "page.html"
    planted = '<img src="https://tracker.example.org/p.gif">'
    planted = planted.ljust(len(source.read_text()))[: len(source.read_text())]
    (site / "page.html").unlink()
    _write(site / "page.html", planted)
    shutil.copystat(source, site / "page.html")
    site.with_name(f".{site.name}.audited").unlink()
    assemble(html, deck, site)
    assert (site / "page.html").read_text() == source.read_text()


def test_the_audit_reads_repeated_lines_once_and_still_finds_everything(tmp_path):
    site = tmp_path / "site"
    sidebar = "".join(f'<li><a href="p{i}.html">Page {i}</a></li>\n' for i in range(50))
    for i in range(5):  # the same sidebar lines on every page, as furo writes them
        _write(site / f"p{i}.html", f"<html><body><ul>\n{sidebar}</ul>\n<p>Page {i}</p>\n</body></html>\n")
    evil = "https://tracker.example.org"
    # Each file (read in this order) holds a line seen before, in another context.
    _write(site / "a.html", f'<p>\n  src="{evil}/a.png">\n</p>\n')  # text: loads nothing
    _write(site / "b.html", f'<img alt="x"\n  src="{evil}/a.png">\n')  # the same line, in a tag
    _write(site / "c.html", f'<style>\n.x {{ background: url(\n  "{evil}/c.png") }}\n</style>\n')
    _write(site / "d.html", f'<!--\n<img src="{evil}/d.png">\n-->\n')  # a comment loads nothing
    _write(site / "e.html", f'<img src="{evil}/d.png">\n')  # the same line, outside the comment
    _write(site / "f.html", f'<p>x</p>\n<style>.y {{ background: url("{evil}/f.png") }}')  # never closed
    _write(site / "g.html", '<img src="https:&#47;&#47;tracker.example.org/g.png">\n')  # "//" spelt otherwise
    found = sorted((f.path, f.what) for f in audit(site, []))
    assert found == [
        ("b.html", f'loads <img src="{evil}/a.png"> from another host'),
        ("c.html", f"loads <style> {evil}/c.png from another host"),
        ("e.html", f'loads <img src="{evil}/d.png"> from another host'),
        ("f.html", f"loads <style> {evil}/f.png from another host"),
        ("g.html", f'loads <img src="{evil}/g.png"> from another host'),
    ]


# -- python -m talkbook.build ... --and ...: side by side, reported in order ---------


def _tiny_project(root: Path, text: str) -> Path:
    _write(root / "conf.py", 'extensions = ["myst_parser"]\n')
    _write(root / "index.md", text)
    return root


def test_builds_side_by_side_all_succeed(tmp_path):
    one = _tiny_project(tmp_path / "one", "# One\n\nFirst.\n")
    two = _tiny_project(tmp_path / "two", "# Two\n\nSecond.\n")
    result = subprocess.run(
        [sys.executable, "-m", "talkbook.build", "-b", "html", "-q", str(one), str(tmp_path / "out1"),
         "--and", "-b", "html", "-q", str(two), str(tmp_path / "out2")],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode == 0, result.stderr
    assert "First." in (tmp_path / "out1" / "index.html").read_text()
    assert "Second." in (tmp_path / "out2" / "index.html").read_text()


def test_a_failed_build_silences_the_builds_after_it(tmp_path):
    bad = _tiny_project(tmp_path / "bad", "# Bad\n\n```{no-such-directive}\n```\n")
    also_bad = _tiny_project(tmp_path / "also-bad", "# Also bad\n\n```{another-unknown}\n```\n")
    result = subprocess.run(
        [sys.executable, "-m", "talkbook.build", "-b", "html", "-W", "-q", str(bad), str(tmp_path / "out1"),
         "--and", "-b", "html", "-W", "-q", str(also_bad), str(tmp_path / "out2")],
        capture_output=True, text=True, cwd=REPO,
    )
    assert result.returncode != 0
    assert "no-such-directive" in result.stderr
    assert "another-unknown" not in result.stderr  # reported once, as if the builds ran in turn


# -- make: up-to-date checks ----------------------------------------------------------


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Path:
    project = copy_project(tmp_path_factory.mktemp("incremental") / "project")
    assert make(project).returncode == 0
    return project


def make(project: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), "all", *args,
         f"VENVDIR={REPO / '.venv'}", f"BUILDDIR={project / '_build'}", "SOURCE_DATE_EPOCH=1700000000"],
        capture_output=True, text=True,
    )


def ran_sphinx(result: subprocess.CompletedProcess) -> bool:
    return "talkbook.build" in result.stdout


def in_zip(project: Path, member: str) -> str:
    with zipfile.ZipFile(project / "_build" / "dist" / f"{NAME}.zip") as zf:
        return zf.read(f"{NAME}/{member}").decode("utf-8")


def test_nothing_changed_nothing_runs(project):
    result = make(project)
    assert result.returncode == 0, result.stderr
    assert not ran_sphinx(result) and "talkbook.site" not in result.stdout, result.stdout


def test_a_changed_fragment_shows_in_both_outputs_and_the_download(project):
    fragment = project / FRAGMENT
    fragment.write_text(fragment.read_text(encoding="utf-8") + "\n- Fragment edit 1\n", encoding="utf-8")
    result = make(project)
    assert result.returncode == 0, result.stderr
    site = project / "_build" / "site"
    assert "Fragment edit 1" in (site / "slides" / "index.html").read_text(encoding="utf-8")
    assert "Fragment edit 1" in (site / "explanation" / "python.html").read_text(encoding="utf-8")
    assert "Fragment edit 1" in in_zip(project, "slides/index.html")
    assert "Fragment edit 1" in in_zip(project, "explanation/python.html")


def test_a_file_put_back_with_an_old_mtime_is_a_change(project, tmp_path):
    fragment = project / FRAGMENT
    saved = tmp_path / "saved.md"
    shutil.copy2(fragment, saved)  # keeps its (old) modification time
    fragment.write_text(fragment.read_text(encoding="utf-8") + "\n- Fragment edit 2\n", encoding="utf-8")
    assert make(project).returncode == 0
    shutil.copy2(saved, fragment)  # back, with the old mtime
    result = make(project)
    # make sees the change (by ctime) and runs the builds; which pages Sphinx
    # then reads again is its own decision (by mtime).
    assert result.returncode == 0 and ran_sphinx(result), result.stdout


def test_a_removed_output_is_built_again(project):
    shutil.rmtree(project / "_build" / "deck")
    result = make(project)
    assert result.returncode == 0 and ran_sphinx(result), result.stdout
    assert (project / "_build" / "deck" / "index.html").is_file()


def test_a_removed_site_is_put_together_again(project):
    shutil.rmtree(project / "_build" / "site")
    result = make(project)
    assert result.returncode == 0, result.stderr
    assert not ran_sphinx(result)
    assert (project / "_build" / "site" / "slides" / "index.html").is_file()


def test_a_new_epoch_makes_a_new_download(project):
    result = subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), "all", f"VENVDIR={REPO / '.venv'}",
         f"BUILDDIR={project / '_build'}", "SOURCE_DATE_EPOCH=1800000000"],
        capture_output=True, text=True,
    )
    assert result.returncode == 0, result.stderr
    assert not ran_sphinx(result) and "talkbook.site" in result.stdout
    with zipfile.ZipFile(project / "_build" / "dist" / f"{NAME}.zip") as zf:
        assert zf.infolist()[0].date_time[0] == time.gmtime(1800000000).tm_year
    assert make(project).returncode == 0  # and back, for the tests after this one


def test_sphinxopts_always_build(project):
    result = make(project, "SPHINXOPTS=-T")
    assert result.returncode == 0 and ran_sphinx(result), result.stdout


def test_a_new_page_is_a_change(project):
    page = project / "source" / "how-to" / "_draft.md"  # excluded by conf.py: the build must still pass
    page.write_text("# Draft\n", encoding="utf-8")
    try:
        result = make(project)
        assert result.returncode == 0 and ran_sphinx(result), result.stdout
    finally:
        page.unlink()


def test_a_build_with_much_to_say_does_not_hang_the_others(tmp_path):
    # Far more warnings than a pipe holds, from the first build: both pipes are read at once.
    noisy = _tiny_project(tmp_path / "noisy", "# Noisy\n\n" + "".join(f"{{unknown-role-{i}}}`x`\n\n" for i in range(3000)))
    quiet = _tiny_project(tmp_path / "quiet", "# Quiet\n\nText.\n")
    result = subprocess.run(
        [sys.executable, "-m", "talkbook.build", "-b", "html", "-q", str(noisy), str(tmp_path / "out1"),
         "--and", "-b", "html", "-q", str(quiet), str(tmp_path / "out2")],
        capture_output=True, text=True, cwd=REPO, timeout=120,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stderr.count("unknown-role-") >= 3000
    assert (tmp_path / "out2" / "index.html").is_file()


def test_theme_templates_compiled_once_give_the_same_pages(make_app, rootdir, tmp_path):
    from talkbook.jinjacache import FOLDER

    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-navigation", src)
    first = make_app("html", srcdir=src, builddir=tmp_path / "one")
    first.build()
    cached = sorted((first.doctreedir / FOLDER).iterdir())
    assert cached  # furo's templates, compiled
    again = make_app("html", srcdir=src, builddir=tmp_path / "one", freshenv=True)
    again.build(force_all=True)  # every page written again, from the compiled templates
    fresh = make_app("html", srcdir=src, builddir=tmp_path / "two")
    fresh.build()
    pages = sorted(p.relative_to(fresh.outdir) for p in fresh.outdir.rglob("*.html"))
    assert pages
    for page in pages:
        assert (again.outdir / page).read_bytes() == (fresh.outdir / page).read_bytes(), page


def test_the_audit_line_by_line_finds_what_a_whole_page_read_finds():
    # The same parser fed each page whole is the reference; pages are made of
    # pieces that open and close tags, comments, styles and scripts across lines.
    import random

    from talkbook.audit import _AssetParser, _remote_in_page

    evil, local = "https://tracker.example.org/x.png", "_static/x.png"
    pieces = [
        '<li class="toctree-l2"><a class="reference internal" href="page.html">Page</a></li>\n',
        f'<img src="{local}">\n', f'<img src="{evil}">\n', f'<img alt="a>b" src="{evil}">\n',
        "<img\n", f'  src="{evil}">\n', f'  src="{local}">\n', "<!--\n", "-->\n",
        "<style>\n", f".a {{ background: url({evil}) }}\n", f".b {{ background: url({local}) }}\n", "</style>\n",
        "<script>\n", "// a comment in a script\n", f'var s = "<img src=\\"{evil}\\">";\n', "</script>\n",
        '<img src="https:&#47;&#47;tracker.example.org/y.png">\n', "<p>Q&A, 1 < 2 > 0</p>\n",
        f'<div style="background: url({evil})">\n', "</div>\n", f'<a href="{evil}">a link, not a load</a>\n',
        f'<link rel="stylesheet" href="{evil}">\n', "text with // in it\n", "<p>plain</p>\n",
    ]
    rng = random.Random(20131105)
    clean: set[str] = set()
    for _ in range(400):
        page = "".join(rng.choice(pieces) for _ in range(rng.randint(1, 25)))
        whole = _AssetParser()
        whole.feed(page)
        whole.close()
        assert _remote_in_page(page, clean) == whole.remote, page
