"""Checks on the sources that turn hand-editing mistakes into clear messages.

Each problem is a warning (an error under ``-W``) that names the file and the
line and says what to do, raised before the mistake can crash the build:

- a file that is not UTF-8 (Sphinx would stop with an "Encoding error!" that
  names no file: here the build stops with the file and the line);
- an ``{include}`` of a file that does not exist, or that includes itself,
  directly or through others (Sphinx would stop with "Recursion error!");
- a heading with no text (on the deck: a slide with no title).

And it makes the output safe: raw HTML written in Markdown and links with a
``javascript:``-like scheme are shown as text, in both outputs, never run.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import SphinxError
from sphinx.util import logging

from talkbook.config import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

_INCLUDE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\{include\}\s*(?P<target>\S+)\s*$")
_UNSAFE_SCHEMES = ("javascript:", "vbscript:", "data:", "file:")


def utf8_problem(path: Path) -> tuple[int, str] | None:
    """Where *path* stops being UTF-8: (line, description), or None if it is fine."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return line, f"byte 0x{data[err.start]:02x} at line {line} is not UTF-8"
    return None


def _include_lines(text: str) -> list[tuple[int, int, str]]:
    """(first line index, last line index, target) of each fenced {include}."""
    lines = text.splitlines()
    found = []
    for index, line in enumerate(lines):
        match = _INCLUDE.match(line)
        if not match:
            continue
        fence = match.group("fence")
        end = index
        for later in range(index + 1, len(lines)):
            stripped = lines[later].strip()
            if stripped and set(stripped) == {fence[0]} and len(stripped) >= len(fence):
                end = later
                break
        found.append((index, end, match.group("target")))
    return found


def _cycle_from(start: Path, chain: list[Path]) -> list[Path] | None:
    """The include loop reachable from *start*, given the files already on *chain*."""
    if start in chain:
        return [*chain[chain.index(start):], start]
    try:
        text = start.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    for _first, _last, target in _include_lines(text):
        loop = _cycle_from((start.parent / target).resolve(), [*chain, start])
        if loop:
            return loop
    return None


def check_includes(path: Path, text: str, confdir: Path) -> str:
    """Report bad includes in *text* (the content of *path*) and drop them.

    Dropping the directive (its lines become blank, so line numbers stay right)
    keeps one clear message per mistake instead of a crash or a cascade.
    """
    lines = text.split("\n")
    def show(p: Path) -> str:
        try:
            return p.relative_to(confdir).as_posix()
        except ValueError:
            return str(p)

    for first, last, target in _include_lines(text):
        resolved = (path.parent / target).resolve()
        problem = None
        if not resolved.is_file():
            problem = (f"{{include}} {target}: there is no such file ({show(resolved)}). "
                       "The path is relative to the file that holds the directive: fix it, or create the file.")
        else:
            bad = utf8_problem(resolved)
            loop = None if bad else _cycle_from(resolved, [path.resolve()])
            if loop and loop[0] != path.resolve():
                loop = None  # a loop further down: reported where it closes, when that file is read
            if bad:
                problem = f"{{include}} {target}: {show(resolved)} is not UTF-8 ({bad[1]}): save it as UTF-8."
            elif loop:
                problem = ("{include} " + target + " makes a loop: " + " -> ".join(show(p) for p in loop)
                           + ". A file must not include itself: remove the include that points back.")
        if problem:
            logger.warning(problem, location=f"{path}:{first + 1}", type="talkbook", subtype="include")
            for index in range(first, last + 1):
                lines[index] = ""
    return "\n".join(lines)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    source[0] = check_includes(path, source[0], Path(app.confdir))


def _include_read(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    path = (Path(app.srcdir) / relative_path).resolve()
    content[0] = check_includes(path, content[0], Path(app.confdir))


class SourceError(SphinxError):
    """A source that cannot be read; its message names the file and line."""

    category = "Source error"


def _before_read(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    # Sphinx would stop with a bare "Encoding error!" that names no file.
    for docname in docnames:
        path = Path(env.doc2path(docname))
        problem = utf8_problem(path)
        if problem:
            raise SourceError(f"{path}:{problem[0]}: the file is not UTF-8 text ({problem[1]}): "
                              "save it as UTF-8 in your editor.")


def _make_safe(app: Sphinx, doctree: nodes.document) -> None:
    """Show raw HTML from Markdown, and links that would run code, as plain text."""
    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("talkbook-generated"):
            continue  # our diagrams: checked and built by us
        if "html" in raw.get("format", "").split():
            text = raw.astext()
            if text.strip().startswith("<!--") and text.strip().endswith("-->"):
                raw.parent.remove(raw)  # an HTML comment: show nothing, as a browser would
                continue
            inline = isinstance(raw.parent, nodes.TextElement)
            replacement = nodes.literal(text, text) if inline else nodes.literal_block(text, text)
            replacement["classes"].append("talkbook-escaped-html")
            replacement["language"] = "text"
            raw.replace_self(replacement)
    for ref in list(doctree.findall(nodes.reference)):
        uri = ref.get("refuri", "")
        if uri.strip().lower().startswith(_UNSAFE_SCHEMES):
            ref.replace_self(nodes.inline(ref.astext(), ref.astext(), classes=["talkbook-unsafe-link"]))
    for xref in list(doctree.findall(addnodes.pending_xref)):
        target = str(xref.get("reftarget", ""))
        if target.strip().lower().startswith(_UNSAFE_SCHEMES):
            xref.replace_self(nodes.inline(xref.astext(), xref.astext(), classes=["talkbook-unsafe-link"]))


def _empty_titles(app: Sphinx, doctree: nodes.document) -> None:
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is None or not title.astext().strip():
            what = "slide" if is_deck(app.config) else "section"
            logger.warning("a %s with no title: write the title after the #s of its heading.",
                           what, location=section, type="talkbook", subtype="title")


def setup_checks(app: Sphinx) -> None:
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _source_read)
    app.connect("include-read", _include_read)
    app.connect("doctree-read", _make_safe)
    app.connect("doctree-read", _empty_titles)
