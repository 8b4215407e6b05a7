"""Every external URL of the published site checked: the deck and the handbook.

``python -m talkbook.linkcheck --site _build/site --out _build/linkcheck``
(``make linkcheck``) reads the site as it is published, so it sees every URL
the reader can meet: links, images, reveal.js ``data-*`` backgrounds, CSS
``url()``, in the deck (``slides/``) and in the handbook (everything else). It
asks each distinct page once, politely (a cap per host, ``429`` waits,
retries with back-off), checks ``#anchors`` in the HTML, and writes
``output.json``: one row per URL with its status (working, redirected,
broken, timeout, ignored) and the pages that show it. Working URLs are kept
in ``cache.json`` so that a rerun within a day asks nothing again.

Settings live in ``conf.py``: Sphinx's ``linkcheck_*`` names with their
Sphinx meaning, and ``talkbook_linkcheck_*`` (declared for Sphinx by
:func:`setup_linkcheck`).

- :mod:`.collect` finds the URLs, :mod:`.fetch` asks about one page,
  :mod:`.cache` remembers successes, :mod:`.run` ties a run together,
  :mod:`.settings` reads conf.py, :mod:`.cli` is the command.
"""

from __future__ import annotations

__version__ = "0.1.0"

from talkbook.linkcheck.collect import collect_urls
from talkbook.linkcheck.settings import Settings, load_settings, setup_linkcheck

__all__ = ["Settings", "collect_urls", "load_settings", "setup_linkcheck"]
