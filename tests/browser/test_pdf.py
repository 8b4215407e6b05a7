"""The deck as PDF: `make dist` prints it with Chromium and puts it into the download."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from browser.support import REPO, deck_slides, exported_pages, normalise
from conftest import NAME, run_make


@pytest.fixture(scope="module")
def dist_build(built_site, chromium, tmp_path_factory) -> Path:
    """`make dist` in a copy of the session's build: the shared build stays as `make` left it."""
    builddir = tmp_path_factory.mktemp("dist-build") / "build"
    shutil.copytree(built_site.builddir, builddir, symlinks=True)
    run_make("dist", builddir)
    return builddir


@pytest.fixture(scope="module")
def dist(dist_build) -> Path:
    pdf = dist_build / "dist" / f"{NAME}-slides.pdf"
    assert pdf.is_file()
    return pdf


def test_one_page_per_build_of_a_slide_as_the_talk_was_exported(dist, built_site):
    reader = PdfReader(dist)
    slides = deck_slides(built_site.deck_html)
    expected = [slide["title"] for slide in slides for _build in range(1 + slide["steps"])]
    assert len(reader.pages) == len(expected) == len(exported_pages()) == 27
    for number, (page, title) in enumerate(zip(reader.pages, expected), start=1):
        text = normalise(page.extract_text())
        assert title and title in text, f"page {number} should show {title!r}: {text[:120]!r}"
        box = page.mediabox
        assert float(box.width) > float(box.height), f"page {number} is not landscape"


def test_the_builds_of_the_cloud_slide_add_one_item_a_page(dist):
    texts = [normalise(p.extract_text()) for p in PdfReader(dist).pages[4:8]]
    for item, earlier, later in [("Platform as a service", 0, 1), ("User-oriented online storage", 1, 2),
                                 ("Software as a service", 2, 3)]:
        assert item not in texts[earlier] and item in texts[later], (item, texts)


def test_the_pdf_is_at_the_top_of_the_download(dist, dist_build):
    with zipfile.ZipFile(dist_build / "dist" / f"{NAME}.zip") as archive:
        names = archive.namelist()
        assert f"{NAME}/{dist.name}" in names
        assert archive.read(f"{NAME}/{dist.name}") == dist.read_bytes()
    assert not any(n.endswith(".pdf") for n in names if n != f"{NAME}/{dist.name}")


def _pdf_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "talkbook.pdf", *args], capture_output=True, text=True,
                          cwd=REPO, env=env)


def test_cli_without_a_browser_says_how_to_install_it(built_site, tmp_path):
    env = {**os.environ, "TALKBOOK_CHROMIUM": str(tmp_path / "no-chromium")}
    result = _pdf_cli("--deck", str(built_site.deck_html), "--out", str(tmp_path / "x.pdf"), env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "apt-get install -y chromium" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    # make stops at the browser check, with the same command.
    made = run_make("pdf", tmp_path / "build", f"CHROMIUM={tmp_path / 'no-chromium'}", check=False)
    assert made.returncode != 0 and "apt-get install -y chromium" in made.stdout + made.stderr


def test_cli_without_a_deck_says_to_build_it(tmp_path, chromium):
    result = _pdf_cli("--deck", str(tmp_path / "missing.html"), "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert result.stderr == f"error: {tmp_path / 'missing.html'} does not exist: build the deck first (make site).\n"
