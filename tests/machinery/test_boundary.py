"""The talk's folder is the boundary: no directive, link or template reads a file outside it.

Each test writes a small talk into a folder of its own, with a secret file
beside that folder (outside the talk), and pages that try to read the
secret in every way a page can name a file. The build must say where each
attempt is and what to do, and nothing of the secret may reach the output.
"""

from __future__ import annotations

import multiprocessing
import os
import textwrap
from pathlib import Path

import jinja2
import pytest
from sphinx.testing.util import SphinxTestApp

from machinery.support import warnings

SECRET = "the-build-machine-secret-1729"
CONF = textwrap.dedent("""\
    extensions = ["myst_parser", "talkbook"]
    exclude_patterns = ["_build", "slides"]
    myst_enable_extensions = ["colon_fence"]
    templates_path = ["_templates"]
    talkbook_deck_srcdir = "slides"
    talkbook_handbook_srcdir = "."
    talkbook_require_notes = False
""")

#: (name, what the page writes, given the secret's path relative to the page and absolute)
ATTEMPTS = {
    "include": "```{{include}} {rel}\n```",
    "include-literal": "```{{include}} {rel}\n:literal:\n```",
    "include-code": "```{{include}} {rel}\n:code: text\n```",
    "include-in-a-quote": "> ```{{include}} {rel}\n> ```",
    "include-in-a-directive": ":::{{note}}\n```{{include}} {rel}\n```\n:::",
    "literalinclude": "```{{literalinclude}} {rel}\n```",
    "literalinclude-diff": "```{{literalinclude}} index.md\n:diff: {rel}\n```",
    # "/x" is from the source folder, but "//x" is the machine's /x to Sphinx.
    "literalinclude-absolute": "```{{literalinclude}} /{abs}\n```",
    "include-absolute": "```{{include}} /{abs}\n```",
    "csv-table": "```{{csv-table}} Table\n:file: {abs}\n```",
    "raw": "```{{raw}} html\n:file: {rel}\n```",
    "rst-include": "```{{eval-rst}}\n.. include:: {rel}\n```",
    "image": "![a picture]({rel})",
    "image-directive": "```{{image}} {rel}\n```",
    "figure": "```{{figure}} {rel}\n\nA caption.\n```",
    "download": "{{download}}`the file <{rel}>`",
    "diagram": "```{{diagram}} {rel}\n:alt: A diagram.\n```",
}


def _talk(root: Path, body: str, conf: str = "") -> Path:
    root.mkdir(parents=True)
    (root / "conf.py").write_text(CONF + conf, encoding="utf-8")
    (root / "index.md").write_text(f"# A talk\n\nSome text.\n\n{body}\n", encoding="utf-8")
    (root / "slides").mkdir()
    return root


def _build(root: Path, builddir: Path) -> tuple[Path, list[str]]:
    app = SphinxTestApp("html", srcdir=root, builddir=builddir)
    try:
        app.build()
        return Path(app.outdir), warnings(app)
    finally:
        app.cleanup()


def _everything_in(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in folder.rglob("*") if p.is_file())


@pytest.mark.parametrize("attempt", sorted(ATTEMPTS))
def test_a_page_cannot_read_a_file_outside_the_talk(tmp_path, attempt):
    secret = tmp_path / "secret.svg"
    secret.write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SECRET}</text></svg>\n', encoding="utf-8")
    body = ATTEMPTS[attempt].format(rel="../secret.svg", abs=secret)
    root = _talk(tmp_path / "talk", body)
    outdir, said = _build(root, tmp_path / "build")
    assert SECRET.encode() not in _everything_in(outdir)
    assert SECRET.encode() not in _everything_in(tmp_path / "build" / "doctrees")
    assert said, f"{attempt}: no warning"
    line = 6 if attempt in ("include-in-a-directive", "rst-include") else 5  # the directive's line
    assert said[0].startswith(f"{root / 'index.md'}:{line}: WARNING: "), said
    assert "outside the talk's folder" in said[0] and "talkbook_allowed_paths" in said[0], said


