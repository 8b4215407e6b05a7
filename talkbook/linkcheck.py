"""What Sphinx's link check reports, with every page that shows each URL.

Sphinx's ``linkcheck`` builder checks each URL once and reports it with the
first page and line that show it. talkbook's report
(:mod:`talkbook.tools.linkreport`) lists every page: for the ``linkcheck``
builder, this module records each page that holds each URL, through Sphinx's
``linkcheck-process-uri`` event (emitted for every link it collects), and
writes them beside Sphinx's ``output.json``, as :data:`PAGES_FILE`: one JSON
object, URL -> the pages' document names, sorted.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx

PAGES_FILE = "talkbook-pages.json"


def _record(app: Sphinx, uri: str) -> None:
    pages = app.builder.talkbook_pages  # type: ignore[attr-defined]
    pages.setdefault(uri, set()).add(app.env.docname)
    return None  # the URL as it is: nothing to rewrite


def _start(app: Sphinx) -> None:
    if app.builder.name == "linkcheck":
        app.builder.talkbook_pages = {}  # type: ignore[attr-defined]
        app.connect("linkcheck-process-uri", _record)


def _write(app: Sphinx, exception: Exception | None) -> None:
    if exception is None and app.builder.name == "linkcheck":
        pages = {uri: sorted(names) for uri, names in sorted(app.builder.talkbook_pages.items())}  # type: ignore[attr-defined]
        Path(app.outdir, PAGES_FILE).write_text(json.dumps(pages, indent=1) + "\n", encoding="utf-8")


def setup_linkcheck(app: Sphinx) -> None:
    app.connect("builder-inited", _start)
    app.connect("build-finished", _write)
