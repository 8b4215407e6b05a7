"""The deck as PDF, and its handout: `make dist` prints both with Chromium and puts them into the download."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pypdf import PdfReader

from content.seed import exported_pages
from talkbook.testing import SITE_URL, deck_slides, make, pdf_text, plain as normalise

NAME = "get-a-python-job"


@pytest.fixture(scope="module")
def dist_build(built_site, chromium, tmp_path_factory) -> Path:
    """`make dist` in a copy of the session's build: the shared build stays as `make` left it."""
    builddir = tmp_path_factory.mktemp("dist-build") / "build"
    shutil.copytree(built_site.builddir, builddir, symlinks=True)
    result = make(built_site.talk, "dist", builddir=builddir, TALKBOOK_SITE_URL=SITE_URL)
    assert result.returncode == 0, result.stdout + result.stderr
    return builddir


@pytest.fixture(scope="module")
def dist(dist_build) -> Path:
    pdf = dist_build / "dist" / f"{NAME}-slides.pdf"
    assert pdf.is_file()
    return pdf


def test_one_page_per_build_of_a_slide_as_the_talk_was_exported(dist, built_site):
    reader = PdfReader(dist)
    slides = deck_slides(built_site.deck_html)
    expected = [slide.title for slide in slides for _build in range(1 + slide.steps)]
    assert len(reader.pages) == len(expected) == len(exported_pages()) == 27
    for number, (page, title) in enumerate(zip(reader.pages, expected), start=1):
        text = pdf_text(page)
        assert title and title in text, f"page {number} should show {title!r}: {text[:120]!r}"
        box = page.mediabox
        assert float(box.width) > float(box.height), f"page {number} is not landscape"


def test_the_builds_of_the_other_cloud_slide_add_one_item_a_page(dist):
    # Pages 6 to 8 of the export: Platform as a service, then one more item a page.
    texts = [pdf_text(p) for p in PdfReader(dist).pages[5:8]]
    assert all("Platform as a service" in text for text in texts), texts
    for item, earlier, later in [("User-oriented online storage", 0, 1), ("Software as a service", 1, 2)]:
        assert item not in texts[earlier] and item in texts[later], (item, texts)


def test_the_pdf_is_at_the_top_of_the_download(dist, dist_build):
    with zipfile.ZipFile(dist_build / "dist" / f"{NAME}.zip") as archive:
        names = archive.namelist()
        assert f"{NAME}/{dist.name}" in names
        assert archive.read(f"{NAME}/{dist.name}") == dist.read_bytes()
    pdfs = sorted(n for n in names if n.endswith(".pdf"))
    assert pdfs == [f"{NAME}/{NAME}-handout.pdf", f"{NAME}/{dist.name}"]


@pytest.fixture(scope="module")
def handout(dist_build) -> Path:
    pdf = dist_build / "dist" / f"{NAME}-handout.pdf"
    assert pdf.is_file()
    return pdf


def test_the_handout_has_each_slide_once_then_its_notes(handout, built_site):
    from bs4 import BeautifulSoup

    deck = BeautifulSoup(built_site.deck_html.read_text(encoding="utf-8"), "html.parser")
    slides = deck_slides(built_site.deck_html)
    notes = [normalise(aside.get_text(" ")) for aside in deck.select("aside.notes")]
    pages = [pdf_text(page) for page in PdfReader(handout).pages]
    # A page a slide, its fragments all shown, and a page for its notes.
    assert len(pages) == len(slides) + len(notes)
    text = " ".join(pages)
    for note in notes:
        assert note and note in text, f"the handout lacks the notes {note[:80]!r}"
    assert "Software as a service" in text and "Platform as a service" in text


def test_the_handout_is_at_the_top_of_the_download(handout, dist_build):
    with zipfile.ZipFile(dist_build / "dist" / f"{NAME}.zip") as archive:
        assert archive.read(f"{NAME}/{handout.name}") == handout.read_bytes()
