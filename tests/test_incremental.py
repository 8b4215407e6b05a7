"""An incremental ``make`` gives, byte for byte, what ``make clean && make`` gives.

A copy of the project (with the second talk of tests/talks/, small and on
furo like the real one) goes through a sequence of edits, one of each kind a
speaker or a maintainer makes. After each, ``make`` in the copy's build folder
must give the same site and the same zip as ``make`` in a new, empty folder.
The real talk gets the edit that touches most of it: a shared fragment.
An edit to the extension's own code is a new ``env_version``, for which
Sphinx reads every page again: the last test shows that the version follows
the code, and nothing else.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import time
from pathlib import Path

from conftest import REPO, copy_project, make

TALK = REPO / "tests" / "talks" / "second"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def differences(built: Path, clean: Path) -> list[str]:
    a, b = tree(built / "site"), tree(clean / "site")
    found = [f"only in the rebuild: {n}" for n in sorted(a.keys() - b.keys())]
    found += [f"only in the clean build: {n}" for n in sorted(b.keys() - a.keys())]
    found += [f"differs: {n}" for n in sorted(a.keys() & b.keys()) if a[n] != b[n]]
    zips = [next((d / "dist").glob("*.zip")).read_bytes() for d in (built, clean)]
    if zips[0] != zips[1]:
        found.append("the zips differ")
    return found


def rebuild_equals_clean(project: Path, talk_variables: dict, step: str, number: int) -> None:
    rebuilt = make(project, "all", **talk_variables)
    assert rebuilt.returncode == 0, f"after {step}: {rebuilt.stdout}{rebuilt.stderr}"
    clean_dir = project / f"_clean-{number}"
    clean = make(project, "all", builddir=clean_dir, **talk_variables)
    assert clean.returncode == 0, f"after {step}: {clean.stdout}{clean.stderr}"
    found = differences(project / "_build", clean_dir)
    assert not found, f"after {step}, the rebuild is not the clean build:\n" + "\n".join(found)
    shutil.rmtree(clean_dir)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_every_kind_of_edit_rebuilds_to_the_clean_build(tmp_path):
    project = copy_project(tmp_path / "project")
    shutil.copytree(TALK, project / "talk")
    talk = project / "talk"
    variables = {"CONFDIR": "talk", "HANDBOOK": "talk/source", "DECK": "talk/slides", "NAME": "tea"}
    first = make(project, "all", **variables)
    assert first.returncode == 0, first.stdout + first.stderr
    fragment = talk / "source" / "_shared" / "brewing.md"
    saved = tmp_path / "brewing.md"
    shutil.copy2(fragment, saved)  # the fragment as it was, with its time
    time.sleep(0.01)

    glossary = "```{glossary}\nSencha\n  A steamed green tea.\n```\n"
    steps = [
        # A page (here with index entries, that later steps leave alone), the data, a fragment.
        ("a page, with a glossary, the data file and a shared fragment", lambda: (
            edit(talk / "source" / "index.md", "```{toctree}", glossary + "\n```{toctree}"),
            edit(talk / "source" / "_data" / "projects.yaml", "A green tea", "A steamed green tea"),
            edit(fragment, "- Three minutes", "- Boil the water\n- Three minutes"))),
        ("site-wide inputs: templates, a stylesheet, conf.py", lambda: (
            edit(talk / "_templates" / "projects" / "list.md", "): {{", ") - {{"),
            (talk / "_templates" / "layout.html").write_text(
                '{% extends "!layout.html" %}\n{% block extrahead %}{{ super() }}<meta name="x-edit" content="1">'
                "{% endblock %}\n", encoding="utf-8"),
            edit(talk / "_static" / "handbook" / "talk.css", "bold", "normal"),
            edit(talk / "conf.py", 'html_title = "Tea for developers: the handbook"', 'html_title = "Tea: the handbook"'))),
        # The bug that made the extension declare its version: new code, old pages.
        ("the extension's code", lambda: edit(project / "talkbook" / "crosslinks.py", '"Read more in the handbook"',
                                              '"Read on in the handbook"')),
        ("a page added to a toctree", lambda: (
            (talk / "source" / "steeping.md").write_text("(steeping)=\n# Steeping\n\nLonger for black tea.\n"),
            edit(talk / "source" / "index.md", "brewing\n```", "brewing\nsteeping\n```"))),
        ("a page removed from a toctree", lambda: (
            (talk / "source" / "steeping.md").unlink(),
            edit(talk / "source" / "index.md", "brewing\nsteeping\n```", "brewing\n```"))),
        ("a file put back with an older time", lambda: shutil.copy2(saved, fragment)),
    ]
    for number, (step, change) in enumerate(steps, start=1):
        change()
        rebuild_equals_clean(project, variables, step, number)


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
    found = differences(project / "_build", built_site.builddir)
    assert not found, "the rebuild of the real talk is not the clean build:\n" + "\n".join(found)
    # No process of ours outlives make.
    ours = [p for p in Path("/proc").iterdir() if p.name.isdigit() and _runs_from(p, project)]
    assert ours == []


def _runs_from(process: Path, project: Path) -> bool:
    try:
        return str(project) in (process / "cmdline").read_bytes().decode(errors="replace") and \
            int(process.name) != os.getpid()
    except OSError:
        return False


def test_a_label_moved_to_a_page_read_first_is_not_a_duplicate(make_app, tmp_path):
    # Sphinx reads the changed pages one after the other, each forgotten just
    # before it is read: the page that gets the label ("a") is read before
    # the page that loses it ("z") is forgotten.
    from conftest import warnings

    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text('extensions = ["myst_parser", "talkbook"]\ntalkbook_deck_srcdir = "slides"\n'
                                 'talkbook_handbook_srcdir = "."\n', encoding="utf-8")
    (src / "index.md").write_text("# Home\n\n```{toctree}\na\nz\n```\n\nSee {ref}`moving`.\n", encoding="utf-8")
    (src / "a.md").write_text("# A\n\nText.\n", encoding="utf-8")
    (src / "z.md").write_text("# Z\n\n(moving)=\n## Moving\n\nText.\n", encoding="utf-8")
    first = make_app("html", srcdir=src, builddir=tmp_path / "out")
    first.build()
    assert warnings(first) == []
    first.cleanup()
    time.sleep(0.01)
    (src / "a.md").write_text("# A\n\n(moving)=\n## Moving\n\nText.\n", encoding="utf-8")
    (src / "z.md").write_text("# Z\n\nText.\n", encoding="utf-8")
    again = make_app("html", srcdir=src, builddir=tmp_path / "out")
    again.build()
    assert warnings(again) == []
    assert 'href="a.html#moving"' in (again.outdir / "index.html").read_text(encoding="utf-8")


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
