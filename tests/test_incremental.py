"""Rebuilds do only what a change needs, and never less: the two builds side by
side, and the site put together from what changed.

No timing here (the targets live in bench/build.py): these tests check that
what is skipped is really unchanged, and that every change still shows.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import REPO
from talkbook.audit import audit
from talkbook.site import SiteError, assemble

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
    found = sorted((f.path, f.what) for f in audit(site, []))
    assert found == [
        ("b.html", f'loads <img src="{evil}/a.png"> from another host'),
        ("c.html", f"loads <style> {evil}/c.png from another host"),
        ("e.html", f'loads <img src="{evil}/d.png"> from another host'),
        ("f.html", f"loads <style> {evil}/f.png from another host"),
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
