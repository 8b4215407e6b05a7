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

import hashlib
import multiprocessing
import os
import shutil
import time
from pathlib import Path

from sphinx.testing.util import SphinxTestApp

from conftest import REPO, ROOTS, copy_project, make, warnings

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


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


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
    shutil.copytree(REPO / "tests" / "talks" / "second", project / "talk")
    variables = {"CONFDIR": "talk", "HANDBOOK": "talk/source", "DECK": "talk/slides", "NAME": "tea"}
    assert make(project, "all", **variables).returncode == 0
    edit(project / "talkbook" / "crosslinks.py", 'default = "Read more in the handbook"', 'default = "Read on in the handbook"')
    rebuilt = make(project, "all", **variables)
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    assert make(project, "all", builddir=project / "clean", **variables).returncode == 0
    found = differences(project / "_build" / "site", project / "clean" / "site")
    assert not found, "after an edit to the extension's code:\n" + "\n".join(found)
    assert "Read on in the handbook" in (project / "_build" / "site" / "slides" / "index.html").read_text()
    assert (project / "_build" / "dist" / "tea.zip").read_bytes() == (project / "clean" / "dist" / "tea.zip").read_bytes()


def test_the_real_talk_after_an_edit_to_a_shared_fragment(built_site, tmp_path):
    # Built with a fragment edited, then rebuilt with the fragment as it is in
    # the repository: the rebuild must be the session's clean build of the
    # repository (built_site), byte for byte.
    project = copy_project(tmp_path / "project")
    fragment = project / "source" / "_shared" / "why-python.md"
    original = fragment.read_text(encoding="utf-8")
    fragment.write_text(original + "\n- Easy to test\n", encoding="utf-8")
    assert make(project, "all").returncode == 0
    fragment.write_text(original, encoding="utf-8")
    rebuilt = make(project, "all")
    assert rebuilt.returncode == 0, rebuilt.stdout + rebuilt.stderr
    found = differences(project / "_build" / "site", built_site.site)
    assert not found, "the rebuild of the real talk is not the clean build:\n" + "\n".join(found)
    assert (project / "_build" / "dist" / built_site.zip.name).read_bytes() == built_site.zip.read_bytes()
    # No process of ours outlives make.
    ours = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _runs_from(p, project)]
    assert ours == []


def _runs_from(process: Path, project: Path) -> bool:
    try:
        return str(project) in (process / "cmdline").read_bytes().decode(errors="replace") and \
            int(process.name) != os.getpid()
    except OSError:
        return False


def test_the_extensions_version_follows_its_code_and_nothing_else(tmp_path):
    from talkbook.incremental import env_version_of

    code = shutil.copytree(REPO / "talkbook", tmp_path / "talkbook", ignore=shutil.ignore_patterns("__pycache__"))
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
