"""Output that every reader can use, whatever the handbook's theme.

- A code block wider than its column scrolls sideways, and a reader who uses
  no mouse can only scroll what takes the keyboard's focus: every ``<pre>``
  of a handbook page is made focusable (``tabindex="0"``), as axe-core's rule
  *scrollable-region-focusable* asks. A block that fits loses nothing: the
  Tab key stops on it once.
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


def setup_access(app: Sphinx) -> None:
    app.connect("html-page-context", _focusable_code)
