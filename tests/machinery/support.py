"""What talkbook's own tests share: the repository, its small test talks, and ways to build them."""

from __future__ import annotations

import hashlib
import multiprocessing
import re
import shutil
import subprocess
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from talkbook.testing import make as make_talk

REPO = Path(__file__).resolve().parents[2]
HERE = Path(__file__).resolve().parent
#: Small Sphinx projects for sphinx.testing: roots/test-<name>/.
ROOTS = HERE / "roots"
#: A second, small talk: three slides, two pages, a shared fragment, a data entry.
SECOND = HERE / "talks" / "second"
#: A talk whose sources write HTML and script wherever a page shows text.
HOSTILE = HERE / "talks" / "hostile"
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


def build_talk(talk: Path, *targets: str, builddir: Path, **variables: str) -> subprocess.CompletedProcess:
    """A small test talk of talks/ (its conf.py, source/ and slides/), built with this
    repository's Makefile, as README.md's ``make CONFDIR=... HANDBOOK=... DECK=...`` says."""
    return make(REPO, *(targets or ("all",)), builddir=builddir, CONFDIR=str(talk), HANDBOOK=str(talk / "source"),
                DECK=str(talk / "slides"), NAME="tea", **variables)


def warnings(app) -> list[str]:
    """The warnings of a sphinx.testing build, one a line, colours removed."""
    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]


def one_warning(app, location: str, words: list[str]) -> str:
    """The build's one warning, at *location* (``file:line:``), with each of *words*, and no traceback."""
    found = warnings(app)
    assert len(found) == 1, found
    assert found[0].startswith(location + " WARNING: "), found[0]
    for word in words:
        assert word in found[0], found[0]
    assert "Traceback" not in app.status.getvalue() + app.warning.getvalue()
    return found[0]


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


def build_apart(root: Path, side: str, builddir: Path) -> tuple[Path, list[str]]:
    """One side of the talk built in a forked child: its output folder and its warnings."""
    forks = multiprocessing.get_context("fork")
    receive, send = forks.Pipe(duplex=False)

    def run() -> None:
        try:
            app = SphinxTestApp("revealjs" if side == "deck" else "html",
                                srcdir=root / "slides" if side == "deck" else root, builddir=builddir)
            app.build()
            send.send((app.outdir, warnings(app)))
        except BaseException as err:  # noqa: BLE001 - said to the parent, which fails the test
            send.send((None, [f"the build stopped: {err!r}"]))

    child = forks.Process(target=run)
    child.start()
    outdir, found = receive.recv()
    child.join()
    return outdir, found


def rebuilt_as_clean(root: Path, side: str, builddir: Path, cleandir: Path, step: str) -> Path:
    """Rebuild *side* in *builddir* and build it afresh in *cleandir*: the two must
    be the same bytes, with no warning. The rebuild's output folder."""
    rebuilt, said = build_apart(root, side, builddir)
    assert said == [], f"after {step}, the {side}'s rebuild warns: {said}"
    clean, _said = build_apart(root, side, cleandir)
    found = differences(rebuilt, clean)
    assert not found, f"after {step}, the {side}'s rebuild is not its clean build:\n" + "\n".join(found)
    return rebuilt


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
