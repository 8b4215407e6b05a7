"""Audit a built site before it is published.

Two rules, each failure naming the file and what it holds:

- no page, stylesheet or SVG loads an asset (stylesheet, script, font, image,
  iframe, media) from another host: the site and its download work offline and
  leak no reader to a third party;
- no file contains an absolute path of the build machine (the repository's or
  the build folder's), which would leak into the published site.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

#: tag -> attributes through which that tag loads something.
LOADING_ATTRS = {
    "script": ("src",), "img": ("src", "srcset"), "iframe": ("src",), "frame": ("src",),
    "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",), "track": ("src",),
    "embed": ("src",), "object": ("data",), "input": ("src",), "image": ("href", "xlink:href"),
    "use": ("href", "xlink:href"), "feimage": ("href", "xlink:href"),
}
LOADING_LINK_RELS = {"stylesheet", "icon", "shortcut", "apple-touch-icon", "preload", "modulepreload",
                     "prefetch", "manifest", "mask-icon"}
_CSS_REF = re.compile(r"""url\(\s*(['"]?)(?P<url>[^'")]*)\1\s*\)|@import\s+(['"])(?P<imp>[^'"]*)\3""")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_TEXT_SUFFIXES = {".html", ".css", ".js", ".json", ".txt", ".svg", ".xml", ".inv", ".map"}


@dataclass(frozen=True)
class Finding:
    path: str
    what: str

    def __str__(self) -> str:
        return f"{self.path}: {self.what}"


def is_remote(url: str) -> bool:
    url = url.strip().lower()
    return url.startswith(("http://", "https://", "//", "ftp://"))


class _AssetParser(HTMLParser):
    #: Attributes that do not change how the rest of a page is read.
    _NOT_STATE = frozenset({"remote", "lasttag", "lineno", "offset", "_HTMLParser__starttag_text"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self._in_style = False
        self._style: list[str] = []

    def state(self) -> dict:
        return {k: v for k, v in vars(self).items() if k not in self._NOT_STATE}

    def at_rest(self) -> bool:
        """Nothing pending: what comes next is read as if it began a page."""
        if _KNOWN_STATE:  # the attributes Python 3.11's HTMLParser has: checked one by one
            return (not self.rawdata and self.cdata_elem is None and not self._in_style
                    and self.interesting is _AT_REST["interesting"])
        return self.state() == _AT_REST

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k.lower(): (v or "") for k, v in attrs}
        names = list(LOADING_ATTRS.get(tag.lower(), ()))
        if tag.lower() == "link" and set(values.get("rel", "").lower().split()) & LOADING_LINK_RELS:
            names.append("href")
        names += [k for k in values if k.startswith("data-background") or k == "data-src"]
        for name in names:
            for candidate in values.get(name, "").split(","):
                candidate = candidate.strip().split(" ")[0]
                if candidate and is_remote(candidate):
                    self.remote.append(f"<{tag} {name}=\"{candidate}\">")
        for url in css_urls(values.get("style", "")):
            if is_remote(url):
                self.remote.append(f"<{tag} style> url({url})")
        self._in_style = tag.lower() == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self._end_style()

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._style.append(data)  # read whole at </style>, however it came in

    def _end_style(self) -> None:
        text, self._style, self._in_style = "".join(self._style), [], False
        self.remote += [f"<style> {u}" for u in css_urls(text) if is_remote(u)]

    def close(self) -> None:
        super().close()
        if self._in_style:  # a <style> never closed: a browser applies it to the end
            self._style.append(self.rawdata)
            self._end_style()


#: The state of a parser that has read nothing.
_AT_REST = _AssetParser().state()
#: Whether that state is all in attributes that at_rest checks one by one.
_KNOWN_STATE = set(_AT_REST) == {"convert_charrefs", "rawdata", "interesting", "cdata_elem", "_in_style", "_style"}

#: A line of complete tags and text only: no comment, declaration or open tag.
_PLAIN_LINE = re.compile(r"""(?:[^<&]|<[A-Za-z][^<>"']*(?:(?:"[^"]*"|'[^']*')[^<>"']*)*>|</[A-Za-z][^<>]*>)*""")
#: Elements whose text HTMLParser reads raw (script, style; more in later Pythons).
_RAW_TEXT = re.compile(r"<\s*/?\s*(?:script|style|textarea|title|xmp|iframe|noembed|noframes|noscript|plaintext)\b",
                       re.I)


def _inert(line: str) -> bool:
    """Read from rest, *line* loads nothing and leaves the parser at rest.

    Without "//" (and without "&", which could spell it) no value in it can
    name another host, and complete tags that open no raw text leave nothing
    pending. Most of furo's sidebar is such lines, different in each folder.
    """
    return ("//" not in line and "&" not in line and _PLAIN_LINE.fullmatch(line) is not None
            and _RAW_TEXT.search(line) is None)


def _remote_in_page(text: str, clean: set[str]) -> list[str]:
    """What *text* (a page) loads from other hosts.

    The page is read line by line. A line that was read before, starting and
    ending with the parser at rest (nothing pending: not inside a tag, a
    comment or a style) and finding nothing, finds nothing again and leaves
    the parser at rest: it is in *clean* and skipped. furo's sidebar, the same
    lines on every page of the handbook, is read once instead of once a page;
    and a line that cannot load anything (see _inert) is not read at all.
    """
    parser = _AssetParser()
    for line in text.splitlines(keepends=True):
        at_rest = parser.at_rest()
        if at_rest and line in clean:
            continue
        if at_rest and _inert(line):
            clean.add(line)
            continue
        found = len(parser.remote)
        parser.feed(line)
        if at_rest and len(parser.remote) == found and parser.at_rest():
            clean.add(line)
    parser.close()
    return parser.remote


def css_urls(text: str) -> list[str]:
    """The url() and @import references of a stylesheet, comments left out."""
    text = _CSS_COMMENT.sub("", text)
    return [(m.group("url") or m.group("imp") or "").strip() for m in _CSS_REF.finditer(text)]


def _files(site: Path, only: set[Path] | None) -> list[Path]:
    paths = sorted(site.rglob("*")) if only is None else sorted(only)
    return [p for p in paths if p.is_file()]


def remote_assets(site: Path, only: set[Path] | None = None) -> list[Finding]:
    findings: list[Finding] = []
    clean: set[str] = set()
    for path in _files(site, only):
        if not path.is_file():
            continue
        rel = path.relative_to(site).as_posix()
        if path.suffix in (".html", ".svg"):
            remote = _remote_in_page(path.read_text(encoding="utf-8", errors="replace"), clean)
            findings += [Finding(rel, f"loads {item} from another host") for item in remote]
        elif path.suffix == ".css":
            findings += [Finding(rel, f"loads url({u}) from another host")
                         for u in css_urls(path.read_text(encoding="utf-8", errors="replace")) if is_remote(u)]
    return findings


def machine_paths(site: Path, forbidden: list[Path], only: set[Path] | None = None) -> list[Finding]:
    needles = sorted({str(p.resolve()) for p in forbidden if str(p.resolve()) not in ("/", "")}, key=len, reverse=True)
    findings: list[Finding] = []
    for path in _files(site, only):
        if not path.is_file() or path.suffix not in _TEXT_SUFFIXES:
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle.encode() in data:
                findings.append(Finding(path.relative_to(site).as_posix(), f"contains the build machine's path {needle}"))
                break
    return findings


def audit(site: Path, forbidden_paths: list[Path], only: set[Path] | None = None) -> list[Finding]:
    """The findings on *site*; with *only*, on those files of it alone."""
    return remote_assets(site, only) + machine_paths(site, forbidden_paths, only)
