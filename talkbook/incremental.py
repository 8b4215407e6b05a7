"""Incremental builds that give, byte for byte, what a clean build gives.

Sphinx reads a page again when the page or a file it depends on has a newer
modification time than the last read, and writes again the pages it read.
Through Sphinx's documented events, this module covers what that misses:

- **Content, not times.** A file put back with an older modification time (a
  backup restored, ``cp -p``) is a change: each page's source and dependencies
  (includes, data files, templates, diagrams) are compared by digest
  (``env-get-outdated``).
- **Navigation.** furo puts the whole table of contents into every page, and
  every page links to the previous and the next. When a toctree or a page's
  title changes, every page is written again (``env-get-updated``).
- **Site-wide inputs.** Templates and static files: a page links each
  stylesheet with its checksum (``?v=...``), and embeds its templates. When
  one changes, every page is written again.
- **Removed pages.** Sphinx leaves their HTML (and their copied source)
  behind; both are deleted here.
- **Moved labels.** Reading alone, Sphinx forgets a page's labels just
  before it reads that page again: a label moved to a page that is read
  first was a "duplicate label". The labels of every page to be read are
  forgotten before the first is read, as Sphinx does when it reads in
  parallel (``env-before-read-docs``, the standard domain's ``clear_doc``).
- **The search index.** Sphinx 9.0 keeps a page's index entries (the
  glossary's terms) only while it writes that page, so every build that does
  not write the glossary drops them (sphinx-doc/sphinx#12599); and an edit
  that removes the last use of a word leaves that word in the index, mapped to
  no page. So the pages with index entries are written in every build, and a
  build that reads any page writes every page into a fresh index.
  ``talkbook_fresh_search_index = False`` (the live preview) skips the fresh
  index: searches find the same pages, but the file is not a clean build's.

The extension's own code is covered by its ``env_version`` (talkbook.setup):
when it changes, Sphinx reads every page again.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

SEARCH_INDEX = "searchindex.js"
#: Toctree attributes that are bookkeeping, not navigation.
_NOT_NAVIGATION = {"ids", "names", "classes", "dupnames", "backrefs", "source", "line", "rawentries"}


def digest(path: Path | str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return "missing"


def _tree_digest(folders: Iterable[Path], skip: tuple[str, ...] = ()) -> str:
    """One digest of every file under *folders*, names included (not in *skip* folders)."""
    total = hashlib.sha256()
    for folder in folders:
        for path in sorted(Path(folder).rglob("*")):
            if path.is_file() and not {"__pycache__", *skip} & set(path.relative_to(folder).parts):
                total.update(f"{path.relative_to(folder)}\0{digest(path)}\0".encode())
    return total.hexdigest()


def _state(env: BuildEnvironment) -> None:
    """Our records in the environment (pickled with it), created on first use."""
    for name, empty in (("talkbook_files", dict), ("talkbook_toctrees", dict), ("talkbook_indexed", set)):
        if not hasattr(env, name):
            setattr(env, name, empty())


# -- What each page was read from, and its navigation ------------------------------


def _record(app: Sphinx, doctree: nodes.document) -> None:
    env = app.env
    _state(env)
    docname = env.docname
    files = {str(env.doc2path(docname))}
    files |= {str(Path(p).resolve()) for p in doctree.settings.record_dependencies.list}
    env.talkbook_files[docname] = {path: digest(path) for path in sorted(files)}
    env.talkbook_toctrees[docname] = repr([
        sorted((key, repr(value)) for key, value in node.attributes.items() if key not in _NOT_NAVIGATION)
        for node in doctree.findall(addnodes.toctree)
    ])
    if any(node["entries"] for node in doctree.findall(addnodes.index)):
        env.talkbook_indexed.add(docname)
    else:
        env.talkbook_indexed.discard(docname)


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    _state(env)
    env.talkbook_files.pop(docname, None)
    env.talkbook_toctrees.pop(docname, None)
    env.talkbook_indexed.discard(docname)


def _merge(app: Sphinx, env: BuildEnvironment, docnames: set[str], other: BuildEnvironment) -> None:
    _state(env)
    _state(other)
    for docname in docnames:
        for name in ("talkbook_files", "talkbook_toctrees"):
            if docname in getattr(other, name):
                getattr(env, name)[docname] = getattr(other, name)[docname]
        if docname in other.talkbook_indexed:
            env.talkbook_indexed.add(docname)


# -- Before reading: changed content, removed pages --------------------------------------


def _outdated(app: Sphinx, env: BuildEnvironment, added: set[str], changed: set[str],
              removed: set[str]) -> list[str]:
    _state(env)
    env.talkbook_content_changed = bool(added or changed or removed)  # type: ignore[attr-defined]
    outdated = [
        docname for docname, files in env.talkbook_files.items()
        if docname in env.found_docs and docname not in added and docname not in changed
        and any(digest(path) != old for path, old in files.items())
    ]
    if outdated:
        env.talkbook_content_changed = True  # type: ignore[attr-defined]
    if app.builder.format == "html":
        for docname in removed:
            _remove_output(app, docname)
    return outdated


def _remove_output(app: Sphinx, docname: str) -> None:
    """Delete what Sphinx wrote for a page that is gone: the page, its copied source."""
    uri = app.builder.get_target_uri(docname)
    Path(app.outdir, uri + ("index.html" if uri.endswith("/") or not uri else "")).unlink(missing_ok=True)
    for suffix in app.config.source_suffix:
        Path(app.outdir, "_sources", f"{docname}{suffix}{app.config.html_sourcelink_suffix}").unlink(missing_ok=True)


def _forget_before_reading(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    std = env.get_domain("std")
    for docname in docnames:
        std.clear_doc(docname)


# -- After reading: pages to write again ---------------------------------------------


def _site_inputs(app: Sphinx) -> str:
    confdir = Path(app.confdir)
    folders = [confdir / p for p in [*app.config.templates_path, *app.config.html_static_path]]
    return _tree_digest(f for f in folders if f.is_dir())


def _navigation(env: BuildEnvironment) -> str:
    titles = sorted((docname, title.pformat()) for docname, title in env.titles.items())
    return hashlib.sha256(repr((sorted(env.talkbook_toctrees.items()), titles)).encode()).hexdigest()


def _to_write(app: Sphinx, env: BuildEnvironment) -> Iterable[str]:
    _state(env)
    if app.builder.format != "html":
        return []
    fingerprint = f"{_navigation(env)} {_site_inputs(app)}"
    everything = getattr(env, "talkbook_site", None) != fingerprint
    env.talkbook_site = fingerprint  # type: ignore[attr-defined]
    if getattr(env, "talkbook_content_changed", False) and app.config.talkbook_fresh_search_index:
        # A fresh index, of every page: nothing of the old one is loaded.
        Path(app.outdir, SEARCH_INDEX).unlink(missing_ok=True)
        everything = True
    if everything:
        return sorted(env.found_docs)
    return sorted(env.talkbook_indexed & env.found_docs)


def env_version_of(folder: Path, skip: tuple[str, ...] = ()) -> int:
    """A number that changes whenever a file of *folder* (an extension's code) does."""
    return int(_tree_digest([folder], skip)[:12], 16)


def setup_incremental(app: Sphinx) -> None:
    app.add_config_value("talkbook_fresh_search_index", True, "", types=(bool,))
    app.connect("doctree-read", _record)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    # Last: the list of pages to read is final.
    app.connect("env-before-read-docs", _forget_before_reading, priority=900)
    app.connect("env-get-updated", _to_write)
