"""This talk, rebuilt after an edit, is its clean build: the site and the zip, byte for byte."""

from __future__ import annotations

import os
from pathlib import Path

from machinery.support import copy_project, differences, make
from talkbook.testing import SITE_URL


def test_the_real_talk_after_an_edit_to_a_shared_fragment(built_site, tmp_path):
    # Built with a fragment edited, then rebuilt with the fragment as it is in
    # the repository: the rebuild must be the session's clean build of the
    # repository (built_site), byte for byte.
    project = copy_project(tmp_path / "project")
    fragment = project / "source" / "_shared" / "why-python.md"
    original = fragment.read_text(encoding="utf-8")
    fragment.write_text(original + "\n- Easy to test\n", encoding="utf-8")
    assert make(project, "all", TALKBOOK_SITE_URL=SITE_URL).returncode == 0
    fragment.write_text(original, encoding="utf-8")
    rebuilt = make(project, "all", TALKBOOK_SITE_URL=SITE_URL)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    found = differences(project / "_build" / "site", built_site.site)
    assert not found, "the rebuild of the real talk is not the clean build:\n" + "\n".join(found)
    assert (project / "_build" / "dist" / built_site.zip.name).read_bytes() == built_site.zip.read_bytes()
    # No process of ours outlives make.
    ours = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _runs_from(p, project)]
    assert ours == []


def _runs_from(process: Path, project: Path) -> bool:
    try:
        return str(project) in (process / "cmdline").read_bytes().decode(errors="replace") and \
            int(process.name) != os.getpid()
    except OSError:
        return False
