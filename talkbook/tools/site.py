"""Assemble the publishable site and the offline download.

    python -m talkbook.tools.site --html _build/html --deck _build/deck --site _build/site \\
        [--dist _build/dist --name my-talk [--extra deck.pdf ...]]

- The handbook's HTML becomes the root of the site and the deck goes into
  ``slides/`` (``--deck-path``).
- Only what the pages use is published from ``_static/``: a file that no page
  and no stylesheet refers to is left out. sphinx-revealjs copies all of
  reveal.js (5.7 MB, Sass sources and every plugin) of which the deck uses
  about 300 KB; and a build folder keeps a static file deleted from the
  sources until a clean build, so leaving out what is unused also makes a
  rebuild's site the same as a clean build's.
- With ``--site-url`` (the ``TALKBOOK_SITE_URL`` environment variable), the
  site gets ``sitemap.xml``: every page of the handbook and the deck, with
  absolute addresses. sphinx-sitemap was tried for this: it lists only the
  pages that a build writes, so an incremental build's sitemap missed pages.
- The site is audited (talkbook.tools.audit) before it replaces the old one:
  a failure never costs the site that was already built.
- The download is a zip of the site under one folder, without what only a
  web server uses (the 404 page, the sitemap), made reproducible: entries
  sorted, every time set from ``SOURCE_DATE_EPOCH``, fixed permissions.
"""

from __future__ import annotations

import argparse
import os
import posixpath
import re
import shutil
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit
from xml.etree import ElementTree

from talkbook.tools.audit import audit, css_urls

#: Files of a Sphinx output folder that are build bookkeeping, not site.
SKIP_NAMES = {".buildinfo", ".buildinfo.bak", ".doctrees"}
#: Pages of a web server's, not of the offline download.
SERVER_ONLY = {"404.html", "sitemap.xml"}
#: Pages that are the site's machinery rather than content: not in the sitemap.
NOT_CONTENT = {"404.html", "search.html", "genindex.html"}
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
# 1980-01-01, the earliest time a zip entry can hold.
ZIP_EPOCH_MIN = 315532800

_HTML_REF = re.compile(r"""\b(?:href|src)\s*=\s*(["'])([^"']+)\1""")
#: A link preview's picture: a file of the site, named by its address (or from the site's root).
_PREVIEW_IMAGE = re.compile(r'<meta\s+(?:property|name)="(?:og|twitter):image"\s+content="([^"]+)"')


class SiteError(Exception):
    """A problem the person running the build can fix; printed without traceback."""


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_NAMES}


def static_refs(path: str, text: str) -> set[str]:
    """The files under a ``_static/`` folder that the page or stylesheet *path*
    (relative to the site's root, as all paths here) refers to."""
    refs = css_urls(text) if path.endswith(".css") else [m.group(2) for m in _HTML_REF.finditer(text)]
    base = posixpath.dirname(path)
    found = set()
    for ref in refs:
        parts = urlsplit(ref)
        if parts.scheme or parts.netloc or not parts.path:
            continue
        target = posixpath.normpath(posixpath.join(base, unquote(parts.path)))
        if "_static" in target.split("/"):
            found.add(target)
    return found


def preview_images(text: str, site_url: str) -> set[str]:
    """The files of the site that a page's link preview shows (``og:image``)."""
    found = set()
    for url in _PREVIEW_IMAGE.findall(text):
        if site_url and url.startswith(site_url):
            url = url[len(site_url):]
        if not urlsplit(url).scheme:
            found.add(posixpath.normpath(unquote(urlsplit(url).path.lstrip("/"))))
    return found


def prune_static(site: Path, site_url: str = "") -> None:
    """Delete each file under a ``_static/`` folder that no page, kept stylesheet or link preview uses."""
    # The pages: an HTML file among static files (reveal.js ships one) is not one.
    pages = [p.relative_to(site).as_posix() for p in site.rglob("*.html") if "_static" not in p.relative_to(site).parts]
    todo: list[str] = []
    for page in pages:
        text = (site / page).read_text(encoding="utf-8", errors="replace")
        todo += [*static_refs(page, text), *preview_images(text, site_url)]
    keep: set[str] = set()
    while todo:
        path = todo.pop()
        if path in keep or not (site / path).is_file():
            continue
        keep.add(path)
        if path.endswith(".css"):
            todo += static_refs(path, (site / path).read_text(encoding="utf-8", errors="replace"))
    for static in site.rglob("_static"):
        files = [p for p in static.rglob("*") if p.is_file()]
        kept = [p for p in files if p.relative_to(site).as_posix() in keep]
        for path in files:
            # A licence (LICENSE, furo.js.LICENSE.txt) stays beside the files it covers.
            covered = "LICENSE" in path.name.upper() and any(path.parent in k.parents for k in kept)
            if path.relative_to(site).as_posix() not in keep and not covered:
                path.unlink()
        for folder in sorted((p for p in static.rglob("*") if p.is_dir()), reverse=True):
            if not any(folder.iterdir()):
                folder.rmdir()


