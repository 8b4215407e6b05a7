"""talkbook: one set of MyST sources, a reveal.js deck and a handbook.

A Sphinx extension, one module per capability; ``setup`` wires them together.
The same extension runs in both builds of a talk: the deck's (its source
folder is ``talkbook_deck_srcdir``, built with sphinx-revealjs) and the
handbook's (any other source folder, any HTML theme). The command-line tools
that put the site together, check its links, print the deck and serve a live
preview are in :mod:`talkbook.tools`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.3.0"


def setup(app: Sphinx) -> dict:
    # Imported here: the tools (python -m talkbook.tools.site...) import this
    # package too, and need neither Sphinx nor docutils.
    from talkbook.access import setup_access
    from talkbook.boundary import setup_boundary
    from talkbook.charts import setup_charts
    from talkbook.checks import setup_checks
    from talkbook.config import setup_config
    from talkbook.crosslinks import setup_crosslinks
    from talkbook.deck import setup_deck
    from talkbook.diagrams import setup_diagrams
    from talkbook.facts import setup_facts
    from talkbook.incremental import env_version_of, setup_incremental
    from talkbook.linkcheck import setup_linkcheck
    from talkbook.markers import setup_markers
    from talkbook.publishing import setup_publishing
    from talkbook.sanitise import setup_sanitise
    from talkbook.templates import setup_templates

    setup_config(app)
    setup_boundary(app)
    setup_checks(app)
    setup_sanitise(app)
    setup_markers(app)
    setup_crosslinks(app)
    setup_deck(app)
    setup_diagrams(app)
    setup_charts(app)
    setup_facts(app)
    setup_templates(app)
    setup_publishing(app)
    setup_access(app)
    setup_linkcheck(app)
    setup_incremental(app)
    return {
        "version": __version__,
        # Changes with any file of the extension (not its tools): Sphinx then
        # reads every page again, so no page keeps what older code made of it.
        "env_version": env_version_of(Path(__file__).parent, skip=("tools",)),
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
