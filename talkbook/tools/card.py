"""The picture of a link preview: the deck's title slide, as a 1200x630 PNG.

    python -m talkbook.tools.card --deck _build/site/slides/index.html --out _static/handbook/social-card.png

Chat and social networks show a page's ``og:image`` beside its link; 1200 by
630 pixels is the size they ask for. The picture is the title slide as the
audience sees it, taken by headless Chromium from the built deck (offline,
as the PDFs are), so that plain ``make`` needs no browser: ``make
social-card`` writes it into the handbook's static files, where it is
committed, and a browser test takes it again and fails when the committed
one no longer shows what the title slide shows.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from talkbook.tools.browser import BrowserMissing
from talkbook.tools.pdf import PdfError, open_deck

WIDTH, HEIGHT = 1200, 630
#: The first slide, with nothing of the deck's controls and no transition.
QUERY = "?controls=false&progress=false&slideNumber=false&transition=none#/"


def card_of(page) -> bytes:
    """The PNG of a Playwright *page* that shows the deck with QUERY, WIDTH by HEIGHT."""
    page.evaluate("() => { Reveal.slide(0); document.querySelectorAll('nav').forEach(n => n.remove()); }")
    page.wait_for_function("() => getComputedStyle(Reveal.getCurrentSlide()).opacity === '1'")
    return page.screenshot()


def take_card(deck: Path, out: Path, chromium: str | None = None, timeout: float = 60.0) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    with open_deck(deck, QUERY, {"width": WIDTH, "height": HEIGHT}, chromium, timeout) as page:
        out.write_bytes(card_of(page))
    return out


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.card", description=__doc__.splitlines()[0])
    parser.add_argument("--deck", type=Path, required=True, help="the built deck's index.html")
    parser.add_argument("--out", type=Path, required=True, help="where the PNG goes")
    parser.add_argument("--chromium", help="the browser to use (default: TALKBOOK_CHROMIUM or /usr/bin/chromium)")
    args = parser.parse_args(argv)
    try:
        take_card(args.deck, args.out, args.chromium)
    except (PdfError, BrowserMissing) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"card: {args.out} ({WIDTH}x{HEIGHT})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