def write_sitemap(site: Path, site_url: str) -> Path:
    """``sitemap.xml``: every content page of *site*, under *site_url*."""
    ElementTree.register_namespace("", SITEMAP_NS)
    root = ElementTree.Element(f"{{{SITEMAP_NS}}}urlset")
    for page in sorted(p.relative_to(site).as_posix() for p in site.rglob("*.html")):
        if page in NOT_CONTENT or "_static" in page.split("/"):
            continue
        ElementTree.SubElement(ElementTree.SubElement(root, f"{{{SITEMAP_NS}}}url"),
                               f"{{{SITEMAP_NS}}}loc").text = site_url + page
    ElementTree.indent(root)
    target = site / "sitemap.xml"
    ElementTree.ElementTree(root).write(target, encoding="utf-8", xml_declaration=True)
    return target


def replace_tree(staging: Path, final: Path) -> None:
    """Put *staging* in place of *final* with two renames (never a half tree)."""
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    if old.exists():
        shutil.rmtree(old)


def assemble(html: Path, deck: Path, site: Path, deck_path: str = "slides", site_url: str = "") -> Path:
    for name, folder in (("handbook", html), ("deck", deck)):
        if not (folder / "index.html").is_file():
            raise SiteError(f"the {name} build in {folder} has no index.html: build it first (make).")
    if site_url and not (site_url.startswith(("http://", "https://")) and site_url.endswith("/")):
        raise SiteError(f"the site's address {site_url!r} must be an http(s) URL that ends in '/'.")
    staging = site.with_name(site.name + ".staging")
    if staging.exists():
        shutil.rmtree(staging)
    shutil.copytree(html, staging, ignore=_ignore)
    target = staging / deck_path
    if target.exists():
        shutil.rmtree(staging)
        raise SiteError(f"the handbook already has a {deck_path}/ folder ({html / deck_path}), "
                        "where the deck goes: rename that handbook section.")
    shutil.copytree(deck, target, ignore=_ignore)
    # The deck's inventory and 404 page would shadow nothing useful: the site has its own.
    for name in ("objects.inv", "404.html"):
        (target / name).unlink(missing_ok=True)
    prune_static(staging, site_url)
    if site_url:
        write_sitemap(staging, site_url)
    forbidden = [Path.cwd(), html.parent, site.parent, Path(__file__).resolve().parents[2]]
    findings = audit(staging, forbidden)
    if findings:
        shutil.rmtree(staging)
        listing = "\n  ".join(str(f) for f in findings)
        raise SiteError(
            f"the site fails its audit, so {site} is left as it was:\n  {listing}\n"
            "Use a local copy of each asset (in _static/), and no absolute paths in sources."
        )
    replace_tree(staging, site)
    return site


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    try:
        return max(int(value), ZIP_EPOCH_MIN)
    except ValueError:
        raise SiteError(f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds: "
                        "unset it or set it to a Unix time.") from None


def make_zip(site: Path, dist: Path, name: str, extra: list[Path] = ()) -> Path:
    """Zip *site* (and *extra* files, at the top) into ``dist/<name>.zip``."""
    if not (site / "index.html").is_file():
        raise SiteError(f"{site} has no index.html: build the site first (make).")
    stamp = time.gmtime(source_date_epoch())[:6]
    files = sorted(p for p in site.rglob("*") if p.is_file() and p.relative_to(site).as_posix() not in SERVER_ONLY)
    dist.mkdir(parents=True, exist_ok=True)
    final = dist / f"{name}.zip"
    partial = dist / f".{name}.zip.partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        entries = [(f"{name}/{p.relative_to(site).as_posix()}", p) for p in files]
        entries += [(f"{name}/{p.name}", p) for p in extra]
        for arcname, path in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3  # Unix, so the permissions above are read
            zf.writestr(info, path.read_bytes())
    partial.replace(final)
    return final


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.site", description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, required=True, help="the handbook's HTML build")
    parser.add_argument("--deck", type=Path, required=True, help="the deck's revealjs build")
    parser.add_argument("--site", type=Path, required=True, help="where the site goes")
    parser.add_argument("--deck-path", default="slides", help="the deck's folder in the site")
    parser.add_argument("--site-url", default=os.environ.get("TALKBOOK_SITE_URL", ""),
                        help="the site's published address, for the sitemap (default: $TALKBOOK_SITE_URL)")
    parser.add_argument("--dist", type=Path, help="where the zip goes (no zip when left out)")
    parser.add_argument("--name", default="talk", help="the download's name")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="a file to add at the top of the download (repeatable)")
    args = parser.parse_args(argv)
    try:
        site = assemble(args.html, args.deck, args.site, args.deck_path, args.site_url)
        print(f"site: {site}/index.html (deck: {site}/{args.deck_path}/index.html)")
        if args.dist:
            for extra in args.extra:
                if not extra.is_file():
                    raise SiteError(f"{extra} does not exist: build it first.")
            archive = make_zip(site, args.dist, args.name, args.extra)
            print(f"download: {archive} ({archive.stat().st_size:,} bytes)")
    except SiteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
