"""Markers for the parts of a shared fragment that belong to one output only.

``slide-only`` keeps its content in the deck, ``handbook-only`` keeps it in the
handbook. Each build knows which project it reads (talkbook.config.is_deck), so
the other project's part is dropped before it is parsed: whatever the builder
(html, revealjs, linkcheck...), each output sees its own parts and only those.

The handbook does not load sphinx-revealjs, so a shared fragment's deck
directives get their handbook meaning here: ``revealjs-fragments`` shows its
content at once, and ``revealjs-notes``, the speaker's talk track, nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx.util.docutils import SphinxDirective

from talkbook.config import is_deck

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx


class _OnlyIn(SphinxDirective):
    has_content = True
    in_deck = True

    def run(self) -> list[nodes.Node]:
        if is_deck(self.config) != self.in_deck:
            return []
        return self.parse_content_to_nodes(allow_section_headings=True)


class SlideOnly(_OnlyIn):
    """Content shown on the slide and nowhere in the handbook."""

    in_deck = True


class HandbookOnly(_OnlyIn):
    """Content shown in the handbook and never on the slide."""

    in_deck = False


class ContentOnly(SphinxDirective):
    """A deck directive in the handbook: its content, nothing more."""

    has_content = True
    optional_arguments = 1
    final_argument_whitespace = True

    def run(self) -> list[nodes.Node]:
        return self.parse_content_to_nodes(allow_section_headings=True)


class Nothing(ContentOnly):
    """A deck directive that has no place in the handbook."""

    def run(self) -> list[nodes.Node]:
        return []


def setup_markers(app: Sphinx) -> None:
    app.add_directive("slide-only", SlideOnly)
    app.add_directive("handbook-only", HandbookOnly)
    if "sphinx_revealjs" not in app.extensions:
        app.add_directive("revealjs-fragments", ContentOnly)
        app.add_directive("revealjs-notes", Nothing)
