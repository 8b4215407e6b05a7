"""The deck: sphinx-revealjs's builder, tuned for a talk that ships offline.

- Code is highlighted by Pygments at build time, like in the handbook, so the
  deck needs no highlight.js (1.9 MB) at run time.
- Every slide's ``<section>`` carries its label as ``id``: ``(why-python)=``
  above a heading gives the deep link ``slides/index.html#/why-python``.
- Slides are checked: each needs a label and, unless it is the title slide,
  speaker notes; text before the first heading has no slide to go on.
- Only the static files that a page or stylesheet refers to are kept: by
  default sphinx-revealjs copies all of reveal.js (Sass sources, every theme and
  plugin, about 5.7 MB).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote, urlsplit

from docutils import nodes
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator
from sphinx_revealjs.builders import RevealjsHTMLBuilder
from sphinx_revealjs.writers import RevealjsSlideTranslator

from talkbook.audit import css_urls
from talkbook.markers import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme"

_HTML_REF = re.compile(r"""\b(?:href|src)\s*=\s*(["'])([^"']+)\1""")


class DeckTranslator(RevealjsSlideTranslator):
    """sphinx-revealjs's translator with Pygments for code blocks."""

    visit_literal_block = HTML5Translator.visit_literal_block
    depart_literal_block = HTML5Translator.depart_literal_block


class DeckBuilder(RevealjsHTMLBuilder):
    """The ``revealjs`` builder, keeping only the static files the deck uses."""

    name = "revealjs"

    def init(self) -> None:
        # sphinx-revealjs's init appends its own folder to revealjs_static_path
        # and adds a key to revealjs_script_conf, in place. Both are "env"
        # options, pickled with the environment: the next build saw them
        # differ from conf.py's and read the whole deck again, every time (even
        # with nothing changed). Let it change copies, and keep conf.py's values.
        config = self.config
        static_path, script_conf = config.revealjs_static_path, config.revealjs_script_conf
        config.revealjs_static_path = list(static_path)
        if isinstance(script_conf, dict):
            config.revealjs_script_conf = dict(script_conf)
        try:
            super().init()
        finally:
            config.revealjs_static_path, config.revealjs_script_conf = static_path, script_conf

    def init_css_files(self) -> None:
        super().init_css_files()
        self.add_css_file("pygments.css")

    def copy_html_static_files(self, context: dict) -> None:
        # As Sphinx does, less the files that the last build pruned (most of
        # reveal.js): copying 5.7 MB to delete most of it was a tenth of a rebuild.
        # A page that comes to use one of them gets it back (prune_static).
        from sphinx.util.matching import Matcher
        from sphinx.util.fileutil import copy_asset

        unused = _read_unused(self)
        matcher = Matcher([*self.config.exclude_patterns, "**/.*"])

        def excluded(path: str) -> bool:  # path: relative to the entry, "./name" at its top
            return matcher(path) or path.removeprefix("./") in unused

        def onerror(filename: str, error: Exception) -> None:
            logger.warning("Failed to copy a file in html_static_file: %s: %r", filename, error)

        for entry in self.config.html_static_path:
            copy_asset(Path(self.confdir, entry), self._static_dir, excluded=excluded, context=context,
                       renderer=self.templates, onerror=onerror, force=True)

    def prune_static(self) -> None:
        """Prune ``_static``, bring back what a page uses that the copy left out,
        and note what the next build need not copy."""
        from sphinx.util.osutil import copyfile

        outdir = Path(self.outdir)
        static = outdir / "_static"
        sources = [Path(self.confdir, entry) for entry in self.config.html_static_path]
        while True:
            prune_unreferenced(outdir)
            back = 0
            for wanted in sorted(referenced(outdir)[1]):
                try:
                    rel = wanted.relative_to(static.resolve()).as_posix()
                except ValueError:
                    continue  # not a static file: nothing to bring back
                for source in sources:
                    if (source / rel).is_file():
                        (static / rel).parent.mkdir(parents=True, exist_ok=True)
                        copyfile(source / rel, static / rel, force=True)
                        back += 1
                        break
            if not back:
                break
        unused = sorted({p.relative_to(source).as_posix() for source in sources if source.is_dir()
                         for p in source.rglob("*") if p.is_file()
                         and not (static / p.relative_to(source)).exists()})
        (Path(self.doctreedir) / UNUSED_STATIC).write_text("\n".join(unused), encoding="utf-8")


#: In the deck's doctree folder: the static files its last build did not use.
UNUSED_STATIC = "talkbook-unused-static.txt"


def _read_unused(builder: DeckBuilder) -> set[str]:
    try:
        return set((Path(builder.doctreedir) / UNUSED_STATIC).read_text(encoding="utf-8").splitlines())
    except OSError:
        return set()


def _prune_after_build(app: Sphinx, exception: Exception | None) -> None:
    # Static files are copied before pages are written: prune once both are done.
    if exception is None and isinstance(app.builder, DeckBuilder):
        app.builder.prune_static()


def local_refs(path: Path, text: str) -> set[Path]:
    """The local files that an HTML page or a stylesheet refers to."""
    if path.suffix == ".css":
        refs = css_urls(text)
    else:
        refs = [match.group(2) for match in _HTML_REF.finditer(text)]
    found = set()
    for ref in refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path or ref.startswith("#"):
            continue
        found.add((path.parent / unquote(parts.path)).resolve())
    return found


def referenced(outdir: Path) -> tuple[set[Path], set[Path]]:
    """The files that the pages use, directly or through stylesheets: (there, missing)."""
    keep: set[Path] = set()
    missing: set[Path] = set()
    todo = [p.resolve() for p in outdir.glob("*.html")]
    while todo:
        page = todo.pop()
        if page in keep or page in missing:
            continue
        if not page.is_file():
            missing.add(page)
            continue
        keep.add(page)
        if page.suffix in (".html", ".css"):
            todo.extend(local_refs(page, page.read_text(encoding="utf-8", errors="replace")))
    return keep, missing


def prune_unreferenced(outdir: Path) -> list[Path]:
    """Delete files under ``_static`` that no page, and no kept stylesheet, uses."""
    static = outdir / "_static"
    if not static.is_dir():
        return []
    keep = referenced(outdir)[0]
    removed = []
    for path in sorted(static.rglob("*"), reverse=True):
        if path.is_file() and path.resolve() not in keep and path.name != "LICENSE":
            path.unlink()
            removed.append(path)
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    # A licence stays only beside files that are kept.
    for licence in static.rglob("LICENSE"):
        if not any(p.is_file() and p.name != "LICENSE" for p in licence.parent.rglob("*")):
            licence.unlink()
    for path in sorted(static.rglob("*"), reverse=True):
        if path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return removed


def _slide_sections(doctree: nodes.document) -> list[nodes.section]:
    """Sections that reveal.js shows as slides (heading levels 1 to 3)."""
    found = []
    for section in doctree.findall(nodes.section):
        depth, parent = 1, section.parent
        while parent is not None and not isinstance(parent, nodes.document):
            if isinstance(parent, nodes.section):
                depth += 1
            parent = parent.parent
        if depth <= 3:
            found.append(section)
    return found


def _has_notes(section: nodes.section) -> bool:
    from sphinx_revealjs._ext.notes import revealjs_notes

    for node in section.findall(revealjs_notes):
        owner = node.parent
        while owner is not None and not isinstance(owner, nodes.section):
            owner = owner.parent
        if owner is section:
            return True
    return False


def _check_and_label_slides(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    if not is_deck(app.builder.name):
        return
    std = app.env.domains["std"]
    label_ids = {labelid for name, (doc, labelid, _title) in std.labels.items() if doc == docname}
    for child in doctree.children:
        if not isinstance(child, (nodes.section, nodes.target, nodes.comment, nodes.meta,
                                  nodes.substitution_definition, nodes.docinfo)):
            logger.warning(
                "%s before the deck's first heading has no slide to go on: move it "
                "under a heading, or start the deck with a '# Title' line.",
                type(child).__name__, location=child, type="talkbook", subtype="slide",
            )
            break
    for index, section in enumerate(_slide_sections(doctree)):
        ids = section["ids"]
        title = section.next_node(nodes.title)
        title_text = title.astext() if title is not None else ""
        labelled = [i for i in ids if i in label_ids]
        if labelled:
            ids.remove(labelled[0])
            ids.append(labelled[0])  # sphinx-revealjs uses the last id.
        else:
            logger.warning(
                "slide %r has no label, so its deep link would change with its title: "
                "add a line '(name)=' just above its heading.",
                title_text, location=section, type="talkbook", subtype="slide",
            )
        if app.config.talkbook_require_notes and index > 0 and not _has_notes(section):
            logger.warning(
                "slide %r has no speaker notes: add a ```{revealjs-notes} block with the "
                "talk track (in a shared fragment, inside {slide-only}).",
                title_text, location=section, type="talkbook", subtype="notes",
            )


def _page_context(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if is_deck(app.builder.name):
        depth = len(app.config.talkbook_deck_path.strip("/").split("/"))
        context["talkbook_handbook_uri"] = "../" * depth + "index.html"


def setup_deck(app: Sphinx) -> None:
    app.setup_extension("sphinx_revealjs")
    # sphinx-revealjs declares itself unsafe for parallel reading, which makes
    # every build serial. Its read phase only turns directives into nodes and
    # keeps no state in the environment (its state lives on the builder, during
    # writing), so reading in parallel is safe: the handbook uses -j.
    app.extensions["sphinx_revealjs"].parallel_read_safe = True
    app.add_builder(DeckBuilder, override=True)
    app.set_translator("revealjs", DeckTranslator, override=True)
    app.add_html_theme("talkbook-deck", str(THEME_DIR / "talkbook-deck"))
    app.connect("doctree-resolved", _check_and_label_slides)
    app.connect("html-page-context", _page_context)
    app.connect("build-finished", _prune_after_build)
