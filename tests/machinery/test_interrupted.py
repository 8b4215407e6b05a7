"""Builds stopped half way (Ctrl-C) or failed recover: the next ``make`` equals a clean build.

On a copy of the small talk of tests/talks/second, one after the other:
each step edits the sources, starts ``make`` and sends SIGINT to its whole
process group (as Ctrl-C in a terminal does) at a given moment of the
build; then edits again or not, and runs ``make`` to the end. The site and
the zip must then be, byte for byte, those of a clean build of the same
sources in a new build folder.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import time
from pathlib import Path

from machinery.support import REPO, SECOND, build_talk, differences, edit

TALK = SECOND


def _make(talk: Path, builddir: Path) -> subprocess.CompletedProcess:
    return build_talk(talk, "all", builddir=builddir)


def _make_stopped(talk: Path, builddir: Path, moment, what: str) -> None:
    """``make``, stopped with SIGINT to its process group as soon as *moment()* is true."""
    command = ["make", "--no-print-directory", "-C", str(REPO), "all", f"VENVDIR={REPO / '.venv'}",
               f"BUILDDIR={builddir}", "SOURCE_DATE_EPOCH=1700000000", f"CONFDIR={talk}",
               f"HANDBOOK={talk / 'source'}", f"DECK={talk / 'slides'}", "NAME=tea"]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True)
    stopped = False
    while process.poll() is None:
        try:
            if moment():
                os.killpg(process.pid, signal.SIGINT)
                stopped = True
                break
        except OSError:
            pass  # a file being written: look again
        time.sleep(0.002)
    output, _ = process.communicate(timeout=120)
    assert stopped and process.returncode != 0, f"the build ended before {what}:\n{output}"


def _same_as_a_clean_build(talk: Path, builddir: Path, clean: Path, step: str) -> None:
    rebuilt = _make(talk, builddir)
    assert rebuilt.returncode == 0, f"after {step}:\n{rebuilt.stdout}{rebuilt.stderr}"
    assert _make(talk, clean).returncode == 0
    found = differences(builddir / "site", clean / "site")
    assert not found, f"after {step}, the rebuild is not the clean build:\n" + "\n".join(found)
    assert (builddir / "dist" / "tea.zip").read_bytes() == (clean / "dist" / "tea.zip").read_bytes(), step


def test_a_build_stopped_at_any_moment_or_failed_recovers(tmp_path):
    talk = shutil.copytree(TALK, tmp_path / "talk")
    builddir = tmp_path / "build"
    assert _make(talk, builddir).returncode == 0
    html, doctrees = builddir / "html", builddir / "doctrees" / "html"

    # 1. A stylesheet edited, the build stopped once the new stylesheet is copied: the pages
    #    that link it with its checksum (?v=...) are not all written yet.
    edit(talk / "_static" / "handbook" / "talk.css", "font-weight: bold", "font-weight: 600")
    _make_stopped(talk, builddir, lambda: "600" in (html / "_static" / "talk.css").read_text(encoding="utf-8"),
                  "the stylesheet was copied")
    _same_as_a_clean_build(talk, builddir, tmp_path / "clean-1", "a stylesheet edit, stopped")

    # 2. A title edited, stopped once the environment is saved: pages and search index half written.
    saved = (doctrees / "environment.pickle").stat().st_mtime_ns
    edit(talk / "source" / "brewing.md", "# Brewing", "# Brewing tea")
    _make_stopped(talk, builddir, lambda: (doctrees / "environment.pickle").stat().st_mtime_ns != saved,
                  "the environment was saved")
    _same_as_a_clean_build(talk, builddir, tmp_path / "clean-2", "a title edit, stopped")

    # 3. Stopped while the site is put together, then a page removed before the next build.
    (talk / "source" / "steeping.md").write_text("(steeping)=\n# Steeping\n\nLonger for black tea.\n",
                                                 encoding="utf-8")
    edit(talk / "source" / "index.md", "brewing\n```", "brewing\nsteeping\n```")
    _make_stopped(talk, builddir, lambda: (builddir / "site.staging").exists(), "the site was being put together")
    (talk / "source" / "steeping.md").unlink()
    edit(talk / "source" / "index.md", "brewing\nsteeping\n```", "brewing\n```")
    _same_as_a_clean_build(talk, builddir, tmp_path / "clean-3", "a stop during the site's assembly, then a removal")

    # 4. A failed build (a page with a broken reference), then the page removed as the fix.
    (talk / "source" / "broken.md").write_text("(broken)=\n# Broken\n\nSee {ref}`nowhere`.\n", encoding="utf-8")
    edit(talk / "source" / "index.md", "brewing\n```", "brewing\nbroken\n```")
    assert _make(talk, builddir).returncode != 0
    (talk / "source" / "broken.md").unlink()
    edit(talk / "source" / "index.md", "brewing\nbroken\n```", "brewing\n```")
    _same_as_a_clean_build(talk, builddir, tmp_path / "clean-4", "a failed build, then the page removed")
