"""Headless Chromium for the deck's PDF and the browser tests.

Playwright drives Debian's Chromium (package ``chromium``), never a browser
build of its own: ``playwright install`` downloads one, which this project
never does. Everything that opens a browser goes through :func:`launch`, so the
PDF and the tests run the same browser with the same switches.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

#: Where Debian installs Chromium; TALKBOOK_CHROMIUM points elsewhere.
DEFAULT_CHROMIUM = "/usr/bin/chromium"
#: The packages that give the browser and the deck's font (DejaVu Sans).
PACKAGES = "chromium fonts-dejavu-core"
INSTALL_COMMAND = f"apt-get install -y {PACKAGES}"

#: No sandbox (root in a container), nothing that calls home or needs a GPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-gpu",
    "--no-first-run",
    "--disable-sync",
]


class BrowserMissing(Exception):
    """Chromium is not installed where we look for it."""


def chromium_path() -> str:
    return os.environ.get("TALKBOOK_CHROMIUM", "").strip() or DEFAULT_CHROMIUM


def check_chromium(path: str | None = None) -> str:
    """Return the browser's path, or raise BrowserMissing saying how to install it."""
    path = path or chromium_path()
    if not (Path(path).is_file() and os.access(path, os.X_OK)):
        raise BrowserMissing(
            f"Chromium is not installed at {path}: install it with "
            f"`{INSTALL_COMMAND}` (as root), or set TALKBOOK_CHROMIUM to its path."
        )
    return path


def launch(playwright, path: str | None = None, **options):
    """Start headless Chromium through a Playwright instance (sync API)."""
    return playwright.chromium.launch(
        executable_path=check_chromium(path), args=CHROMIUM_ARGS, headless=True, **options
    )


def is_local(url: str, hosts: tuple[str, ...] = ("127.0.0.1", "localhost", "[::1]")) -> bool:
    """True for URLs that stay on this machine: files, data, and the loopback address."""
    parts = urlsplit(url)
    if parts.scheme in ("file", "data", "blob", "about"):
        return True
    return parts.scheme in ("http", "https", "ws", "wss") and (parts.hostname or "") in {
        h.strip("[]") for h in hosts
    }
