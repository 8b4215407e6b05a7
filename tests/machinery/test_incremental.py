"""A rebuild gives, byte for byte, what a clean build gives.

- Every kind of edit, one after the other, on a small talk on furo
  (tests/roots/test-edits): after each, both outputs rebuilt in their build
  folders must be what a build in new folders gives. Each build runs in a
  child forked from this process, which has imported Sphinx: a step costs two
  builds, not two starts of Python, and Sphinx's caches (it keeps the
  checksum of each stylesheet for the life of a process) start empty, as in
  a run of make.
- An edit to the extension's code, through ``make``, on the small talk of
  tests/talks/second: the extension's code is imported afresh only by a new
  process (the next test shows that its ``env_version`` follows the code).
- The real talk through ``make``, after an edit to a shared fragment: the
  site and the zip of the rebuild are those of a clean build.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

from machinery.support import ROOTS, SECOND, build_apart, copy_project, differences, edit, make, rebuilt_as_clean

def test_every_kind_of_edit_rebuilds_to_the_clean_build(tmp_path):
    # Imported once here, for every forked build: Sphinx's own extensions, the others, ours.
    import importlib

    from sphinx.application import builtin_extensions

    for name in [*builtin_extensions, "furo", "myst_parser", "sphinx_revealjs", "talkbook.checks",
                 "talkbook.crosslinks", "talkbook.deck", "talkbook.incremental", "talkbook.templates"]:
        importlib.import_module(name)
    root = shutil.copytree(ROOTS / "test-edits", tmp_path / "edits")
    sides = ("handbook", "deck")
    for side in sides:
        assert build_apart(root, side, tmp_path / f"build-{side}")[1] == []
    fragment = root / "_shared" / "brewing.md"
    saved = tmp_path / "brewing.md"
    shutil.copy2(fragment, saved)  # the fragment as it was, with its time
    time.sleep(0.01)
    glossary = "```{glossary}\nSencha\n  A steamed green tea.\n```\n"
    steps = [
        # A page (with index entries, that later steps leave alone), the data, a fragment.
        ("a page, with a glossary, the data file and a shared fragment", lambda: (
            edit(root / "index.md", "```{toctree}", glossary + "\n```{toctree}"),
            edit(root / "projects.yaml", "A green tea", "A steamed green tea"),
            edit(fragment, "- Three minutes", "- Boil the water\n- Three minutes"))),
        ("site-wide inputs: templates, a stylesheet, conf.py", lambda: (
            edit(root / "_templates" / "projects" / "list.md", "): {{", ") - {{"),
            (root / "_templates" / "layout.html").write_text(
                '{% extends "!layout.html" %}\n{% block extrahead %}{{ super() }}<meta name="x-edit" content="1">'
                "{% endblock %}\n", encoding="utf-8"),
            edit(root / "_static" / "talk.css", "bold", "normal"),
            edit(root / "conf.py", 'html_title = "Tea: the handbook"', 'html_title = "Tea, the handbook"'))),
        ("a page added to a toctree", lambda: (
            (root / "steeping.md").write_text("(steeping)=\n# Steeping\n\nLonger for black tea.\n"),
            edit(root / "index.md", "brewing\n```", "brewing\nsteeping\n```"))),
        ("a label moved to a page that is read first", lambda: (
            edit(root / "steeping.md", "(steeping)=\n# Steeping\n", "# Steeping\n"),
            edit(root / "brewing.md", "(brewing-page)=\n", "(brewing-page)=\n(steeping)=\n"))),
        ("a page removed from a toctree", lambda: (
            (root / "steeping.md").unlink(),
            edit(root / "index.md", "brewing\nsteeping\n```", "brewing\n```"))),
        ("a file put back with an older time", lambda: shutil.copy2(saved, fragment)),
    ]
    for number, (step, change) in enumerate(steps, start=1):
        change()
        for side in sides:
            rebuilt_as_clean(root, side, tmp_path / f"build-{side}", tmp_path / f"clean-{number}-{side}", step)


def test_an_edit_to_the_extensions_code_rebuilds_to_the_clean_build(tmp_path):
    # The bug that made the extension declare its version: new code, old pages.
    project = copy_project(tmp_path / "project")
    shutil.copytree(SECOND, project / "talk")
    variables = {"CONFDIR": "talk", "HANDBOOK": "talk/source", "DECK": "talk/slides", "NAME": "tea"}
    # The copy's talkbook, not the one installed: PYTHONPATH comes first on Python's path.
    code = {"PYTHONPATH": str(project)}
    assert make(project, "all", env=code, **variables).returncode == 0
    edit(project / "talkbook" / "crosslinks.py", 'default = "Read more in the handbook"', 'default = "Read on in the handbook"')
    rebuilt = make(project, "all", env=code, **variables)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert make(project, "all", builddir=project / "clean", env=code, **variables).returncode == 0
    found = differences(project / "_build" / "site", project / "clean" / "site")
    assert not found, "after an edit to the extension's code:\n" + "\n".join(found)
    assert "Read on in the handbook" in (project / "_build" / "site" / "slides" / "index.html").read_text()
    assert (project / "_build" / "dist" / "tea.zip").read_bytes() == (project / "clean" / "dist" / "tea.zip").read_bytes()


def test_the_extensions_version_follows_its_code_and_nothing_else(tmp_path):
    import talkbook
    from talkbook.incremental import env_version_of

    code = shutil.copytree(Path(talkbook.__file__).parent, tmp_path / "talkbook", ignore=shutil.ignore_patterns("__pycache__"))
    version = env_version_of(code, skip=("tools",))
    (code / "__pycache__").mkdir(exist_ok=True)
    (code / "__pycache__" / "x.pyc").write_bytes(b"bytecode")
    edit(code / "tools" / "site.py", "import argparse", "import argparse  # a tool, not the extension")
    assert env_version_of(code, skip=("tools",)) == version
    for changed in (code / "crosslinks.py", code / "theme" / "talkbook-deck" / "static" / "talkbook-deck.css"):
        saved = changed.read_bytes()
        changed.write_bytes(saved + b"\n")
        assert env_version_of(code, skip=("tools",)) != version, changed
        changed.write_bytes(saved)
    assert env_version_of(code, skip=("tools",)) == version
