"""Fuzzing the inputs: Hypothesis writes random and hostile sources, the extension builds them.

Each example is a copy of the small talk of tests/talks/second with, drawn
by Hypothesis: handbook pages and a slide made of hostile pieces (HTML and
script where text goes, links of every scheme, includes and images of files
outside the talk, labels with any characters, directives nested deep, bytes
that are not text), its data file and its data template, mangled or not, and
sometimes a symbolic link out of the talk. Both sides are built (Sphinx's
test application, in the test's process). Whatever is drawn:

- the build ends, or stops with talkbook's own message that starts with the
  file (and the line): never another exception, which ``make`` would show as
  a crash;
- every warning names a file, and talkbook's own a line too (a few of
  Sphinx's and MyST's name no line);
- no page holds a script, a handler or a ``javascript:`` address that the
  theme's files do not account for (talkbook.testing.scripts);
- nothing of the files outside the talk is in the output.

Builds are slow, so the examples are few (30; ``TALKBOOK_FUZZ_EXAMPLES=400``
for a longer hunt) and have no time limit; under CI the same examples run
each time (``derandomize``), elsewhere new ones do. A failure prints the
example to reproduce.
"""

from __future__ import annotations

import io
import os
import re
import shutil
from pathlib import Path

from bs4 import BeautifulSoup
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from sphinx.application import Sphinx
from sphinx.errors import SphinxError
from sphinx.util.docutils import docutils_namespace, patch_docutils

from machinery.support import SECOND
from talkbook.testing.scripts import allowed, foreign, written

TALK = SECOND
SECRET = "outside-the-talk-5b1e"
IN_CI = os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")
#: Where a located message starts: the file, and the line if it has one.
LOCATED = re.compile(r"^/\S+?(:\d+)?: ")
WARNING = re.compile(r"^(?P<where>.*?): (?:WARNING|ERROR|CRITICAL|SEVERE): ")
#: A warning's file, and its line if it has one.
WHERE = re.compile(r"^(?P<file>/\S+?)(?::(?P<line>\d*))?: (?:WARNING|ERROR|CRITICAL|SEVERE): ")

#: Paths a page may name, from the handbook's pages (source/): inside the talk, outside it, nowhere.
PATHS = ["_shared/brewing.md", "../conf.py", "brewing.md", "nowhere.md", "/brewing.md", "../../secret.md",
         "../../secret.svg", "../../../secret.md", "SECRET_ABS", "/etc/hostname",
         "../../../../../../../../../../etc/passwd", "linked.md", "pot.svg"]
INLINE = ['<img src=x onerror="alert(1)">', "<script>alert(1)</script>", "<kbd>S</kbd>", "</b>",
          '<a href="javascript:alert(1)">a</a>', "[a](javascript:alert(1))", "[a](JaVa\tScRiPt:alert(1))",
          "[a](data:text/html,<script>alert(1)</script>)", "<javascript:alert(1)>", "[a](https://example.org/)",
          "{ref}`nowhere`", "{slide}`a slide <nowhere>`", "{handbook}`x <brewing>`", "{{ nothing }}", "**b**",
          "`code`", "<!-- a comment -->", '[a]{onclick="alert(1)"}', "{download}`a file <PATH>`", "![a](PATH)",
          "\x00", "\ufeff", "é", "日本", "\\", "{", "`", "<svg onload=alert(1)>", "&lt;", "&#x3C;script&#x3E;"]
WORDS = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=12)
LABELS = st.one_of(st.sampled_from(["brewing", "where_to_brew", "café", "日本", "a--b", "9lives", "Tea", "x"]),
                   st.from_regex(r"[a-z][a-z0-9-]{0,8}", fullmatch=True))
DIRECTIVES = ["note", "warning", "include", "literalinclude", "image", "figure", "csv-table", "raw",
              "diagram", "render", "eval-rst", "code-block", "toctree", "glossary", "slide-only",
              "handbook-only", "crosslink", "revealjs-notes", "revealjs-fragments", "revealjs-section",
              "revealjs-slide", "no-such-directive"]
OPTIONS = [":literal:", ":file: PATH", ":alt: A picture <img src=x onerror=alert(1)>", ":class: x",
           ':data-background-iframe: javascript:alert(1)', ':data-background-color: red" onclick="alert(1)',
           ":data-background-image: PATH", ":caption: <b onclick=alert(1)>c</b>", ":url: https://example.org/x.csv",
           ":diff: PATH", ":start-line: 1", ":parser: rst"]
BODIES = ["", "Some text.", "PATH", "html\n<script>alert(1)</script>", ".. include:: PATH",
          ".. raw:: html\n   :file: PATH", ".. raw:: html\n\n   <script>alert(1)</script>",
          "Term <img src=x onerror=alert(1)>\n  A definition.", "javascript://%0aalert(1)",
          '{"dependencies": [{"src": "evil.js"}]}', '{"transition": "</script><script>alert(1)</script>"}',
          "projects/list.md", "alert(1)", "brewing"]


