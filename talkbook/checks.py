"""Checks on the sources that turn hand-editing mistakes into clear messages.

Each problem is a warning (an error under ``-W``) that names the file and the
line and says what to do, raised before the mistake can crash the build:

- a file that is not UTF-8 (Sphinx would stop with an "Encoding error!" that
  names no file: here the build stops with the file and the line);
- an ``{include}`` of a file that does not exist, that is outside the talk's
  folder (:mod:`talkbook.boundary`), or that includes itself, directly or
  through others (Sphinx would stop with "Recursion error!"). The path is
  taken as MyST takes it: from the folder of the page being read, also in a
  fragment that the page includes; a path that starts with ``/`` is from the
  source folder;
- directives nested deeper than :data:`MAX_DEPTH` (Python would run out of
  stack, and Sphinx stop with a "Recursion error" that names no file);
- a heading with no text (on the deck: a slide with no title);
- a ``{figure}`` whose content is blank lines only (docutils 0.22 would stop
  with an UnboundLocalError): it is a figure without a caption.

And every part of a page that a directive made without a line (a heading
inside a ``{note}``, say) gets the line of what holds it, so that any later
warning about it (Sphinx's "duplicate label"...) names a line too.

The pages are read for this with MyST's own Markdown parser, so a directive
is found wherever MyST finds it: in a list, a quote, or another directive.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.statemachine import StringList
from sphinx.directives import patches
from sphinx.errors import SphinxError
from sphinx.util import logging

from talkbook.boundary import outside_talk
from talkbook.config import is_deck

if TYPE_CHECKING:
    from collections.abc import Iterator

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)

#: Directives inside directives, at most (real pages nest three or four; Python's
#: stack holds about 150 levels of MyST directives).
MAX_DEPTH = 30
#: Directives whose content is not Markdown: nothing in it is a directive.
_LITERAL = {"code-block", "code", "sourcecode", "literalinclude", "revealjs-code-block", "revealjs-literalinclude",
            "raw", "math", "csv-table", "eval-rst", "highlight", "revealjs-slide", "graphviz", "mermaid"}
_DIRECTIVE = re.compile(r"^\{(?P<name>[^}\s]+)\}\s*(?P<argument>.*)$")


def utf8_problem(path: Path) -> tuple[int, str] | None:
    """Where *path* stops being UTF-8: (line, description), or None if it is fine."""
    data = path.read_bytes()
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        return line, f"byte 0x{data[err.start]:02x} at line {line} is not UTF-8"
    return None


@functools.lru_cache(maxsize=8)
def _parser(extensions: frozenset[str]):
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    parser = create_md_parser(MdParserConfig(enable_extensions=set(extensions)), RendererHTML)
    # Directives and targets are blocks: the inline parse would find no more of them.
    parser.disable("inline")
    return parser


def block_parser(app: Sphinx):
    """MyST's Markdown parser with this project's syntax extensions, blocks only."""
    return _parser(_extensions(app))


def _extensions(app: Sphinx) -> frozenset[str]:
    return frozenset(getattr(app.config, "myst_enable_extensions", ()) or ())


#: A line that may open a directive (in a list or a quote too): counted before anything is parsed.
_OPENING = re.compile(r"^[\s>*+\-\d.)]*(?:`{3,}|~{3,}|:{3,})\s*\{", re.M)


@functools.lru_cache(maxsize=512)
def _directives_of(extensions: frozenset[str], text: str) -> tuple[Directive, ...]:
    """The directives of *text* worth a look (includes; all of them when they could nest too
    deep), parsed once per text: a fragment is read for each page that includes it."""
    if "{include}" not in text and len(_OPENING.findall(text)) <= MAX_DEPTH:
        return ()
    return tuple(directives_in(_parser(extensions), text))


@dataclass(frozen=True)
class Directive:
    name: str
    argument: str
    first: int  # index of the line that opens it
    last: int  # index of its closing line
    depth: int  # 1 for a directive of the page itself, 2 for one inside it...


def directives_in(parser, text: str, offset: int = 0, depth: int = 1) -> Iterator[Directive]:
    """Each MyST directive of *text*, those inside others too, outermost first."""
    for token in parser.parse(text):
        if token.type not in ("fence", "colon_fence") or token.map is None:
            continue
        match = _DIRECTIVE.match(token.info.strip())
        if not match:
            continue
        found = Directive(match["name"], match["argument"].strip(), token.map[0] + offset,
                          token.map[1] - 1 + offset, depth)
        yield found
        if found.name not in _LITERAL:
            yield from directives_in(parser, token.content, found.first + 1, depth + 1)


def _include_target(app: Sphinx, argument: str) -> Path:
    """The file MyST reads for ``{include} argument`` in the page being read."""
    return Path(app.env.relfn2path(argument)[1])


def _cycle_from(app: Sphinx, start: Path, chain: list[Path]) -> list[Path] | None:
    """The include loop reachable from *start*, given the files already on *chain*."""
    if start in chain:
        return [*chain[chain.index(start):], start]
    if outside_talk(start, app.config):
        return None  # never read: refused where it is named
    try:
        text = start.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError):
        return None
    for directive in _directives_of(_extensions(app), text):
        if directive.name == "include":
            loop = _cycle_from(app, _include_target(app, directive.argument), [*chain, start])
            if loop:
                return loop
    return None


def _include_problem(app: Sphinx, path: Path, directive: Directive, show) -> str | None:
    target = directive.argument
    if target.startswith("<") and target.endswith(">"):
        return None  # docutils' own files of character names
    resolved = _include_target(app, target)
    outside = outside_talk(resolved, app.config)
    if outside:
        return f"{{include}} {target}: {outside}"
    if not resolved.is_file():
        return (f"{{include}} {target}: there is no such file ({show(resolved)}). The path is relative to "
                "the page (also in a fragment it includes), or to the source folder when it starts with '/': "
                "fix it, or create the file.")
    bad = utf8_problem(resolved)
    if bad:
        return f"{{include}} {target}: {show(resolved)} is not UTF-8 ({bad[1]}): save it as UTF-8."
    loop = _cycle_from(app, resolved, [path.resolve()])
    if loop and loop[0] == path.resolve():  # a loop further down is reported where it closes
        return ("{include} " + target + " makes a loop: " + " -> ".join(show(p) for p in loop)
                + ". A file must not include itself: remove the include that points back.")
    return None


def check_directives(app: Sphinx, path: Path, text: str) -> str:
    """Report bad includes and too deep directives in *text* (the content of *path*), and drop them.

    Dropping a directive (its lines become blank, so line numbers stay right)
    keeps one clear message per mistake instead of a crash or a cascade, and
    a file outside the talk is never read.
    """
    confdir = Path(app.confdir).resolve()
    lines = text.split("\n")

    def show(p: Path) -> str:
        try:
            return p.relative_to(confdir).as_posix()
        except ValueError:
            return str(p)

    dropped_until = -1
    for directive in _directives_of(_extensions(app), text):
        if directive.first <= dropped_until:
            continue  # inside a directive dropped already
        if directive.depth > MAX_DEPTH:
            problem = (f"directives nested {directive.depth} deep (at most {MAX_DEPTH}): this one, "
                       f"{{{directive.name}}}, and what it holds are left out. Nest fewer directives.")
        elif directive.name == "include":
            problem = _include_problem(app, path, directive, show)
        else:
            continue
        if problem:
            logger.warning(problem, location=f"{path}:{directive.first + 1}", type="talkbook",
                           subtype="include" if directive.name == "include" else "nesting")
            for index in range(directive.first, min(directive.last, len(lines) - 1) + 1):
                lines[index] = ""
            dropped_until = directive.last
    return "\n".join(lines)


def _source_read(app: Sphinx, docname: str, source: list[str]) -> None:
    path = Path(app.env.doc2path(docname))
    if app.config.source_suffix.get(path.suffix) == "markdown":
        source[0] = check_directives(app, path, source[0])


def _include_read(app: Sphinx, relative_path: Path, parent_docname: str, content: list[str]) -> None:
    content[0] = check_directives(app, (Path(app.srcdir) / relative_path).resolve(), content[0])


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


def _empty_titles(app: Sphinx, doctree: nodes.document) -> None:
    for section in doctree.findall(nodes.section):
        title = section.next_node(nodes.title)
        if title is None or not title.astext().strip():
            what = "slide" if is_deck(app.config) else "section"
            logger.warning("a %s with no title: write the title after the #s of its heading.",
                           what, location=section, type="talkbook", subtype="title")


def _lines_for_all(app: Sphinx, doctree: nodes.document) -> None:
    for node in doctree.findall(nodes.Element):
        if node.line is None and node.parent is not None:
            holder = node.parent
            while holder is not None and holder.line is None:
                holder = holder.parent
            if holder is not None:
                node.line = holder.line
                node.source = node.source or holder.source


class Figure(patches.Figure):
    """Sphinx's figure, that takes content of blank lines only for no content."""

    def run(self) -> list[nodes.Node]:
        if not any(line.strip() for line in self.content):
            self.content = StringList()
        return super().run()


def setup_checks(app: Sphinx) -> None:
    app.add_directive("figure", Figure, override=True)
    app.connect("env-before-read-docs", _before_read)
    app.connect("source-read", _source_read)
    app.connect("include-read", _include_read)
    app.connect("doctree-read", _empty_titles)
    # Before Sphinx's collectors and domains (priority 500) warn about the page.
    app.connect("doctree-read", _lines_for_all, priority=150)
