"""talkbook: one set of MyST sources, a reveal.js deck and a handbook.

Each module adds one capability to Sphinx; ``setup`` wires them together.
The same extension runs in both builds: the ``revealjs`` builder makes the
deck from ``slides/``, any other HTML builder makes the handbook from
``source/``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

__version__ = "0.1.0"


def setup(app: Sphinx) -> dict:
    # Imported here, not at the top: the command-line tools of this package
    # (python -m talkbook.build, talkbook.site...) import it too, and must not
    # pay for importing Sphinx, docutils and myst (0.13 s) each time.
    from talkbook.checks import setup_checks
    from talkbook.config import setup_config
    from talkbook.crosslinks import setup_crosslinks
    from talkbook.deck import setup_deck
    from talkbook.diagrams import setup_diagrams
    from talkbook.jinjacache import setup_jinjacache
    from talkbook.linkcheck import setup_linkcheck
    from talkbook.markers import setup_markers
    from talkbook.memory import setup_memory
    from talkbook.navigation import setup_navigation
    from talkbook.parallel import setup_parallel
    from talkbook.searchindex import setup_searchindex
    from talkbook.templates import setup_templates

    setup_config(app)
    setup_memory(app)
    setup_checks(app)
    setup_markers(app)
    setup_crosslinks(app)
    setup_deck(app)
    setup_diagrams(app)
    setup_templates(app)
    setup_navigation(app)
    setup_parallel(app)
    setup_searchindex(app)
    setup_jinjacache(app)
    setup_linkcheck(app)
    return {
        "version": __version__,
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