def inline_text():
    return st.lists(st.one_of(WORDS, st.sampled_from(INLINE)), max_size=5).map(" ".join)


@st.composite
def directive(draw, depth: int = 0) -> str:
    name = draw(st.sampled_from(DIRECTIVES))
    argument = draw(st.one_of(st.just(""), st.sampled_from(PATHS), inline_text()))
    options = draw(st.lists(st.sampled_from(OPTIONS), max_size=2))
    body = draw(st.sampled_from(BODIES)) if depth > 1 or draw(st.booleans()) else draw(block(depth + 1))
    fence = "`" * (3 + 2 * (2 - min(depth, 2))) if depth < 3 else "```"
    return f"{fence}{{{name}}} {argument}\n" + "".join(f"{o}\n" for o in options) + f"\n{body}\n{fence}\n"


def nested(depth: int) -> str:
    """*depth* notes inside each other (colon fences: each outer one longer)."""
    return ("".join(":" * (depth + 3 - i) + "{note}\n" for i in range(depth)) + "Deep.\n"
            + "".join(":" * (4 + i) + "\n" for i in range(depth)))


@st.composite
def block(draw, depth: int = 0) -> str:
    kind = draw(st.sampled_from(["heading", "paragraph", "label", "html", "table", "list", "nested"]
                                + (["directive"] * 3 if depth < 3 else [])))
    if kind == "heading":
        return "#" * draw(st.integers(1, 4)) + " " + draw(inline_text()) + "\n"
    if kind == "label":
        return f"({draw(LABELS)})=\n## {draw(inline_text())}\n"
    if kind == "html":
        return draw(st.sampled_from(["<div onclick=\"alert(1)\">x</div>", "<script>alert(1)</script>",
                                     "<iframe src=\"javascript:alert(1)\"></iframe>", "<!-- c -->",
                                     "<style>body{background:url(javascript:alert(1))}</style>"])) + "\n"
    if kind == "table":
        return f"| {draw(inline_text())} | b |\n| --- | --- |\n| {draw(inline_text())} | c |\n"
    if kind == "list":
        return "".join(f"- {draw(inline_text())}\n" for _ in range(draw(st.integers(1, 3))))
    if kind == "nested":
        return nested(draw(st.sampled_from([2, 29, 31, 60])))
    if kind == "directive":
        return draw(directive(depth))
    return draw(inline_text()) + "\n"


@st.composite
def talks(draw) -> dict:
    pages = draw(st.lists(st.lists(block(), min_size=1, max_size=6).map("\n".join), min_size=1, max_size=3))
    return {
        "pages": pages,
        "slide": draw(st.lists(block(), max_size=4).map("\n".join)),
        "raw_page": draw(st.sampled_from([None, b"\xff\xfe not text", b"\xef\xbb\xbf# A title after a BOM\n",
                                          b"# Nul \x00 byte\n"])),
        # Mostly data that loads, so that most examples get as far as the pages.
        "data": draw(st.sampled_from(["as it is"] * 6 + ["hostile"] * 3 + ["bad date", "nul", "syntax",
                                                                          "not a mapping"])),
        "template": draw(st.sampled_from(["as it is", "bom", "include outside", "include absolute",
                                          "syntax", "undefined", "extends itself"])),
        "symlink": draw(st.sampled_from([None] * 8 + ["out", "loop", "inside"])),
    }


def _write(talk: Path, drawn: dict, outside: Path) -> None:
    def paths(text: str) -> str:
        return text.replace("SECRET_ABS", str(outside / "secret.md")).replace("PATH", "../../secret.md")

    source = talk / "source"
    (source / "pot.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg"><rect width="4" height="4"/></svg>\n',
                                    encoding="utf-8")
    names = []
    for number, page in enumerate(drawn["pages"]):
        names.append(f"fuzz-{number}")
        (source / f"fuzz-{number}.md").write_text(f"# Page {number}\n\n{paths(page)}\n", encoding="utf-8")
    if drawn["raw_page"] is not None:
        names.append("raw")
        (source / "raw.md").write_bytes(drawn["raw_page"])
    index = (source / "index.md").read_text(encoding="utf-8")
    (source / "index.md").write_text(index.replace("brewing\n```", "brewing\n" + "\n".join(names) + "\n```"),
                                     encoding="utf-8")
    with open(talk / "slides" / "index.md", "a", encoding="utf-8") as deck:
        deck.write("\n(fuzzed)=\n## A fuzzed slide\n\n" + paths(drawn["slide"]) + "\n\n```{revealjs-notes}\nNotes.\n```\n")
    data = source / "_data" / "projects.yaml"
    text = data.read_text(encoding="utf-8")
    data.write_text({
        "as it is": text,
        "hostile": text.replace("A green tea", "<script>alert(1)</script> {ref}`x` [a](javascript:alert(1))"),
        "bad date": text.replace('as_of: "2026-11"', "as_of: 2026-02-30"),
        "nul": text.replace("A green tea", "A green\x00tea"),
        "syntax": text.replace("slug: sencha", "slug: [sencha"),
        "not a mapping": "- just\n- a list\n",
    }[drawn["data"]], encoding="utf-8")
    template = talk / "_templates" / "projects" / "list.md"
    body = template.read_text(encoding="utf-8")
    template.write_bytes({
        "as it is": body.encode(),
        "bom": b"\xef\xbb\xbf" + body.encode(),
        "include outside": b'{% include "../../../secret.md" %}\n' + body.encode(),
        "include absolute": f'{{% include "{outside / "secret.md"}" %}}\n'.encode() + body.encode(),
        "syntax": b"{% for p in projects %}\n- {{ p.name }\n",
        "undefined": b"{{ no_such_value }}\n",
        "extends itself": b'{% extends "projects/list.md" %}\n',
    }[drawn["template"]])
    link = source / "linked.md"
    if drawn["symlink"] == "out":
        link.symlink_to(outside / "secret.md")
    elif drawn["symlink"] == "loop":
        (source / "again").symlink_to("..")
    elif drawn["symlink"] == "inside":
        link.symlink_to("brewing.md")


