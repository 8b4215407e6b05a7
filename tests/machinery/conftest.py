"""Fixtures of talkbook's own tests: the small projects of roots/ built with sphinx.testing."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from machinery.support import ROOTS


@pytest.fixture(scope="session")
def rootdir() -> Path:
    return ROOTS


@pytest.fixture
def talk(tmp_path, make_app):
    """Build one side of a test talk: ``talk("markers", "deck")``.

    A talk root (``roots/test-<name>/``) is the handbook, with the deck in its
    ``slides/`` folder; each side has a ``conf.py`` (the deck's reads the
    handbook's), as ``sphinx.testing`` builds a project from its own folder.
    The root is copied once per test; each call builds again in the same build
    folder (an incremental build). Returns the ``SphinxTestApp``.
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
