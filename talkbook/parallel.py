"""Parallel reading and writing (``-j``) only where it pays.

Sphinx forks its workers whatever the number of pages: after one shared
fragment changed, the handbook forked a process to read one page and another
to write two, and polled for them every 20 ms. When there are few pages to
read, this build reads them in the main process, and writes there too unless
many pages are to be written (a template changed, say). A cold build, or any
build with more pages, uses every worker that ``-j`` gives it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.builders import Builder
    from sphinx.environment import BuildEnvironment

#: Up to this many pages, forking workers costs more than it saves.
SERIAL_UP_TO = 5


def _serial_when_few(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if app.parallel > 1 and len(docnames) <= SERIAL_UP_TO:
        app._talkbook_parallel = (app.parallel, set(docnames))  # type: ignore[attr-defined]
        app.parallel = 1  # Sphinx decides how to read right after this event


def _parallel_again_when_many(app: Sphinx, builder: Builder) -> None:
    from sphinx.util.parallel import parallel_available

    saved = app.__dict__.pop("_talkbook_parallel", None)
    if saved is None:
        return
    app.parallel, read = saved
    to_write = read | set(builder.get_outdated_docs())
    if len(to_write) > SERIAL_UP_TO and parallel_available and builder.allow_parallel:
        builder.parallel_ok = app.is_parallel_allowed("write")  # as Sphinx decides it


def setup_parallel(app: Sphinx) -> None:
    # Last, so that the list of pages is final (other handlers may add to it).
    app.connect("env-before-read-docs", _serial_when_few, priority=900)
    app.connect("write-started", _parallel_again_when_many)