def _build(srcdir: Path, builder: str, builddir: Path) -> tuple[Path | None, list[str], str | None]:
    """Build one side, as sphinx-build does (conf.py in the folder above): (its output folder,
    its warnings, the message it stopped with)."""
    said = io.StringIO()
    outdir = builddir / builder
    try:
        with patch_docutils(srcdir.parent), docutils_namespace():
            app = Sphinx(srcdir, srcdir.parent, outdir, builddir / "doctrees", builder, status=None,
                         warning=said, freshenv=True, keep_going=True)
            app.build()
        stopped = None
    except SphinxError as err:  # talkbook's own stops: a file (and a line) first
        stopped = str(err)
    found = [line for line in re.sub(r"\x1b\[[0-9;]*m", "", said.getvalue()).splitlines() if WARNING.match(line)]
    return (outdir if stopped is None else None), found, stopped


@settings(max_examples=int(os.environ.get("TALKBOOK_FUZZ_EXAMPLES", 30)), deadline=None, derandomize=IN_CI, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.data_too_large])
@given(drawn=talks())
def test_any_input_builds_or_is_named_and_runs_no_script(tmp_path_factory, drawn):
    top = tmp_path_factory.mktemp("fuzz")
    talk = shutil.copytree(TALK, top / "outside" / "talk")
    for folder in (top, top / "outside"):  # ../../ and ../../../ from the sources: outside the talk
        (folder / "secret.md").write_text(f"{SECRET}\n", encoding="utf-8")
        (folder / "secret.svg").write_text(f'<svg xmlns="http://www.w3.org/2000/svg"><text>{SECRET}</text></svg>',
                                           encoding="utf-8")
    _write(talk, drawn, top / "outside")
    rules = allowed((talk / "_templates",), "furo")
    for side, builder in (("source", "html"), ("slides", "revealjs")):
        outdir, said, stopped = _build(talk / side, builder, top / f"build-{side}")
        event(f"{side}: " + ("stopped" if stopped else f"built, {'warned' if said else 'silent'}"))
        assert stopped is None or LOCATED.match(stopped), f"{side}: stopped without a file: {stopped}"
        # Every warning names its file, and talkbook's own their line. (Sphinx and MyST name no
        # line for a few of theirs: a duplicate glossary term in a slide's directive, say.)
        where = [(line, WHERE.match(line)) for line in said]
        unlocated = [line for line, found in where if not found or ("[talkbook." in line and not found["line"])]
        assert not unlocated, f"{side}: warnings without a file (and a line):\n" + "\n".join(unlocated)
        for folder in (outdir, top / f"build-{side}"):
            if folder and folder.exists():
                leaked = [p for p in folder.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
                assert not leaked, f"{side}: the file outside the talk reached {leaked}"
        if outdir is None:
            continue
        for page in sorted(p for p in outdir.rglob("*.html") if "_static" not in p.relative_to(outdir).parts):
            where = page.relative_to(outdir).as_posix()
            found = foreign(written(BeautifulSoup(page.read_bytes(), "html.parser"), where), outdir, "/", rules)
            assert not found, f"{side}: {where} holds what the theme did not write: {found}"


def test_the_fuzzed_talk_is_the_small_talk_when_nothing_is_drawn(tmp_path):
    # The harness itself: with nothing hostile, both sides build without a word.
    talk = shutil.copytree(TALK, tmp_path / "talk" / "talk")
    drawn = {"pages": ["Plain text."], "slide": "", "raw_page": None, "data": "as it is",
             "template": "as it is", "symlink": None}
    _write(talk, drawn, tmp_path)
    for side, builder in (("source", "html"), ("slides", "revealjs")):
        outdir, said, stopped = _build(talk / side, builder, tmp_path / f"build-{side}")
        assert stopped is None and said == [], (side, stopped, said)
        assert (outdir / "index.html").is_file()
