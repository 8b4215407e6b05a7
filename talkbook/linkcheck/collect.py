"""Every external URL of the built site, and the pages that show it.

The site is read as published: every ``*.html`` file (handbook pages, the deck,
anything a theme ships) is parsed with the standard library's HTML parser, and
every ``*.css`` file is scanned. A URL is external when it is absolute
``http``/``https`` (``//host/...`` counts as ``https``); relative links point
into the site and are the build's business.

Where URLs hide in HTML:

- attributes that hold one URL: ``href``, ``src``, ``poster``, ``cite``,
  ``action``, ``background``, ``data`` (``<object>``), ``xlink:href``...;
- candidate lists: ``srcset``, ``imagesrcset``, ``data-srcset``;
- any ``data-*`` attribute whose value is an absolute URL (reveal.js:
  ``data-background-image``, ``data-background-iframe``,
  ``data-background-video``, ``data-src``, ``data-preview-link``...);
- ``<meta content>`` that is a URL, and the target of a ``refresh``;
- CSS: ``url(...)`` and ``@import`` in ``style=""``, ``<style>`` and CSS files.
"""

from __future__ import annotations

import re
from collections import defaultdict
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

SINGLE_URL_ATTRS = frozenset(
    {
        "href",
        "src",
        "poster",
        "cite",
        "action",
        "formaction",
        "background",
        "longdesc",
        "manifest",
        "data",
        "codebase",
        "xlink:href",
    }
)
SRCSET_ATTRS = frozenset({"srcset", "imagesrcset", "data-srcset"})

# CSS is not HTML: a comment-aware scan for url() and @import is its grammar's
# own way of naming a resource (CSS Syntax: <url-token>, @import <string>).
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.DOTALL)
_CSS_URL = re.compile(
    r"""url\(\s*(?:"(?P<dq>[^"]*)"|'(?P<sq>[^']*)'|(?P<bare>[^\s'")]*))\s*\)"""
    r"""|@import\s+(?:"(?P<idq>[^"]*)"|'(?P<isq>[^']*)')""",
    re.IGNORECASE,
)
_REFRESH_URL = re.compile(r"url\s*=\s*['\"]?([^'\"\s;]+)", re.IGNORECASE)


def external(url: str) -> str | None:
    """``url`` as an absolute http(s) URL, or None when it is not external."""
    url = url.strip()
    if url.startswith("//"):
        url = "https:" + url
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return None
    if url.endswith("#"):
        url = url[:-1]
    return url


def css_urls(text: str) -> list[str]:
    """Every URL that a piece of CSS names, in order, as written."""
    text = _CSS_COMMENT.sub(" ", text)
    return [
        next(value for value in match.groupdict().values() if value is not None)
        for match in _CSS_URL.finditer(text)
    ]


def srcset_urls(value: str) -> list[str]:
    """The URLs of a ``srcset``: candidates ``URL [descriptor]`` split by commas.

    A URL may itself hold commas, so a candidate's URL runs to the next
    whitespace; a trailing comma ends the candidate, and its descriptors run
    to the next comma.
    """
    urls: list[str] = []
    i, n = 0, len(value)
    while i < n:
        while i < n and (value[i].isspace() or value[i] == ","):
            i += 1
        start = i
        while i < n and not value[i].isspace():
            i += 1
        url = value[start:i]
        if url.endswith(","):
            url = url.rstrip(",")
        else:
            while i < n and value[i] != ",":
                i += 1
        if url:
            urls.append(url)
    return urls


class _PageLinks(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value for name, value in attrs if value is not None}
        for name, value in values.items():
            if name in SINGLE_URL_ATTRS:
                self.found.append(value)
            elif name in SRCSET_ATTRS:
                self.found.extend(srcset_urls(value))
            elif name.startswith("data-") and external(value):
                self.found.append(value)
            elif name == "style":
                self.found.extend(css_urls(value))
        if tag == "meta" and "content" in values:
            content = values["content"]
            if values.get("http-equiv", "").lower() == "refresh":
                match = _REFRESH_URL.search(content)
                if match:
                    self.found.append(match.group(1))
            elif external(content):
                self.found.append(content)
        self._in_style = tag == "style"

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self.found.extend(css_urls(data))


def page_urls(html: str) -> list[str]:
    """Every URL-like value that an HTML page holds (relative ones too)."""
    parser = _PageLinks()
    parser.feed(html)
    parser.close()
    return parser.found


def collect_urls(site_dir: str | Path) -> dict[str, set[str]]:
    """Map each external URL of the site to the files that hold it.

    Files are named by their path inside ``site_dir`` with ``/``
    ("slides/index.html", "explanation/openstack.html", "_static/talk.css").
    URLs keep their ``#fragment``: the anchor is part of what is checked.
    """
    site = Path(site_dir)
    found: dict[str, set[str]] = defaultdict(set)
    for path in sorted(site.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in (".html", ".htm", ".css") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        raw = css_urls(text) if suffix == ".css" else page_urls(text)
        document = path.relative_to(site).as_posix()
        for value in raw:
            url = external(value)
            if url:
                found[url].add(document)
    return dict(found)


def output_of(document: str, deck_path: str = "slides") -> str:
    """``"deck"`` for a file of the deck's folder, ``"handbook"`` otherwise."""
    prefix = deck_path.strip("/") + "/"
    return "deck" if document.startswith(prefix) else "handbook"
