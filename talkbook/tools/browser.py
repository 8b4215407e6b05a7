"""Headless Chromium for the deck's PDF and the browser tests.

Playwright drives Debian's Chromium (package ``chromium``), never a browser
build of its own: ``playwright install`` downloads one, which this project
never does. Everything that opens a browser goes through :func:`launch`, so the
PDF and the tests run the same browser with the same switches.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

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


#: The addresses off this machine, for a Playwright route that refuses them: as a
#: pattern (not a function) it is matched in the browser, so that the requests
#: that stay on the machine are not held up on their way.
OFF_THE_MACHINE = re.compile(
    r"^(?!(?:file|data|blob|about):|(?:https?|wss?)://(?:127\.0\.0\.1|localhost|\[::1\])(?::\d+)?(?:[/?#]|$))"
)
