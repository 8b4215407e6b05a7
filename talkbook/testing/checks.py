"""The checks every talk wants, on its own build: ``class TestTalk(TalkChecks)`` in a talk's tests.

Each check reads the talk's build as a reader meets it: parsed pages, the
unpacked download, the deck driven in Chromium, the PDFs' text. None knows
any talk's content: what they expect comes from the talk's sources and
settings (its slides, its pages, its conf.py). A talk tunes them with the
class attributes below, or leaves one out by setting it to ``None`` in its
subclass (``test_the_deck_prints = None``).
"""

from __future__ import annotations

import posixpath
import re
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from talkbook.testing.browser import DESKTOP, OVERFLOWS, PHONE, open_deck, show_slide
from talkbook.testing.talk import NOT_CONTENT, SITE_URL, SOURCE_DATE_EPOCH, deck_slides, make, pdf_text, soup
from talkbook.tools.audit import css_urls, remote_in_page

#: Everything but the files of the disk (and what a page makes itself).
NOT_A_FILE = re.compile(r"^(?!(?:file|data|blob|about):)")
#: axe-core's impacts that fail a check.
SERIOUS = {"serious", "critical"}


def _local_target(page: Path, ref: str) -> Path | None:
    """The file a reference of *page* names, or None for a reference to another host or none."""
    parts = urlsplit(ref.strip())
    if parts.scheme or parts.netloc or not parts.path:
        return None
    target = (page.parent / unquote(parts.path)).resolve()
    return target / "index.html" if target.is_dir() else target


def _resolve(page: Path, href: str) -> tuple[Path, str]:
    parts = urlsplit(href)
    assert not parts.scheme and not parts.netloc, f"{page.name}: {href} leaves the site"
    return (page.parent / unquote(parts.path)).resolve(), parts.fragment


def _section_of(page, fragment: str):
    """The section an id names: the element itself, or the section it opens."""
    node = page.find(id=fragment)
    if node is None:
        return None
    if node.name != "section":
        node = node.find_parent("section") or node.find_next("section") or node
    return node


def _serious(axe, page) -> list[str]:
    found = []
    for violation in axe.run(page).response["violations"]:
        if violation["impact"] in SERIOUS:
            targets = [" ".join(map(str, node["target"])) for node in violation["nodes"][:5]]
            found.append(f"{violation['id']} ({violation['impact']}): {violation['help']} at {targets}")
    return found


