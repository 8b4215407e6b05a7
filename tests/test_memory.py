"""The cycle collector during a build (talkbook.memory): tuned while it runs, as it was afterwards."""

from __future__ import annotations

import gc
import shutil

import pytest

from talkbook.memory import YOUNG_THRESHOLD


@pytest.fixture
def app(make_app, rootdir, tmp_path):
    src = tmp_path / "src"
    shutil.copytree(rootdir / "test-searchindex", src)
    return make_app("html", srcdir=src, builddir=tmp_path / "out")


def test_tuned_during_the_build_and_restored_after(app):
    before = gc.get_threshold()
    assert before[0] != YOUNG_THRESHOLD  # untouched until the build starts
    seen: dict[str, tuple] = {}

    def note(phase):
        def handler(*args):
            seen[phase] = (gc.get_threshold()[0], gc.get_freeze_count())
        return handler

    app.connect("doctree-read", note("reading"))
    app.connect("html-page-context", note("writing"))
    app.build()
    assert seen["reading"][0] == seen["writing"][0] == YOUNG_THRESHOLD
    assert seen["reading"][1] > 0 and seen["writing"][1] > 0  # what existed before was frozen
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # collectable again: nothing outlives the build


def test_restored_after_a_build_that_fails(app):
    before = gc.get_threshold()

    def fail(*args):
        raise RuntimeError("a handler that fails")

    app.connect("html-page-context", fail)
    with pytest.raises(Exception, match="a handler that fails"):
        app.build()
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0
