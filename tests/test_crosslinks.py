"""Crosslinks between a slide and its handbook section, checked at build time."""

from __future__ import annotations

import re

from conftest import soup


def test_slide_links_to_its_handbook_section(build_root):
    app = build_root("crosslinks", "revealjs", "slides")
    page = soup(app.outdir / "index.html")
    slide = page.find("section", id="shared-topic")
    link = slide.select_one("a.read-more")
    # The deck is published in slides/, the handbook at the root.
    assert link["href"] == "../guide/topic.html#shared-topic"
    assert link.get_text() == "Read more in the handbook"


def test_missing_label_is_a_warning_with_file_and_line(build_root):
    app = build_root("crosslinks", "revealjs", "slides")
    warnings = app.warning.getvalue()
    match = re.search(r"(\S+_part\.md):(\d+): WARNING: crosslink to 'no-such-section'", warnings)
    assert match, warnings
    source = (app.srcdir / "_part.md").read_text().splitlines()
    expected = next(i for i, line in enumerate(source, 1) if "{crosslink} no-such-section" in line)
    assert int(match.group(2)) == expected
    assert "Add the label above the matching heading" in warnings
    assert len(warnings.strip().splitlines()) == 1


def test_handbook_section_links_to_its_slide(build_root):
    app = build_root("crosslinks", "html")
    page = soup(app.outdir / "guide" / "topic.html")
    link = page.select_one("a.on-slide")
    assert link["href"] == "../slides/index.html#/shared-topic"
    index = soup(app.outdir / "index.html")
    inline = index.select_one("a.to-slide")
    assert inline["href"] == "slides/index.html#/opening" and inline.get_text() == "first slide"
    assert app.warning.getvalue() == ""
    # Speaker notes are slide-only: not in the handbook.
    assert "Notes for the speaker" not in page.get_text()


def test_handbook_pages_rewritten_when_deck_labels_change(build_root, tmp_path):
    app = build_root("crosslinks", "html")
    assert app.warning.getvalue() == ""
    part = tmp_path / "crosslinks" / "slides" / "_part.md"
    part.write_text(part.read_text().replace("(shared-topic)=", "(renamed-topic)="))
    again = build_root("crosslinks", "html")
    assert "crosslink to 'shared-topic': the deck has no label (shared-topic)=" in again.warning.getvalue()


def test_label_scan_is_kept_between_builds_and_sees_every_change(tmp_path):
    import shutil
    from types import SimpleNamespace

    from talkbook.crosslinks import _LabelCache, scan_labels

    folder = tmp_path / "handbook"
    folder.mkdir()
    page = folder / "page.md"
    page.write_text("(first)=\n# First\n", encoding="utf-8")
    app = SimpleNamespace(config=SimpleNamespace(myst_enable_extensions=["colon_fence"]),
                          doctreedir=str(tmp_path / "doctrees"))
    assert set(scan_labels(app, folder, [])) == {"first"}
    assert (tmp_path / "doctrees" / _LabelCache.NAME).is_file()
    saved = tmp_path / "saved.md"
    shutil.copy2(page, saved)
    page.write_text("(second)=\n# First\n", encoding="utf-8")  # same size
    assert set(scan_labels(app, folder, [])) == {"second"}
    shutil.copy2(saved, page)  # back, with its old size and mtime: its ctime is new
    assert set(scan_labels(app, folder, [])) == {"first"}
    (folder / "new.md").write_text("(third)=\n# Third\n", encoding="utf-8")
    assert set(scan_labels(app, folder, [])) == {"first", "third"}
