"""The handbook's search index stays whole across incremental builds.

Sphinx (9.0, issue sphinx-doc/sphinx#12599, open) loses index entries on a
rebuild: the glossary's terms, for one. It keeps each page's entries in the
build environment, but saves the environment before pages are written, which
is when the entries are collected; and when a rebuild reads searchindex.js
back, it takes the titles and words from it, not the index entries. After an
edit to one page, the index only knows the entries of the pages written that
time, and a search for "Change-Id" no longer offers the glossary's entry.

Here, once searchindex.js is written, its entries per page are kept beside
the environment, with the digest of that searchindex.js. The next build,
when it loads that same index, gets back the entries of every page it does
not write again; and the entries go into the index in page order, as in a
full build. Words that only pages now gone had are dropped (Sphinx keeps them,
pointing nowhere). The index of a rebuild is then the one a full build writes.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders.html import StandaloneHTMLBuilder

#: In the doctree folder: {"searchindex": sha256 of searchindex.js, "entries": {page: [[entry, id, main]]}}.
KEPT = "talkbook-search-entries.json"


def _digest(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


def _index_path(builder: StandaloneHTMLBuilder) -> Path:
    return Path(builder.outdir) / builder.searchindex_filename


def _kept_entries(builder: StandaloneHTMLBuilder) -> dict[str, list[tuple[str, str, str]]]:
    try:
        kept = json.loads((Path(builder.doctreedir) / KEPT).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(kept, dict) or kept.get("searchindex") != _digest(_index_path(builder)):
        return {}  # kept for another searchindex.js than the one Sphinx loaded: of no use
    entries = kept.get("entries")
    if not isinstance(entries, dict):
        return {}
    return {page: [tuple(entry) for entry in items] for page, items in entries.items() if isinstance(items, list)}


def _loading_kept_entries(builder: StandaloneHTMLBuilder, load: Callable) -> Callable:
    def load_indexer(docnames) -> None:
        load(docnames)
        indexer = builder.indexer
        if indexer is None:
            return
        kept_pages = set(builder.env.all_docs).difference(docnames)
        for page, entries in _kept_entries(builder).items():
            # Only pages kept as they were, and still in the index (Sphinx indexes pages with a title).
            if page in kept_pages and page in indexer._titles:
                indexer._index_entries.setdefault(page, entries)

    return load_indexer


def _keeping_entries(builder: StandaloneHTMLBuilder, dump: Callable) -> Callable:
    def dump_search_index() -> None:
        indexer = builder.indexer
        if indexer is None:
            dump()
            return
        entries = indexer._index_entries
        in_page_order = sorted(entries.items())
        entries.clear()
        entries.update(in_page_order)
        # Words found only on pages that are gone: Sphinx keeps them, with no page.
        for words in (indexer._mapping, indexer._title_mapping):
            for word in [word for word, pages in words.items() if not pages]:
                del words[word]
        dump()
        kept = {"searchindex": _digest(_index_path(builder)),
                "entries": {page: [list(entry) for entry in items] for page, items in entries.items()}}
        target = Path(builder.doctreedir) / KEPT
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(json.dumps(kept, sort_keys=True), encoding="utf-8")
        temporary.replace(target)

    return dump_search_index


def _wrap(app: Sphinx) -> None:
    builder = app.builder
    if not all(hasattr(builder, name) for name in ("load_indexer", "dump_search_index", "searchindex_filename")):
        return  # not an HTML builder with a search index
    builder.load_indexer = _loading_kept_entries(builder, builder.load_indexer)  # type: ignore[method-assign]
    builder.dump_search_index = _keeping_entries(builder, builder.dump_search_index)  # type: ignore[method-assign]


def setup_searchindex(app: Sphinx) -> None:
    app.connect("builder-inited", _wrap)
