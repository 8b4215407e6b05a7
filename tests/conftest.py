"""Shared fixtures: Sphinx's test fixtures for the machinery, one real build for the content."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from linkcheck_support import loopback_only

pytest_plugins = "sphinx.testing.fixtures"

REPO = Path(__file__).resolve().parent.parent
ROOTS = Path(__file__).resolve().parent / "roots"
# The talk as exported, kept in the repository so that a clone is self-contained.
SEED = REPO / "tests" / "data" / "get-a-python-job.md"
NAME = "get-a-python-job"
# No warm build helper (talkbook/warm.py) is left behind by the builds the tests
# run; tests/test_warm.py turns it on where it is the subject.
os.environ["TALKBOOK_WARM"] = "0"


@pytest.fixture(autouse=True)
def no_traffic_beyond_loopback():
    """Every test: a connection or name lookup beyond loopback fails it."""
    with loopback_only() as guard:
        yield guard
    assert not guard.violations, f"traffic beyond loopback: {guard.violations}"


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")


@pytest.fixture
def build_root(tmp_path, make_app):
    """Copy ``tests/roots/test-<name>`` and build its *subdir* with *builder*.

    Returns the SphinxTestApp after the build; its warnings are in
    ``app.warning.getvalue()``.
    """

    copies: dict[str, Path] = {}

    def build(name: str, builder: str, subdir: str = "", **kwargs):
        if name not in copies:
            copies[name] = tmp_path / name
            shutil.copytree(ROOTS / f"test-{name}", copies[name])
        srcdir = copies[name] / subdir if subdir else copies[name]
        app = make_app(builder, srcdir=srcdir, builddir=tmp_path / f"_build-{name}-{subdir or 'root'}", **kwargs)
        app.build()
        return app

    return build


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


def run_make(target: str, builddir: Path, *extra: str, check: bool = True, env: dict | None = None):
    cmd = ["make", "--no-print-directory", "-C", str(REPO), target, f"BUILDDIR={builddir}", *extra]
    result = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **(env or {})})
    if check and result.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="session")
def built_site(tmp_path_factory) -> BuiltSite:
    """The real site, built once per test session with the Makefile, as a user would."""
    builddir = tmp_path_factory.mktemp("real-build")
    result = run_make("all", builddir)
    return BuiltSite(
        builddir=builddir,
        site=builddir / "site",
        deck=builddir / "site" / "slides",
        zip=builddir / "dist" / f"{NAME}.zip",
        stdout=result.stdout,
        stderr=result.stderr,
    )


@pytest.fixture(scope="session")
def python() -> str:
    return sys.executable
