"""Crosslinks between a slide and its handbook section, checked at build time."""

from __future__ import annotations

import re

from machinery.support import warnings
from talkbook.testing import soup


def test_slide_links_to_its_handbook_section(talk):
    app = talk("crosslinks", "deck")
    page = soup(app.outdir / "index.html")
    link = page.find("section", id="shared-topic").select_one("a.read-more")
    # The deck is published in slides/, the handbook at the root.
    assert link["href"] == "../guide/topic.html#shared-topic"
    assert link.get_text() == "Read more in the handbook"


def test_missing_label_is_a_warning_with_file_and_line(talk):
    app = talk("crosslinks", "deck")
    found = warnings(app)
    assert len(found) == 1, found
    match = re.search(r"(\S+_part\.md):(\d+): WARNING: crosslink to 'no-such-section'", found[0])
    assert match, found
    source = (app.srcdir / "_part.md").read_text().splitlines()
    expected = next(i for i, line in enumerate(source, 1) if "{crosslink} no-such-section" in line)
    assert int(match.group(2)) == expected
    assert "Add the label above the matching heading" in found[0]


def test_handbook_section_links_to_its_slide(talk):
    app = talk("crosslinks", "handbook")
    page = soup(app.outdir / "guide" / "topic.html")
    assert page.select_one("a.on-slide")["href"] == "../slides/index.html#/shared-topic"
    inline = soup(app.outdir / "index.html").select_one("a.to-slide")
    assert inline["href"] == "slides/index.html#/opening" and inline.get_text() == "first slide"
    assert warnings(app) == []
    # Speaker notes are slide-only: not in the handbook.
    assert "Notes for the speaker" not in page.get_text()


def test_handbook_pages_read_again_when_deck_labels_change(talk, tmp_path):
    assert warnings(talk("crosslinks", "handbook")) == []
    part = tmp_path / "crosslinks" / "slides" / "_part.md"
    part.write_text(part.read_text().replace("(shared-topic)=", "(renamed-topic)="))
    again = talk("crosslinks", "handbook")
    assert any("crosslink to 'shared-topic': the deck has no label (shared-topic)=" in w for w in warnings(again))


def test_a_role_pointing_at_its_own_side_is_a_warning(talk, tmp_path):
    talk("crosslinks", "handbook")
    page = tmp_path / "crosslinks" / "guide" / "topic.md"
    page.write_text(page.read_text() + "\nSee {handbook}`this page <shared-topic>`.\n")
    found = warnings(talk("crosslinks", "handbook"))
    assert len(found) == 1 and "{handbook} points at the handbook, but this page is in the handbook" in found[0]
    assert "topic.md:" in found[0]
