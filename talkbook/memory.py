"""Python's cycle collector, tuned for the length of a build.

A build allocates millions of small objects (docutils nodes, tokens, Jinja2
contexts) and keeps most of them to the end. With Python's default settings the
cycle collector runs every 700 allocations and, every so often, walks the whole
heap: work that grows with the heap, again and again, so with the size of the
project more than in proportion. Parallel reading and writing make it worse:
Sphinx forks a worker per batch of pages, and each worker's collections touch
every object it inherited, which makes the kernel copy the pages they live on.

From the moment a build starts reading, therefore:

- the youngest generation is collected after 50,000 allocations, not 700;
- before the pages are read and before they are written (where Sphinx forks its
  workers), what exists is frozen (``gc.freeze``): the collector, and the
  workers' collectors, leave those objects alone.

At the end of the build (successful or not) the collector is as it was before,
and frozen objects can be collected again: nothing outlives a build, which
matters where many builds share one process (the test suite). On the bench's
synthetic project at 400 pages, the handbook's reading and writing went from
about 5.0 s to about 3.3 s on two cores (bench/build.py's scale figure).
"""

from __future__ import annotations

import gc
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The youngest generation's threshold during a build (Python's default: 700).
YOUNG_THRESHOLD = 50_000


def _tune_and_freeze(app: Sphinx, *args: Any) -> None:
    """First call in a build (its reading starts): tune; each call: freeze what exists."""
    if "_talkbook_gc" not in app.__dict__:
        app._talkbook_gc = gc.get_threshold()  # type: ignore[attr-defined]
        gc.set_threshold(YOUNG_THRESHOLD, *app._talkbook_gc[1:])
    gc.freeze()


def _restore(app: Sphinx, exception: BaseException | None) -> None:
    saved = app.__dict__.pop("_talkbook_gc", None)
    if saved is not None:
        gc.unfreeze()
        gc.set_threshold(*saved)


def setup_memory(app: Sphinx) -> None:
    # Both inside Sphinx.build(), as build-finished is, even when the build fails.
    app.connect("env-before-read-docs", _tune_and_freeze, priority=950)
    app.connect("write-started", _tune_and_freeze, priority=950)
    app.connect("build-finished", _restore, priority=950)
