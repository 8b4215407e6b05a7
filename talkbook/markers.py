"""Markers for the parts of a shared fragment that belong to one output only.

``slide-only`` keeps its content in the deck, ``handbook-only`` keeps it in the
handbook. They expand to Sphinx's ``only`` node with the right expression, so
authors never have to remember that the revealjs builder sets the ``html`` tag
too (``only html`` would leak into the deck).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sphinx import addnodes
from sphinx.util.docutils import SphinxDirective

if TYPE_CHECKING:
    from docutils import nodes
    from sphinx.application import Sphinx

DECK_BUILDERS = ("revealjs", "dirrevealjs")
DECK_EXPR = " or ".join(DECK_BUILDERS)


def is_deck(builder_name: str) -> bool:
    return builder_name in DECK_BUILDERS


class _OnlyFor(SphinxDirective):
    has_content = True
    expression = ""

    def run(self) -> list[nodes.Node]:
        node = addnodes.only(expr=self.expression)
        self.set_source_info(node)
        node.document = self.state.document
        self.state.nested_parse(self.content, self.content_offset, node, match_titles=True)
        return [node]


class SlideOnly(_OnlyFor):
    """Content shown on the slide and nowhere in the handbook."""

    expression = DECK_EXPR


class HandbookOnly(_OnlyFor):
    """Content shown in the handbook and never on the slide."""

    expression = f"not ({DECK_EXPR})"


def setup_markers(app: Sphinx) -> None:
    app.add_directive("slide-only", SlideOnly)
    app.add_directive("handbook-only", HandbookOnly)
