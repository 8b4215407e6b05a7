"""Broken sources through the real build: one clear message, no traceback, nothing lost."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest

from conftest import REPO

CORPUS = Path(__file__).resolve().parent / "bad-input"
CASES = sorted(p.name for p in CORPUS.iterdir() if p.is_dir())
SOURCES = ["conf.py", "Makefile", "requirements.txt", "source", "slides", "_templates", "_static", "talkbook"]


def copy_project(target: Path) -> Path:
    target.mkdir(parents=True, exist_ok=True)
    for name in SOURCES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / name)
    return target


def make(project: Path, *targets: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), *targets,
         f"VENVDIR={REPO / '.venv'}", f"BUILDDIR={project / '_build'}", "SOURCE_DATE_EPOCH=1700000000"],
        capture_output=True, text=True,
    )


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
    return expect


def problems(stderr: str) -> list[str]:
    return [l for l in stderr.splitlines() if re.search(r": (WARNING|ERROR|CRITICAL|SEVERE): |^error: ", l)]


def test_corpus_covers_the_issue():
    assert {"data-syntax", "data-missing-field", "data-wrong-type", "data-duplicate", "data-javascript-url",
            "missing-include", "self-include", "broken-xref", "unknown-directive", "heading-jump",
            "not-utf8", "slide-no-title"} <= set(CASES)


@pytest.mark.parametrize("case", CASES)
def test_bad_input_gets_one_clear_message(tmp_path, case):
    project = copy_project(tmp_path / "project")
    expect = apply_case(project, case)
    result = make(project, "all")
    output = result.stdout + result.stderr
    assert result.returncode != 0, output
    assert "Traceback" not in output and "Versions\n====" not in output, output
    found = problems(result.stderr)
    assert len(found) == 1, "\n".join(found)
    message = found[0]
    where = f"{project / expect['file']}:{expect['line']}:"
    assert message.startswith(where) or f"{expect['file']}:{expect['line']}:" in message, message
    shown = result.stderr
    for words in expect["words"]:
        assert words in shown, f"{words!r} not in:\n{shown}"


def _digest(path: Path) -> dict[str, str]:
    return {p.relative_to(path).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(path.rglob("*")) if p.is_file()}


def test_failed_build_keeps_the_previous_site_and_download(tmp_path):
    project = copy_project(tmp_path / "project")
    first = make(project, "all")
    assert first.returncode == 0, first.stderr
    site, dist = project / "_build" / "site", project / "_build" / "dist"
    before = (_digest(site), _digest(dist))
    apply_case(project, "data-duplicate")
    assert make(project, "all").returncode != 0
    assert (_digest(site), _digest(dist)) == before
    # A failure at the very end (the audit) keeps them too.
    with open(project / "conf.py", "a", encoding="utf-8") as conf:
        conf.write('\nrevealjs_css_files = ["talk.css", "https://tracker.example.org/pixel.css"]\n')
    (project / "source" / "_data" / "projects.yaml").write_text((REPO / "source/_data/projects.yaml").read_text())
    result = make(project, "all")
    assert result.returncode != 0
    assert "slides/index.html" in result.stderr and "https://tracker.example.org/pixel.css" in result.stderr
    assert (_digest(site), _digest(dist)) == before


def test_clean_removes_build_output_only(tmp_path):
    project = copy_project(tmp_path / "project")
    (project / "_build" / "site").mkdir(parents=True)
    sources = _digest(project / "source"), _digest(project / "slides")
    result = subprocess.run(["make", "-C", str(project), "clean", f"VENVDIR={REPO / '.venv'}"],
                            capture_output=True, text=True)
    assert result.returncode == 0
    assert not (project / "_build").exists()
    assert (_digest(project / "source"), _digest(project / "slides")) == sources
    assert (project / "conf.py").is_file() and (project / "Makefile").is_file()
