"""What talkbook's own tests share: the repository, its small test talks, and ways to build them."""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

from talkbook.testing import make as make_talk

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: Small Sphinx projects for sphinx.testing: roots/test-<name>/.
ROOTS = HERE / "roots"
#: A second, small talk: three slides, two pages, a shared fragment, a data entry.
SECOND = HERE / "talks" / "second"
#: What a copy of this talk needs to build (tests that edit sources work on one).
PROJECT_FILES = ["conf.py", "Makefile", "talk.mk", "pyproject.toml", "requirements", "source", "slides",
                 "_templates", "_static", "talkbook"]


def copy_project(target: Path) -> Path:
    """A copy of this repository's talk (and talkbook's sources) in *target*, to edit and build with make."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / name)
    return target


def make(project: Path, *targets: str, builddir: Path | None = None, **variables: str) -> subprocess.CompletedProcess:
    """``make`` in *project* with the repository's virtual environment (the one running the tests)."""
    return make_talk(project, *targets, builddir=builddir or project / "_build", **variables)


def warnings(app) -> list[str]:
    """The warnings of a sphinx.testing build, one a line, colours removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


#: Sphinx's bookkeeping in an output folder, not output.
BOOKKEEPING = {".buildinfo", ".buildinfo.bak"}


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name not in BOOKKEEPING}


def differences(built: Path, clean: Path) -> list[str]:
    a, b = tree(built), tree(clean)
    found = [f"only in the rebuild: {n}" for n in sorted(a.keys() - b.keys())]
    found += [f"only in the clean build: {n}" for n in sorted(b.keys() - a.keys())]
    found += [f"differs: {n}" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    return found