class TalkChecks:
    """talkbook's checks of a talk. Subclass it in a talk's tests: ``class TestTalk(TalkChecks)``."""

    #: Words that notes must have at least, on each slide but the title slide.
    min_note_words = 5

    # -- The build ---------------------------------------------------------------------

    def test_the_build_is_strict_and_says_nothing(self, built_site):
        """`make` passed (warnings are errors) and printed no warning at all."""
        said = [line for line in built_site.stderr.splitlines() if re.search(r"WARNING|ERROR|Traceback", line)]
        assert said == [], "make all printed:\n" + "\n".join(said)

    # -- The deck ----------------------------------------------------------------------

    def test_every_slide_has_a_label_and_speaker_notes(self, built_site):
        """Each slide's id is a label of its source (a stable deep link), and every slide but
        the title slide has notes the speaker can read out."""
        slides = deck_slides(built_site.deck_html)
        assert slides, f"{built_site.deck_html} has no slides"
        ids = [s.id for s in slides]
        assert all(ids) and len(set(ids)) == len(ids), f"slide ids must be present and unique: {ids}"
        generated = [i for i in ids if re.fullmatch(r"id\d+", i)]
        assert not generated, f"slides without a label get generated ids: {generated}"
        for slide in slides[1:]:
            words = re.findall(r"\w+", slide.notes)
            assert len(words) >= self.min_note_words, f"slide {slide.id!r} has no real speaker notes: {slide.notes!r}"

    # -- Between the two ---------------------------------------------------------------

    def test_each_read_more_opens_a_section_that_links_back(self, built_site):
        """A slide's "Read more" lands on a handbook section whose "See this slide" opens that slide."""
        deck = soup(built_site.deck_html)
        for link in deck.select("a.read-more"):
            slide = link.find_parent("section")
            target, fragment = _resolve(built_site.deck_html, link["href"])
            assert target.is_file(), f"slide {slide.get('id')}: {link['href']} is no page of the site"
            section = _section_of(soup(target), fragment)
            assert section is not None, f"slide {slide.get('id')}: {link['href']} names no element"
            backs = [_resolve(target, a["href"]) for a in section.select("a.on-slide")]
            assert (built_site.deck_html.resolve(), "/" + slide["id"]) in backs, (
                f"{link['href']} does not link back to slide {slide['id']}")

    def test_each_see_this_slide_opens_a_slide(self, built_site):
        """Every "See this slide" (and ``{slide}`` link) of the handbook opens a slide of the deck."""
        ids = {s.id for s in deck_slides(built_site.deck_html)}
        for page in built_site.handbook_pages():
            for link in soup(page).select("a.on-slide, a.to-slide"):
                target, fragment = _resolve(page, link["href"])
                where = f"{page.relative_to(built_site.site)}: {link['href']}"
                assert target == built_site.deck_html.resolve(), f"{where} is not the deck"
                assert fragment.startswith("/") and fragment[1:] in ids, f"{where} opens no slide"

    # -- The download ------------------------------------------------------------------

    def test_the_download_is_the_site_in_one_folder(self, built_site, unzipped):
        """The zip holds the site under one folder named like the zip, less what only a web
        server uses, with every time set to SOURCE_DATE_EPOCH, so that it is reproducible."""
        site = {p.relative_to(built_site.site).as_posix() for p in built_site.site.rglob("*") if p.is_file()}
        files = {p.relative_to(unzipped).as_posix() for p in unzipped.rglob("*") if p.is_file()}
        assert files == site - {"404.html", "sitemap.xml"}
        with zipfile.ZipFile(built_site.zip) as archive:
            infos = archive.infolist()
        names = [i.filename for i in infos]
        assert names == sorted(names), "entries are sorted"
        stamp = time.gmtime(int(SOURCE_DATE_EPOCH))[:6]
        assert {i.date_time for i in infos} == {stamp}, "every entry has the build's time"
        assert {(i.external_attr >> 16) & 0o7777 for i in infos} == {0o644}, "every entry has the same mode"

    def test_nothing_names_a_path_of_the_build_machine(self, built_site, unzipped):
        """No file of the site or of the download holds the talk's folder or the build folder
        (a path of the machine that built it, which a reader has no use for)."""
        needles = {str(built_site.talk.resolve()), str(built_site.builddir.resolve())}
        found = []
        for folder in (built_site.site, unzipped):
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    data = path.read_bytes()
                    found += [f"{path.relative_to(folder)}: {n}" for n in needles if n.encode() in data]
        assert found == []

    def test_the_download_needs_nothing_but_its_own_files(self, unzipped):
        """No page, stylesheet or drawing of the download loads anything from another host, and
        every reference of a page or stylesheet to a file is to one inside the download."""
        root = unzipped.resolve()
        problems = []
        for path in sorted(unzipped.rglob("*")):
            where = path.relative_to(unzipped).as_posix()
            if path.suffix in (".html", ".svg"):
                text = path.read_text(encoding="utf-8", errors="replace")
                problems += [f"{where}: loads {item} from another host" for item in remote_in_page(text)]
                if path.suffix == ".html" and "_static" not in path.relative_to(unzipped).parts:
                    for tag in soup(path).find_all(True):
                        for attr in ("href", "src", "data", "poster"):
                            ref = tag.get(attr)
                            if not ref or ref.startswith(("#", "mailto:")):
                                continue
                            target = _local_target(path, ref)
                            if target is not None and (root not in target.parents or not target.exists()):
                                problems.append(f"{where}: {attr}={ref} is not in the download")
            elif path.suffix == ".css":
                for ref in css_urls(path.read_text(encoding="utf-8", errors="replace")):
                    if ref.startswith(("http:", "https:", "//")):
                        problems.append(f"{where}: url({ref}) is on another host")
                        continue
                    target = None if ref.startswith("data:") else _local_target(path, ref)
                    if target is not None and (root not in target.parents or not target.exists()):
                        problems.append(f"{where}: url({ref}) is not in the download")
        assert problems == []

    # -- Read in a browser -------------------------------------------------------------

    def test_no_script_but_the_themes(self, tab, built_site, site_url):
        """Every page, loaded in Chromium, runs only what its themes and talkbook put there:
        each ``<script>``, event handler and ``javascript:`` address of the live DOM is one the
        themes' own files account for (talkbook.testing.scripts says how)."""
        from talkbook.testing.scripts import LIVE, allowed, foreign

        settings = built_site.settings
        rules = allowed(tuple(built_site.talk / t for t in settings["templates_path"]), settings["html_theme"])
        assert rules.files and rules.written, "no script found in the themes: the check would accept nothing"
        found = {}
        for path in sorted(built_site.site.rglob("*.html")):
            page = path.relative_to(built_site.site).as_posix()
            if "_static" in path.relative_to(built_site.site).parts:
                continue
            tab.page.goto(site_url + page, wait_until="load")
            problems = foreign(tab.page.evaluate(LIVE), built_site.site, urlsplit(site_url).path, rules)
            if problems:
                found[page] = problems
        assert not found, found

    def test_every_page_opens_offline_on_a_phone(self, open_tab, unzipped, built_site):
        """Each page of the download, opened from disk on a phone with every other request
        refused, loads its own stylesheets and scripts with no error, and no handbook page is
        wider than the phone's screen."""
        phone = open_tab(PHONE, refuse=NOT_A_FILE)
        pages = sorted(unzipped.rglob("*.html"))
        deck = built_site.settings["talkbook_deck_path"].strip("/")
        too_wide = {}
        for path in pages:
            if "_static" in path.relative_to(unzipped).parts:
                continue
            phone.page.goto(path.as_uri())
            # furo and reveal.js both take away the browser's 8 px margin: their CSS came from the disk.
            margin, width = phone.page.evaluate(
                "() => [getComputedStyle(document.body).marginTop, document.documentElement.scrollWidth]")
            assert margin == "0px", f"{path.relative_to(unzipped)} shows without its stylesheets"
            if not path.relative_to(unzipped).as_posix().startswith(deck + "/") and width > PHONE["width"]:
                too_wide[path.relative_to(unzipped).as_posix()] = width
        assert not too_wide, f"pages wider than a phone ({PHONE['width']} px): {too_wide}"

    def test_search_works_offline(self, open_tab, unzipped, built_site):
        """The handbook's search, opened from disk, finds a page by a word of its title."""
        page_path, word = None, ""
        for path in built_site.content_pages():
            if path.name == "index.html":
                continue
            heading = soup(path).find("h1")
            words = sorted(re.findall(r"[^\W\d_]{4,}", heading.get_text(" ") if heading else ""), key=len)
            if words:
                page_path, word = path.relative_to(built_site.site).as_posix(), words[-1]
                break
        if page_path is None:
            pytest.skip("the handbook has no page but its index with a word of four letters in its title")
        tab = open_tab(DESKTOP, refuse=NOT_A_FILE)
        tab.page.goto((unzipped / "search.html").as_uri() + f"?q={word}")
        tab.page.wait_for_function(
            "() => (document.querySelector('#search-results .search-summary')?.innerText || '').length > 0")
        found = tab.page.eval_on_selector_all("#search-results ul.search li a",
                                              "links => links.map(a => a.getAttribute('href'))")
        opened = {urlsplit(h).path for h in found}
        assert page_path in opened, f"searching {word!r} offline does not find {page_path}: {sorted(opened)}"

    def test_no_serious_accessibility_problem(self, open_tab, site_url, built_site):
        """axe-core (the copy axe-playwright-python ships) finds nothing serious or critical on any
        handbook page, or on any slide with all its fragments shown."""
        from axe_playwright_python.sync_playwright import Axe

        axe = Axe()
        tab = open_tab(DESKTOP)
        problems = {}
        for path in built_site.handbook_pages():
            where = path.relative_to(built_site.site).as_posix()
            if where == "404.html":
                continue
            tab.page.goto(site_url + where)
            problems[where] = _serious(axe, tab.page)
        deck_url = site_url + built_site.deck_html.relative_to(built_site.site).as_posix()
        open_deck(tab, deck_url, transitions=False)
        for index, slide in enumerate(deck_slides(built_site.deck_html)):
            show_slide(tab, index)
            problems[f"slide {slide.id}"] = _serious(axe, tab.page)
        problems = {k: v for k, v in problems.items() if v}
        assert not problems, "\n".join(f"{k}: {v}" for k, v in problems.items())

    @pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["1280x720", "phone"])
    def test_every_slide_fits_its_stage(self, open_tab, site_url, built_site, viewport):
        """Nothing of a slide, all its fragments shown, lies outside the slide or is cut off, on
        a laptop's screen and on a phone's (where talkbook's theme stands the stage upright)."""
        slides = deck_slides(built_site.deck_html)
        tab = open_tab(viewport)
        open_deck(tab, site_url + built_site.deck_html.relative_to(built_site.site).as_posix(), transitions=False)
        problems = {}
        for index, slide in enumerate(slides):
            show_slide(tab, index)
            section = tab.page.locator(f'.reveal .slides section[id="{slide.id}"]')
            found = section.evaluate(OVERFLOWS)
            height, stage = section.evaluate("s => [s.scrollHeight, Reveal.getConfig().height]")
            if height > stage + 1:
                found.append(f"its content is {height} px tall, more than the slide's {stage} px")
            if found:
                problems[slide.id] = found
        assert not problems, f"at {viewport['width']}x{viewport['height']}:\n" + "\n".join(
            f"- {slide_id}: " + "\n    ".join(lines) for slide_id, lines in problems.items())

    def test_the_404_page_works_at_any_depth(self, tab, site_url, built_site):
        """A missing page gets the site's 404 page, styled and with working links, however deep
        the missing address is (as GitHub Pages and Read the Docs serve it)."""
        if not (built_site.site / "404.html").is_file():
            pytest.skip("the handbook has no 404 page (sphinx-notfound-page is not loaded)")
        deck = built_site.settings["talkbook_deck_path"].strip("/")
        for path in ("no-such-page.html", "no/such/page/", f"{deck}/no/such/slide.html"):
            answer = tab.page.goto(site_url + path)
            assert answer.status == 404
            tab.errors.remove(f"HTTP 404: {site_url}{path}")
            tab.errors.remove("console error: Failed to load resource: the server responded with a status of "
                              "404 (Not Found)")
            loaded = tab.page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
            assert any(".css" in name for name in loaded), f"{path}: the 404 page has no stylesheet"
            home = tab.page.locator("a[href]").evaluate_all("links => links.map(a => a.href)")
            assert site_url in home or site_url + "index.html" in home, f"{path}: no link to the home page"

    # -- Printed -----------------------------------------------------------------------

    def test_the_deck_prints(self, chromium, built_site, tmp_path):
        """`make pdf` and `make handout` print the deck: every slide's title, in order, in the
        slides' PDF (a page per build of a slide when pdfSeparateFragments is on), and in the
        handout each slide once, then its notes."""
        from pypdf import PdfReader

        slides = deck_slides(built_site.deck_html)
        printed = {}
        for name, extra in (("slides", []), ("handout", ["--handout"])):
            # As make runs it: its own process (Playwright drives one browser a thread).
            out = tmp_path / f"{name}.pdf"
            result = subprocess.run([sys.executable, "-m", "talkbook.tools.pdf", *extra, "--deck",
                                     str(built_site.deck_html), "--out", str(out), "--chromium", chromium],
                                    capture_output=True, text=True)
            assert result.returncode == 0, result.stdout + result.stderr
            printed[name] = [pdf_text(page) for page in PdfReader(out).pages]
        separate = built_site.settings["revealjs_script_conf"].get("pdfSeparateFragments", True)
        expected = [s.title for s in slides for _build in range(1 + (s.steps if separate else 0))]
        pages = printed["slides"]
        assert len(pages) == len(expected), f"{len(pages)} pages for {len(expected)} builds of slides"
        for number, (text, title) in enumerate(zip(pages, expected), start=1):
            assert title and title in text, f"page {number} should show {title!r}: {text[:120]!r}"
        text = " ".join(printed["handout"])
        for slide in slides:
            assert slide.notes in text, f"the handout lacks the notes of slide {slide.id!r}"

    # -- Published ---------------------------------------------------------------------

    def test_every_page_has_a_link_preview_with_its_own_address(self, built_site):
        """Each page says, in Open Graph tags, its title, its description and its own address
        under the site's address; its canonical link is the same address."""
        for page in [*built_site.content_pages(), built_site.deck_html]:
            html = soup(page)
            tags = {(m.get("property") or m.get("name")): m["content"] for m in html.find_all("meta", content=True)}
            address = SITE_URL + page.relative_to(built_site.site).as_posix()
            where = page.relative_to(built_site.site).as_posix()
            assert tags.get("og:url") == address, f"{where}: og:url is {tags.get('og:url')!r}"
            assert tags.get("og:title") and tags.get("og:description"), where
            canonical = html.find("link", rel="canonical")
            assert canonical is not None and canonical["href"] == address, where

    def test_the_link_check_covers_every_external_link(self, built_site, tmp_path):
        """`make linkcheck` reports each external link that a page of either output shows, with
        the pages that show it (every URL ignored here, so that none is asked)."""
        from talkbook.tools.linkreport import merge, read_rows

        result = make(built_site.talk, "linkcheck-handbook", "linkcheck-deck", builddir=tmp_path,
                      SPHINXOPTS="-D linkcheck_ignore=^https?://", TALKBOOK_SITE_URL=SITE_URL)
        assert result.returncode == 0, result.stdout + result.stderr
        settings = built_site.settings
        rows = merge([(read_rows(tmp_path / "linkcheck" / "handbook", "handbook"),
                       built_site.talk / settings["talkbook_handbook_srcdir"], None),
                      (read_rows(tmp_path / "linkcheck" / "deck", "deck"),
                       built_site.talk / settings["talkbook_deck_srcdir"], settings["talkbook_deck_path"])],
                     built_site.talk)
        reported = {row["uri"]: row for row in rows}
        shown: dict[str, set[str]] = {}
        for page in [*built_site.content_pages(), built_site.deck_html]:
            for link in soup(page).select("article a[href], div.reveal a[href]"):
                if link["href"].startswith(("http://", "https://")):
                    shown.setdefault(link["href"], set()).add(page.relative_to(built_site.site).as_posix())
        missing = sorted(set(shown) - set(reported))
        assert not missing, f"external links that the link check does not see: {missing}"
        for uri, pages in shown.items():
            assert pages <= set(reported[uri]["pages"]), (uri, pages, reported[uri]["pages"])

    def test_the_sitemap_lists_every_page(self, built_site):
        """sitemap.xml names every content page of the handbook and the deck, under the site's address."""
        from xml.etree import ElementTree

        listed = {loc.text for loc in ElementTree.parse(built_site.site / "sitemap.xml").iter()
                  if loc.tag.endswith("loc")}
        pages = [*built_site.content_pages(), built_site.deck_html]
        expected = {SITE_URL + posixpath.normpath(p.relative_to(built_site.site).as_posix()) for p in pages}
        assert expected <= listed, f"not in the sitemap: {sorted(expected - listed)}"
        assert not {SITE_URL + p for p in NOT_CONTENT} & listed
