"""Output that every reader can use, whatever the handbook's theme.

- A code block wider than its column scrolls sideways, and a reader who uses
  no mouse can only scroll what takes the keyboard's focus: every ``<pre>``
  of a handbook page is made focusable (``tabindex="0"``), as axe-core's rule
  *scrollable-region-focusable* asks. A block that fits loses nothing: the
  Tab key stops on it once.
- The handbook's search works from the offline download: opened from disk
  (``file://``), the browser refuses the ``fetch()`` that Sphinx's search uses
  to show a summary under each result, and every result would fail. On the
  search page only, a line of script turns the summaries off when the page
  comes from disk (Sphinx's own ``SHOW_SEARCH_SUMMARY`` option); served over
  HTTP, results keep them.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from talkbook.config import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx

_PRE = re.compile(r"<pre(?=[\s>])(?![^>]*\btabindex=)")


def _focusable_code(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if app.builder.format == "html" and not is_deck(app.config) and "body" in context:
        context["body"] = _PRE.sub('<pre tabindex="0"', context["body"])


#: On the search page, after Sphinx's documentation_options.js: no summaries from disk.
_OFFLINE_SEARCH = 'if (location.protocol === "file:") DOCUMENTATION_OPTIONS.SHOW_SEARCH_SUMMARY = false;'
#: Every script talkbook writes into a page itself (talkbook.testing's no-script check allows these).
SCRIPTS = (_OFFLINE_SEARCH,)


def _offline_search(app: Sphinx, pagename: str, templatename: str, context: dict, doctree) -> None:
    if pagename == "search" and app.builder.format == "html" and not is_deck(app.config):
        # Sphinx's documented way to add a script to one page: add_js_file in this event.
        app.add_js_file(None, body=_OFFLINE_SEARCH, priority=210)


def setup_access(app: Sphinx) -> None:
    app.connect("html-page-context", _focusable_code)
    app.connect("html-page-context", _offline_search)
