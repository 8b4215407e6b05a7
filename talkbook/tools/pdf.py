"""Print the deck to PDF with headless Chromium and reveal.js's print mode.

    python -m talkbook.tools.pdf --deck _build/site/slides/index.html --out slides.pdf
    python -m talkbook.tools.pdf --handout --deck _build/site/slides/index.html --out handout.pdf

reveal.js lays the deck out for print when the page's URL has ``?print-pdf``,
and takes any of its settings from the URL's query too:

- the slides: one page per slide, and with ``pdfSeparateFragments`` (conf.py)
  one page per build of a slide, as the talk's own export had;
- the handout (``--handout``): each slide once, its fragments shown, followed
  by a page with its speaker notes (``showNotes=separate-page``,
  ``pdfSeparateFragments=false``), what marp-cli's ``--pdf-notes`` gives.

The text stays text, so it can be selected and searched. The deck is opened
from disk and every request that would leave the machine is refused: the PDF
shows what the offline download shows.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import contextmanager
from pathlib import Path

from talkbook.tools.browser import OFF_THE_MACHINE, BrowserMissing, check_chromium, launch

#: Set by a listener that is in place before reveal.js starts.
_LISTEN_SCRIPT = """
window.__talkbookPdfReady = false;
document.addEventListener("pdf-ready", () => { window.__talkbookPdfReady = true; }, true);
"""
_READY = "() => window.__talkbookPdfReady === true && document.querySelectorAll('.pdf-page').length > 0"


class PdfError(Exception):
    """A problem the person running the build can fix; printed without traceback."""


#: The query that prints the deck, and the one that prints its handout.
SLIDES_QUERY = "?print-pdf"
HANDOUT_QUERY = "?print-pdf&showNotes=separate-page&pdfSeparateFragments=false"
#: reveal.js breaks the page after each page of notes, the last one too, which leaves
#: an empty page at the end of a handout, whatever the deck's theme: not after the last.
HANDOUT_CSS = """html.reveal-print .reveal .speaker-notes-pdf[data-layout=separate-page]:last-child {
  page-break-after: avoid;
}"""


@contextmanager
def open_deck(deck: Path, query: str, viewport: dict, chromium: str | None = None, timeout: float = 60.0):
    """The built *deck* open from disk in headless Chromium, laid out by reveal.js: a Playwright page.

    Every request that would leave the machine is refused; a refused or failed
    request, or a script error, raises PdfError once the caller is done.
    """
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    if not deck.is_file():
        raise PdfError(f"{deck} does not exist: build the site first (make site).")
    check_chromium(chromium)
    refused: list[str] = []
    failed: list[str] = []
    errors: list[str] = []

    def refuse(r):
        refused.append(r.request.url)
        r.abort("blockedbyclient")

    try:
        with sync_playwright() as playwright:
            browser = launch(playwright, chromium)
            try:
                page = browser.new_page(viewport=viewport)
                page.set_default_timeout(timeout * 1000)
                page.route(OFF_THE_MACHINE, refuse)
                page.on("requestfailed", lambda r: failed.append(r.url))
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.add_init_script(_LISTEN_SCRIPT)
                page.goto(deck.resolve().as_uri() + query)
                page.wait_for_function(_READY if "print-pdf" in query else "() => window.Reveal && Reveal.isReady()")
                yield page
            finally:
                browser.close()
    except PlaywrightError as err:
        first = (str(err).strip().splitlines() or ["unknown error"])[0]
        raise PdfError(f"Chromium could not open {deck}: {first}") from None
    if errors:
        raise PdfError(f"the deck's script failed: {errors[0]}")
    broken = [u for u in failed if u not in refused]
    if broken or refused:
        what = "asks for a file that is not there" if broken else "asks for something off this machine"
        raise PdfError(f"the deck {what}: {(broken or refused)[0]}")


def print_deck(deck: Path, out: Path, chromium: str | None = None, timeout: float = 60.0,
               handout: bool = False) -> int:
    """Write *deck* (a built reveal.js page) to *out* as PDF; return the page count."""
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(f".{out.name}.partial")
    try:
        with open_deck(deck, HANDOUT_QUERY if handout else SLIDES_QUERY, {"width": 1280, "height": 720},
                       chromium, timeout) as page:
            if handout:
                page.add_style_tag(content=HANDOUT_CSS)
            page.pdf(path=str(partial), prefer_css_page_size=True, print_background=True)
    except PdfError:
        partial.unlink(missing_ok=True)
        raise
    pages = count_pages(partial)
    partial.replace(out)
    return pages


def count_pages(pdf: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(pdf).pages)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.pdf", description=__doc__.splitlines()[0])
    parser.add_argument("--deck", type=Path, required=True, help="the built deck's index.html")
    parser.add_argument("--out", type=Path, required=True, help="where the PDF goes")
    parser.add_argument("--chromium", help="the browser to use (default: TALKBOOK_CHROMIUM or /usr/bin/chromium)")
    parser.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for the deck (default 60)")
    parser.add_argument("--handout", action="store_true", help="each slide followed by its speaker notes")
    args = parser.parse_args(argv)
    try:
        pages = print_deck(args.deck, args.out, args.chromium, args.timeout, args.handout)
    except (PdfError, BrowserMissing) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    print(f"pdf: {args.out} ({pages} pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