def _build_in_a_child(root: Path, builddir: Path, seconds: float) -> list[str] | None:
    """The build's warnings, or None when it did not end in *seconds* (it waits on a read)."""
    forks = multiprocessing.get_context("fork")
    receive, send = forks.Pipe(duplex=False)
    child = forks.Process(target=lambda: send.send(_build(root, builddir)[1]))
    child.start()
    child.join(seconds)
    if child.is_alive():
        child.kill()
        child.join()
        return None
    return receive.recv()


@pytest.mark.parametrize("attempt", ["include", "include-literal", "literalinclude", "csv-table", "raw"])
def test_a_file_outside_is_never_opened(tmp_path, attempt):
    # A named pipe: whoever opens it to read waits until someone writes, for ever.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    root = _talk(tmp_path / "talk", ATTEMPTS[attempt].format(rel="../pipe", abs=pipe))
    said = _build_in_a_child(root, tmp_path / "build", seconds=120)
    assert said is not None, f"{attempt}: the build opened the pipe outside the talk"
    assert any("outside the talk's folder" in line for line in said), said


def test_a_folder_named_in_talkbook_allowed_paths_may_be_read(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    (shared / "common.md").write_text("Text shared by several talks.\n", encoding="utf-8")
    root = _talk(tmp_path / "talk", "```{include} ../shared/common.md\n```", 'talkbook_allowed_paths = ["../shared"]\n')
    outdir, said = _build(root, tmp_path / "build")
    assert said == []
    assert "Text shared by several talks." in (outdir / "index.html").read_text(encoding="utf-8")


def test_a_symbolic_link_inside_the_talk_is_followed(tmp_path):
    root = _talk(tmp_path / "talk", "```{include} _shared/alias.md\n```")
    (root / "_shared").mkdir()
    (root / "_shared" / "real.md").write_text("Said through a link.\n", encoding="utf-8")
    (root / "_shared" / "alias.md").symlink_to("real.md")
    (root / "conf.py").write_text(CONF.replace('"slides"]', '"slides", "_shared"]'), encoding="utf-8")
    outdir, said = _build(root, tmp_path / "build")
    assert said == []
    assert "Said through a link." in (outdir / "index.html").read_text(encoding="utf-8")


def test_a_page_template_cannot_load_a_file_outside_the_talk(tmp_path):
    secret = tmp_path / "secret.html"
    secret.write_text(f"<p>{SECRET}</p>\n", encoding="utf-8")
    root = _talk(tmp_path / "talk", "")
    (root / "_templates").mkdir()
    (root / "_templates" / "layout.html").write_text(
        '{% extends "!layout.html" %}\n{% block footer %}{{ super() }}\n'
        f'{{% include "{secret}" %}}\n{{% endblock %}}\n', encoding="utf-8")
    outdir, said = _build(root, tmp_path / "build")
    assert SECRET.encode() not in _everything_in(outdir)
    assert said and said[0].startswith(f"{root / '_templates' / 'layout.html'}:3: WARNING: a template loads "), said
    assert "templates load only from templates_path" in said[0]


def test_a_data_template_that_links_out_of_the_talk_is_refused(tmp_path):
    from talkbook.templates import OutsideTalk, environment

    folder = tmp_path / "talk" / "_templates"
    folder.mkdir(parents=True)
    (tmp_path / "secret.md").write_text(SECRET, encoding="utf-8")
    (folder / "inside.md").write_text("{% include 'linked.md' %}\n", encoding="utf-8")
    (folder / "linked.md").symlink_to(tmp_path / "secret.md")
    env = environment((str(folder),), (str(tmp_path / "talk"),))
    with pytest.raises(OutsideTalk, match="outside the talk's folder"):
        env.get_template("inside.md").render()
    # And Jinja2's own rule holds: no name climbs out of the folder.
    with pytest.raises(jinja2.TemplateNotFound):
        env.get_template("../secret.md")
