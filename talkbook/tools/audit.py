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
from concurrent.futures import ProcessPoolExecutor
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
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.remote: list[str] = []
        self.in_style = False
        self.style: list[str] = []

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
        self.in_style = tag.lower() == "style"

    def handle_endtag(self, tag: str) -> None:
        if tag.lower() == "style":
            self.end_style()

    def handle_data(self, data: str) -> None:
        if self.in_style:
            self.style.append(data)  # read whole at </style>, however it came in

    def end_style(self) -> None:
        text, self.style, self.in_style = "".join(self.style), [], False
        self.remote += [f"<style> {u}" for u in css_urls(text) if is_remote(u)]


def remote_in_page(text: str) -> list[str]:
    """What the page *text* loads from other hosts."""
    parser = _AssetParser()
    parser.feed(text)
    parser.close()
    if parser.in_style:  # a <style> never closed: a browser applies it to the end of the page
        rest = text[text.lower().rfind("<style"):]
        parser.style = [rest[rest.find(">") + 1:]]
        parser.end_style()
    return parser.remote


def css_urls(text: str) -> list[str]:
    """The url() and @import references of a stylesheet, comments left out."""
    text = _CSS_COMMENT.sub("", text)
    return [(m.group("url") or m.group("imp") or "").strip() for m in _CSS_REF.finditer(text)]


def _files(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*") if p.is_file())


def _remote_in_file(path: Path) -> list[str]:
    text = path.read_text(encoding="utf-8", errors="replace")
    if path.suffix == ".css":
        return [f"url({u})" for u in css_urls(text) if is_remote(u)]
    return remote_in_page(text)


def remote_assets(site: Path) -> list[Finding]:
    """What the pages, stylesheets and drawings of *site* load from other hosts.

    The files are read by as many processes as the machine has cores: the
    pages of a large handbook, each holding its whole navigation, take seconds
    to parse.
    """
    files = [p for p in _files(site) if p.suffix in (".html", ".svg", ".css")]
    with ProcessPoolExecutor() as pool:
        found = pool.map(_remote_in_file, files, chunksize=8)
        return [Finding(path.relative_to(site).as_posix(), f"loads {item} from another host")
                for path, items in zip(files, found) for item in items]


def machine_paths(site: Path, forbidden: list[Path]) -> list[Finding]:
    needles = sorted({str(p.resolve()) for p in forbidden if str(p.resolve()) not in ("/", "")}, key=len, reverse=True)
    findings: list[Finding] = []
    for path in _files(site):
        if path.suffix not in _TEXT_SUFFIXES:
            continue
        data = path.read_bytes()
        for needle in needles:
            if needle.encode() in data:
                findings.append(Finding(path.relative_to(site).as_posix(), f"contains the build machine's path {needle}"))
                break
    return findings


def audit(site: Path, forbidden_paths: list[Path]) -> list[Finding]:
    """The findings on *site*."""
    return remote_assets(site) + machine_paths(site, forbidden_paths)
