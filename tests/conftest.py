"""Shared fixtures: Sphinx's test fixtures for the extension, one real build for the content.

- ``pytest_plugins = "sphinx.testing.fixtures"``: ``@pytest.mark.sphinx(...)``
  and ``make_app`` build the small projects of ``tests/roots/test-<name>/``.
- ``built_site``: the real talk, built once per session with ``make``, as a
  user builds it.
- No test reaches beyond this machine: every HTTP client that honours the
  proxy variables (requests, so Sphinx's link check) is sent to a port of
  127.0.0.1 where nothing listens, unless the test serves it itself.
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

pytest_plugins = "sphinx.testing.fixtures"

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
NAME = "get-a-python-job"
#: The talk as exported, kept in the repository so that a clone is self-contained.
SEED = REPO / "tests" / "data" / "get-a-python-job.md"
#: The address the session's site is built for (RFC 2606: an example domain).
SITE_URL = "https://talk.example.org/"
#: What a copy of the project needs to build (tests that edit sources work on one).
PROJECT_FILES = ["conf.py", "Makefile", "requirements", "source", "slides", "_templates", "_static", "talkbook"]

# Loopback only: a request that honours these goes nowhere (port 9 is discard).
for _name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"):
    os.environ[_name] = "http://127.0.0.1:9"
os.environ["NO_PROXY"] = os.environ["no_proxy"] = "127.0.0.1,localhost"
# The site's address comes from conf.py's environment variable: one for all tests.
os.environ["TALKBOOK_SITE_URL"] = SITE_URL


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


def copy_project(target: Path) -> Path:
    """A copy of the project's sources in *target*, to edit and build with make."""
    target.mkdir(parents=True, exist_ok=True)
    for name in PROJECT_FILES:
        src = REPO / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / name)
    return target


def make(project: Path, *targets: str, builddir: Path | None = None, **variables: str) -> subprocess.CompletedProcess:
    """``make`` in *project* (a copy, or the repository) with the repository's virtual environment."""
    settings = {"VENVDIR": str(REPO / ".venv"), "BUILDDIR": str(builddir or project / "_build"),
                "SOURCE_DATE_EPOCH": "1700000000", **variables}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(project), *targets, *(f"{k}={v}" for k, v in settings.items())],
        capture_output=True, text=True,
    )


@dataclass
class BuiltSite:
    builddir: Path
    site: Path
    deck: Path
    zip: Path
    stdout: str
    stderr: str

    @property
    def deck_html(self) -> Path:
        return self.site / "slides" / "index.html"

    def handbook_pages(self) -> list[Path]:
        deck_dir = self.site / "slides"
        return sorted(p for p in self.site.rglob("*.html") if deck_dir not in p.parents)


@pytest.fixture(scope="session")
def built_site(tmp_path_factory, worker_id) -> BuiltSite:
    """The real site, built once per test session with the Makefile, as a user would.

    With several pytest-xdist workers, the first to need it builds it in their
    common folder, and the others wait for it (a lock on a file there).
    """
    shared = tmp_path_factory.getbasetemp()
    if worker_id != "master":
        shared = shared.parent
    builddir = shared / "real-build"
    with open(shared / "real-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (shared / "real-build.log").exists():
            result = make(REPO, "all", builddir=builddir)
            if result.returncode != 0:
                pytest.fail(f"make all failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
            (shared / "real-build.log").write_text(json.dumps([result.stdout, result.stderr]))
    stdout, stderr = json.loads((shared / "real-build.log").read_text())
    return BuiltSite(builddir=builddir, site=builddir / "site", deck=builddir / "site" / "slides",
                     zip=builddir / "dist" / f"{NAME}.zip", stdout=stdout, stderr=stderr)


@pytest.fixture
def talk(tmp_path, make_app):
    """Build one side of a test talk: ``talk("markers", "deck")``.

    A talk root (``tests/roots/test-<name>/``) is the handbook, with the deck
    in its ``slides/`` folder; each side has a ``conf.py`` (the deck's reads
    the handbook's), as ``sphinx.testing`` builds a project from its own
    folder. The root is copied once per test; each call builds again in the
    same build folder (an incremental build). Returns the ``SphinxTestApp``.
    """
    built = []

    def build(name: str, side: str = "handbook", builder: str | None = None, **kwargs):
        if built:
            built.pop().cleanup()  # what the last app registered globally (docutils nodes...)
        root = tmp_path / name
        if not root.exists():
            shutil.copytree(ROOTS / f"test-{name}", root)
        srcdir = root / "slides" if side == "deck" else root
        app = make_app(builder or ("revealjs" if side == "deck" else "html"), srcdir=srcdir,
                       builddir=tmp_path / f"_build-{name}-{side}", **kwargs)
        app.build()
        built.append(app)
        return app

    return build


def warnings(app) -> list[str]:
    """The warnings of a test build, one a line, colours removed."""
    import re

    text = re.sub(r"\x1b\[[0-9;]*m", "", app.warning.getvalue())
    return [line for line in text.splitlines() if "WARNING" in line or "ERROR" in line]
