"""Broken sources through the real build: one clear message, no traceback, nothing lost.

Each case of tests/bad-input/ is a mistake a speaker makes, put into a copy of
the small talk of tests/talks/second/ and built with ``make``, as a speaker
builds: the machinery, not the talk, says what is wrong.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from machinery.support import SECOND, build_talk, make

CORPUS = Path(__file__).resolve().parent / "bad-input"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
TALK = SECOND


def copy_talk(target: Path) -> Path:
    shutil.copytree(TALK, target)
    return target


def build(talk: Path, target: str = "all") -> subprocess.CompletedProcess:
    return build_talk(talk, target, builddir=talk / "_build")


def target_of(broken: str) -> str:
    """The make target of the output that reads the broken file: a mistake in a page
    of one output shows in its build alone; the data is read by both."""
    if broken.startswith("slides/"):
        return "deck"
    return "all" if broken.startswith("source/_data/") else "html"


def apply_case(project: Path, case: str) -> dict:
    folder = CORPUS / case
    expect = tomllib.loads((folder / "expect.toml").read_text(encoding="utf-8"))
    for path in folder.rglob("*"):
        if path.is_file() and path.name != "expect.toml":
            dest = project / path.relative_to(folder)
            dest.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(path, dest)
    for edit in expect.get("append", []):
        with open(project / edit["file"], "a", encoding="utf-8") as handle:
            handle.write(edit["text"])
    for link in expect.get("symlinks", []):
        (project / link["path"]).parent.mkdir(parents=True, exist_ok=True)
        (project / link["path"]).symlink_to(link["target"])
    return expect


def problems(stderr: str) -> list[str]:
    """The distinct problems reported: a mistake in a file both builds read is reported by each."""
    found = [l for l in stderr.splitlines() if re.search(r": (WARNING|ERROR|CRITICAL|SEVERE): |^error: ", l)]
    return list(dict.fromkeys(found))


def test_corpus_covers_the_issue():
    assert {"data-syntax", "data-missing-field", "data-wrong-type", "data-duplicate", "data-javascript-url",
            "missing-include", "self-include", "broken-xref", "unknown-directive", "heading-jump",
            "not-utf8", "slide-no-title", "directive-misspelt", "duplicate-label", "orphan-page",
            "chart-not-a-number", "chart-outside-the-talk"} <= set(CASES)
    # Issue 18: the talk's folder is the boundary, and every mistake is named.
    assert {"include-outside", "literalinclude-outside", "symlink-outside", "symlink-loop", "facts-bad-date",
            "data-nul-byte", "nested-too-deep", "label-underscore", "label-non-ascii"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_one_clear_message(tmp_path, case):
    project = copy_talk(tmp_path / "talk")
    expect = apply_case(project, case)
    result = build(project, target_of(expect["file"]))
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "Versions\n====" not in output, output
    found = problems(result.stderr)
    assert len(found) == 1, "\n".join(found)
    message = found[0]
    # Where the mistake is: the file and line, or the file alone for a mistake of the whole
    # file (no line in expect.toml, or line = 0: a page in no toctree, a symbolic link).
    at = f"{expect['file']}:{expect['line']}:" if expect.get("line") else f"{expect['file']}:"
    assert message.startswith(f"{project}/{at}") or at in message, message
    shown = result.stderr
    for words in expect["words"]:
        assert words in shown, f"{words!r} not in:\n{shown}"


def _digest(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_failed_build_keeps_the_previous_site_and_download(tmp_path):
    project = copy_talk(tmp_path / "talk")
    first = build(project)
    assert first.returncode == 0, first.stderr
    site, dist = project / "_build" / "site", project / "_build" / "dist"
    before = (_digest(site), _digest(dist))
    data = project / "source" / "_data" / "projects.yaml"
    shutil.copy2(data, tmp_path / "projects.yaml")
    apply_case(project, "data-duplicate")
    assert build(project).returncode != 0
    assert (_digest(site), _digest(dist)) == before
    # A failure at the very end (the audit) keeps them too.
    with open(project / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nrevealjs_css_files = ["deck.css", "https://tracker.example.org/pixel.css"]\n')
    shutil.copy2(tmp_path / "projects.yaml", data)
    result = build(project)
    assert result.returncode != 0
    assert "slides/index.html" in result.stderr and "https://tracker.example.org/pixel.css" in result.stderr
    assert (_digest(site), _digest(dist)) == before


def test_clean_removes_build_output_only(tmp_path):
    from machinery.support import copy_project

    project = copy_project(tmp_path / "project")
    (project / "_build" / "site").mkdir(parents=True)
    sources = _digest(project / "source"), _digest(project / "slides")
    result = make(project, "clean")
    assert result.returncode == 0
    assert not (project / "_build").exists()
    assert (_digest(project / "source"), _digest(project / "slides")) == sources
    assert (project / "conf.py").is_file() and (project / "Makefile").is_file()
