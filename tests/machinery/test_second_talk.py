"""The machinery is generic: a second talk, with nothing of this one, builds through the same Makefile.

tests/talks/second/ is what README.md's "Start your own talk" describes: its
own conf.py, three slides, two handbook pages, a shared fragment with its
crosslink and a data entry.
"""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from machinery.support import SECOND, build_talk
from talkbook.testing import soup

TALK = SECOND


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    builddir = tmp_path_factory.mktemp("second-talk")
    result = build_talk(TALK, "all", builddir=builddir)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "WARNING" not in result.stderr and "ERROR" not in result.stderr, result.stderr
    return builddir


def test_three_slides_each_named_by_its_label(built):
    deck = soup(built / "site" / "slides" / "index.html")
    assert [s["id"] for s in deck.find_all("section", id=True)] == ["title", "brewing", "leaves"]
    assert deck.select_one("aside.notes").get_text(strip=True) == "Welcome."


def test_the_shared_fragment_and_its_crosslink_go_both_ways(built):
    deck = soup(built / "site" / "slides" / "index.html")
    slide = deck.find("section", id="brewing")
    assert "Three minutes, not more" in slide.get_text()
    assert "a cold pot" not in slide.get_text()  # handbook-only
    read_more = slide.select_one("a.read-more")
    assert read_more["href"] == "../brewing.html#brewing"
    page = soup(built / "site" / "brewing.html")
    assert page.find(id="brewing") is not None
    assert "a cold pot takes the heat out" in page.get_text()
    assert page.select_one("a.on-slide")["href"] == "slides/index.html#/brewing"
    assert soup(built / "site" / "index.html").select_one("a.to-slide")["href"] == "slides/index.html#/title"


def test_the_data_entry_is_in_both_outputs(built):
    for page in (built / "site" / "slides" / "index.html", built / "site" / "brewing.html"):
        link = next(a for a in soup(page).find_all("a") if a.get_text() == "Sencha")
        assert link["href"] == "https://tea.example.org/sencha"


def test_the_download_bears_the_talks_name(built):
    with zipfile.ZipFile(built / "dist" / "tea.zip") as archive:
        names = archive.namelist()
    assert "tea/index.html" in names and "tea/slides/index.html" in names
    assert not [n for n in names if "python" in n.lower() or "openstack" in n.lower()]


def test_the_handout_of_a_deck_in_the_stock_theme_ends_on_its_last_notes(built, chromium, tmp_path):
    # This talk keeps sphinx-revealjs's own theme: reveal.js breaks the page after every
    # page of notes, the last one too, and talkbook's PDF tool takes that last break away.
    from pypdf import PdfReader

    deck = built / "site" / "slides" / "index.html"
    out = tmp_path / "handout.pdf"
    result = subprocess.run([sys.executable, "-m", "talkbook.tools.pdf", "--handout", "--deck", str(deck),
                             "--out", str(out)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    pages = [" ".join(page.extract_text().split()) for page in PdfReader(out).pages]
    slides = soup(deck).select("div.reveal > div.slides > section")
    notes = soup(deck).select("aside.notes")
    assert len(pages) == len(slides) + len(notes), pages
    assert " ".join(notes[-1].get_text(" ").split()) in pages[-1], pages[-1]
