"""The offline download: one zip, self-contained, that works from disk."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from conftest import NAME, soup

# Attributes through which a page loads something (not a link the reader follows).
LOADING = {
    "script": ["src"], "img": ["src", "srcset"], "iframe": ["src"], "source": ["src", "srcset"],
    "video": ["src", "poster"], "audio": ["src"], "embed": ["src"], "object": ["data"],
    "input": ["src"], "track": ["src"],
}
CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)|@import\s+(['"])(.*?)\3""", re.S)
CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
JS_LOAD = re.compile(r"""(?:\bsrc\s*=\s*|\bhref\s*=\s*|\bimport\s*\(?\s*|\bfetch\s*\(\s*|url\(\s*)['"`]?(https?:)?//""")


@pytest.fixture(scope="module")
def unzipped(built_site, tmp_path_factory) -> Path:
    target = tmp_path_factory.mktemp("unzipped")
    with zipfile.ZipFile(built_site.zip) as zf:
        assert zf.testzip() is None
        zf.extractall(target)
    return target / NAME


def _is_external(ref: str) -> bool:
    return bool(urlsplit(ref.strip()).scheme in ("http", "https") or ref.strip().startswith("//"))


def _local(base: Path, ref: str) -> Path | None:
    parts = urlsplit(ref.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    return (base.parent / unquote(parts.path)).resolve()


def test_zip_holds_the_site_under_one_folder(built_site, unzipped):
    with zipfile.ZipFile(built_site.zip) as zf:
        names = zf.namelist()
    assert all(n.startswith(f"{NAME}/") for n in names)
    assert (unzipped / "index.html").is_file()
    assert (unzipped / "slides" / "index.html").is_file()
    assert (unzipped / "searchindex.js").is_file()
    site_files = {p.relative_to(built_site.site).as_posix() for p in built_site.site.rglob("*") if p.is_file()}
    zip_files = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
    # The site, less what only a web server uses: its 404 page and its sitemap.
    assert zip_files == site_files - {"404.html", "sitemap.xml"}


def test_no_asset_is_loaded_from_the_network(unzipped):
    offenders = []
    for page in unzipped.rglob("*.html"):
        html = soup(page)
        for tag in html.find_all(True):
            attrs = list(LOADING.get(tag.name, []))
            if tag.name == "link" and set(tag.get("rel", [])) & {"stylesheet", "icon", "preload", "modulepreload", "manifest"}:
                attrs.append("href")
            attrs += [a for a in tag.attrs if a.startswith("data-background") or a == "data-src"]
            for attr in attrs:
                for ref in re.split(r",\s*", tag.get(attr) or ""):
                    if ref and _is_external(ref.split()[0]):
                        offenders.append(f"{page.relative_to(unzipped)}: <{tag.name} {attr}={ref}>")
            style = tag.get("style") or ""
            offenders += [f"{page.relative_to(unzipped)}: style url {m}" for m in re.findall(r"url\(\s*['\"]?(https?:[^)'\"]+)", style)]
        for style in html.find_all("style"):
            offenders += [f"{page}: <style> {m}" for m in re.findall(r"url\(\s*['\"]?(https?:[^)'\"]+)", style.get_text())]
    for css in unzipped.rglob("*.css"):
        text = CSS_COMMENT.sub("", css.read_text(encoding="utf-8"))
        for match in CSS_URL.finditer(text):
            ref = (match.group(2) or match.group(4) or "").strip()
            if _is_external(ref):  # data: URIs (furo's icons) hold SVG namespaces, not references
                offenders.append(f"{css.relative_to(unzipped)}: url({ref})")
    for js in unzipped.rglob("*.js"):
        for match in JS_LOAD.finditer(js.read_text(encoding="utf-8", errors="replace")):
            if match.group(1) or match.group(0).rstrip().endswith("//"):
                offenders.append(f"{js.relative_to(unzipped)}: {match.group(0)!r}")
    for svg in unzipped.rglob("*.svg"):
        for m in re.findall(r"""(?:href|src)\s*=\s*['"](https?:[^'"]+)""", svg.read_text(encoding="utf-8")):
            offenders.append(f"{svg.relative_to(unzipped)}: {m}")
    assert offenders == []


def test_every_local_reference_resolves_inside_the_zip(unzipped):
    root = unzipped.resolve()
    broken = []
    for page in unzipped.rglob("*.html"):
        for tag in soup(page).find_all(True):
            for attr in ("href", "src", "data", "poster", "data-background-image"):
                ref = tag.get(attr)
                if not ref or ref.startswith(("#", "mailto:", "javascript:")):
                    continue
                target = _local(page, ref)
                if target is None:
                    continue
                if target.is_dir():
                    target = target / "index.html"
                if root not in target.parents or not target.exists():
                    broken.append(f"{page.relative_to(unzipped)}: {attr}={ref}")
    for css in unzipped.rglob("*.css"):
        text = CSS_COMMENT.sub("", css.read_text(encoding="utf-8"))
        for match in CSS_URL.finditer(text):
            ref = match.group(2) or match.group(4)
            if ref.startswith("data:") or _is_external(ref):
                continue
            target = _local(css, ref)
            if target is not None and (root not in target.parents or not target.exists()):
                broken.append(f"{css.relative_to(unzipped)}: url({ref})")
    assert broken == []


def test_search_works_from_disk(unzipped):
    search = soup(unzipped / "search.html")
    scripts = [s.get("src", "") for s in search.find_all("script")]
    assert any(s.split("?")[0].endswith("searchtools.js") for s in scripts)
    index = (unzipped / "searchindex.js").read_text(encoding="utf-8")
    assert index.startswith("Search.setIndex(")  # a script, so no fetch: works through file://
    assert "gerrit" in index.lower()
