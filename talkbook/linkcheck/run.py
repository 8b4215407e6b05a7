"""One run: collect the site's URLs, check each page once, write the report.

URLs are grouped by page (the URL without its ``#fragment``): a page is asked
once however many pages of the site show it and however many of its anchors
they point at. A URL in ``linkcheck_ignore`` is not asked at all; a page whose
URLs are all in the cache is not asked either.
"""

from __future__ import annotations

import json
import time
from collections import Counter, defaultdict
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import asdict, dataclass, field
from itertools import chain, zip_longest
from pathlib import Path

import requests

from talkbook.linkcheck.cache import ResultCache
from talkbook.linkcheck.collect import collect_urls, output_of
from talkbook.linkcheck.fetch import (
    BROKEN,
    IGNORED,
    REDIRECTED,
    TIMEOUT,
    WORKING,
    Fetcher,
    Outcome,
    host_key,
    same_page,
)
from talkbook.linkcheck.settings import MAX_AUTO_WORKERS, Settings


@dataclass
class Row:
    """One line of ``output.json``: one URL as the site writes it."""

    uri: str
    status: str
    code: int
    info: str
    documents: list[str]
    outputs: list[str]
    cached: bool = False


@dataclass
class Report:
    rows: list[Row]
    files: int = 0
    pages_asked: int = 0
    requests: int = 0
    seconds: float = 0.0
    cache_note: str = ""
    output: Path | None = None

    def counts(self) -> Counter:
        return Counter(row.status for row in self.rows)

    @property
    def failures(self) -> list[Row]:
        return [row for row in self.rows if row.status in (BROKEN, TIMEOUT)]


@dataclass
class _Plan:
    """A page to ask: its URLs, each with the anchor to look for (or None)."""

    uris: dict[str, str | None] = field(default_factory=dict)

    @property
    def anchors(self) -> frozenset[str]:
        return frozenset(anchor for anchor in self.uris.values() if anchor is not None)


def _interleave(pages: list[str]) -> list[str]:
    """Pages in turns by host, so that workers spread over hosts from the start."""
    by_host: dict[str, list[str]] = defaultdict(list)
    for page in pages:
        by_host[host_key(page)].append(page)
    turns = zip_longest(*by_host.values())
    return [page for page in chain.from_iterable(turns) if page is not None]


def _uri_row(outcome: Outcome, anchor: str | None, fragment: str) -> tuple[str, int, str]:
    """Status, code and info of one URL from the outcome of its page."""
    if outcome.status not in (WORKING, REDIRECTED):
        return outcome.status, outcome.code, outcome.info
    if anchor is not None and anchor not in (outcome.anchors_found or set()):
        return BROKEN, outcome.code, f"anchor #{anchor} not found in {outcome.final_url}"
    if anchor is not None and outcome.anchor_note and outcome.status == WORKING:
        return WORKING, outcome.code, outcome.anchor_note
    if outcome.status == REDIRECTED and fragment:
        return REDIRECTED, outcome.code, f"{outcome.final_url}#{fragment}"
    return outcome.status, outcome.code, outcome.info


def check_uses(
    uses: dict[str, set[str]],
    settings: Settings,
    cache: ResultCache,
    session: requests.Session | None = None,
) -> tuple[dict[str, tuple[str, int, str, bool]], int, int]:
    """Check URLs; returns ``{uri: (status, code, info, cached)}``, pages and requests."""
    results: dict[str, tuple[str, int, str, bool]] = {}
    plans: dict[str, _Plan] = defaultdict(_Plan)
    for uri in sorted(uses):
        pattern = settings.ignored_by(uri)
        if pattern:
            reason = settings.reasons.get(pattern.pattern)
            info = f"linkcheck_ignore {pattern.pattern!r}" + (f": {reason}" if reason else "")
            results[uri] = (IGNORED, 0, info, False)
            continue
        page, _, fragment = uri.partition("#")
        checked = bool(fragment) and not settings.skips_anchor(page, fragment)
        plans[page].uris[uri] = fragment if checked else None

    todo = []
    for page, plan in plans.items():
        hits = {
            uri: cache.lookup(uri, page, anchor is not None, settings)
            for uri, anchor in plan.uris.items()
        }
        if all(hits.values()):
            for uri, entry in hits.items():
                results[uri] = (WORKING, entry.get("code", 0), entry.get("info", ""), True)
        else:
            todo.append(page)
    if not todo:
        return results, 0, 0

    hosts = len({host_key(page) for page in todo})
    workers = settings.workers or min(MAX_AUTO_WORKERS, settings.per_host * hosts)
    fetcher = Fetcher(settings, session, hosts=hosts)
    with ThreadPoolExecutor(max(1, min(workers, len(todo)))) as pool:
        futures = {
            pool.submit(fetcher.check, page, plans[page].anchors): page
            for page in _interleave(todo)
        }
        try:
            for future in as_completed(futures):
                page = futures[future]
                try:
                    outcome = future.result()
                except Exception as exc:  # a bug must not hide the other results
                    outcome = Outcome(
                        BROKEN, info=f"could not be checked: {type(exc).__name__}: {exc}"
                    )
                redirect_to = None if same_page(page, outcome.final_url or page) else (
                    outcome.final_url
                )
                for uri, anchor in plans[page].uris.items():
                    status, code, info = _uri_row(outcome, anchor, uri.partition("#")[2])
                    results[uri] = (status, code, info, False)
                    if status == WORKING:
                        cache.store(
                            uri,
                            code=code,
                            info=info,
                            anchor_checked=anchor is not None,
                            redirect_to=redirect_to,
                        )
                    else:
                        cache.forget(uri)
        except KeyboardInterrupt:
            pool.shutdown(wait=False, cancel_futures=True)
            raise
        finally:
            fetcher.close()
    return results, len(todo), fetcher.requests_sent


def check_site(
    site_dir: str | Path,
    out_dir: str | Path,
    settings: Settings,
    *,
    cache_max_age: float | None = None,
    session: requests.Session | None = None,
) -> Report:
    """Check every external URL of the built site; write ``output.json`` and the cache."""
    started = time.monotonic()
    out = Path(out_dir)
    uses = collect_urls(site_dir)
    max_age = settings.cache_max_age if cache_max_age is None else cache_max_age
    cache = ResultCache(out / "cache.json", max_age).load()
    results, pages, sent = check_uses(uses, settings, cache, session)
    rows = []
    for uri in sorted(uses):
        status, code, info, cached = results[uri]
        documents = sorted(uses[uri])
        outputs = sorted({output_of(doc, settings.deck_path) for doc in documents})
        rows.append(Row(uri, status, code, info, documents, outputs, cached))
    out.mkdir(parents=True, exist_ok=True)
    output = out / "output.json"
    output.write_text(
        json.dumps([asdict(row) for row in rows], indent=1, ensure_ascii=False) + "\n",
        encoding="utf-8",
    )
    cache.save()
    files = len({doc for docs in uses.values() for doc in docs})
    return Report(
        rows,
        files=files,
        pages_asked=pages,
        requests=sent,
        seconds=time.monotonic() - started,
        cache_note=cache.note,
        output=output,
    )
