"""Link previews: every handbook page and the deck say, in Open Graph tags, what a link to them shows."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from talkbook.testing import SITE_URL, soup

IMAGE = "_static/social-card.png"


def png_size(path: Path) -> tuple[int, int]:
    """Width and height, read from the PNG's header (its IHDR chunk)."""
    data = path.read_bytes()[:24]
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", path
    return struct.unpack(">II", data[16:24])


def previews(page: Path) -> dict[str, str]:
    return {(meta.get("property") or meta.get("name")): meta["content"]
            for meta in soup(page).find_all("meta", content=True)
            if (meta.get("property") or meta.get("name") or "").startswith(("og:", "twitter:"))}


def content_pages(built_site) -> list[Path]:
    return [p for p in built_site.handbook_pages()
            if p.name not in ("404.html", "search.html", "genindex.html") and "_static" not in p.parts]


def test_the_title_is_the_pages_own(built_site):
    tags = previews(built_site.site / "how-to" / "get-help.html")
    heading = soup(built_site.site / "how-to" / "get-help.html").find("h1").get_text(strip=True).rstrip("#")
    assert tags["og:title"] == heading


@pytest.mark.parametrize("page", ["index.html", "slides/index.html"])
def test_the_picture_is_in_the_site_and_as_large_as_its_tags_say(built_site, page):
    tags = previews(built_site.site / page)
    picture = built_site.site / tags["og:image"][len(SITE_URL):]
    width, height = png_size(picture)
    assert (width, height) == (int(tags["og:image:width"]), int(tags["og:image:height"]))
    assert width >= 1200 and height >= 630
    assert tags["og:image:alt"]
