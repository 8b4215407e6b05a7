"""The deck: sphinx-revealjs's builder, for a talk that ships offline.

- Code is highlighted by Pygments at build time, as in the handbook, so the
  deck needs no highlight.js at run time.
- Every slide's ``<section>`` carries its label as ``id``: ``(why-python)=``
  above a heading gives the deep link ``slides/index.html#/why-python``.
- Slides are checked: each needs a label and, unless it is the title slide,
  speaker notes; text before the first heading has no slide to go on.
- The deck links back to the handbook (the theme's page template shows it).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx.util import logging
from sphinx.writers.html5 import HTML5Translator
from sphinx_revealjs.writers import RevealjsSlideTranslator

from talkbook.config import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

THEME_DIR = Path(__file__).parent / "theme"
#: The node of sphinx-revealjs's ``revealjs-notes`` directive.
NOTES_TAGNAME = "revealjs_notes"


class DeckTranslator(RevealjsSlideTranslator):
    """sphinx-revealjs's translator with Pygments for code blocks."""

    visit_literal_block = HTML5Translator.visit_literal_block
    depart_literal_block = HTML5Translator.depart_literal_block


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
    for node in section.findall(lambda n: n.tagname == NOTES_TAGNAME):
        owner = node.parent
        while owner is not None and not isinstance(owner, nodes.section):
            owner = owner.parent
        if owner is section:
            return True
    return False


def _labels(doctree: nodes.document) -> set[str]:
    """The ids that a ``(label)=`` target gave to the element after it."""
    return {target["refid"] for target in doctree.findall(nodes.target)
            if target.get("refid") and not target.get("refuri")}


def _check_and_label_slides(app: Sphinx, doctree: nodes.document) -> None:
    if not is_deck(app.config):
        return
    labels = _labels(doctree)
    for child in doctree.children:
        if not isinstance(child, (nodes.section, nodes.target, nodes.comment, nodes.meta,
                                  nodes.substitution_definition, nodes.docinfo)):
            logger.warning(
                "%s before the deck's first heading has no slide to go on: move it "
                "under a heading, or start the deck with a '# Title' line.",
                child.tagname, location=child, type="talkbook", subtype="slide",
            )
            break
    for index, section in enumerate(_slide_sections(doctree)):
        ids = section["ids"]
        title = section.next_node(nodes.title)
        title_text = title.astext() if title is not None else ""
        labelled = [i for i in ids if i in labels]
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
    if is_deck(app.config):
        depth = len(app.config.talkbook_deck_path.strip("/").split("/"))
        context["talkbook_handbook_uri"] = "../" * depth + "index.html"


def _deck_settings(app: Sphinx, config: Config) -> None:
    # A slide's deep link is its section's id (its label, _check_and_label_slides).
    config.revealjs_use_section_ids = True
    # sphinx-revealjs links only revealjs_css_files; the Pygments colours of
    # DeckTranslator's code blocks are in the pygments.css that every HTML
    # build writes.
    if "pygments.css" not in config.revealjs_css_files:
        config.revealjs_css_files = ["pygments.css", *config.revealjs_css_files]


def setup_deck(app: Sphinx) -> None:
    if "sphinx_revealjs" not in app.extensions:
        return  # the handbook's build (talkbook_deck_extensions)
    app.set_translator("revealjs", DeckTranslator, override=True)
    app.add_html_theme("talkbook-deck", str(THEME_DIR / "talkbook-deck"))
    app.connect("config-inited", _deck_settings)
    app.connect("doctree-read", _check_and_label_slides)
    app.connect("html-page-context", _page_context)
