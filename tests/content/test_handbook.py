"""The handbook in a browser: its navigation, its search, and its links to and from the deck."""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from talkbook.testing import DESKTOP, PHONE, READY, open_deck, settle

PAGE_TITLE = "article[role=main] h1"


def _path(url: str) -> str:
    """The page a URL opens: its path, with a folder's index.html spelled out."""
    path = urlsplit(url).path
    return path + "index.html" if path.endswith("/") else path


def follow(page, link) -> None:
    """Click a link and wait until the page it opens has loaded."""
    with page.expect_navigation(wait_until="load"):
        link.click()


def _links(built_site, selector: str) -> list[tuple[str, str, str]]:
    """(page, href, label) of every link matching *selector* in the built site's pages."""
    found = []
    pages = [built_site.deck_html] if "read-more" in selector else built_site.handbook_pages()
    for page in pages:
        soup = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser")
        for link in soup.select(selector):
            found.append((page.relative_to(built_site.site).as_posix(), link["href"], link["href"].rpartition("#")[2].lstrip("/")))
    return found


#: What the walk reads of a page, in one call.
PAGE_STATE = """() => ({
  title: !!document.querySelector("article[role=main] h1")?.checkVisibility(),
  visible: [...document.querySelectorAll(".sidebar-tree a.reference")].filter(a => a.checkVisibility()).map(a => a.href),
  current: document.querySelector(".sidebar-tree .current-page > a")?.href ?? null,
  previous: document.querySelector("a.prev-page")?.href ?? null,
  next: document.querySelector("a.next-page")?.href ?? null,
  width: document.documentElement.scrollWidth,
})"""


def test_a_reader_walks_the_whole_handbook(tab, site_url, screenshots):
    """From the landing page, "next" to the last page and each page once. On each: "previous" leads
    back, the sidebar marks the page, and nothing is wider than the screen (a phone's width is
    checked on every page of the offline download, tests/browser/test_offline.py)."""
    page = tab.page
    page.goto(site_url)
    page.screenshot(path=str(screenshots / "handbook-landing.png"), full_page=True)
    every = {_path(h) for h in page.eval_on_selector_all(".sidebar-tree a.reference", "ls => ls.map(a => a.href)")}
    assert len(every) >= 10, every
    forward, shown, too_wide = [], set(), {}
    state = page.evaluate(PAGE_STATE)
    assert state["previous"] is None, "the first page has no previous one"
    while True:
        here = _path(page.url)
        assert here not in forward, f"next leads back to {page.url}"
        assert state["title"], f"{here} shows no title"
        if forward:
            assert _path(state["previous"]) == forward[-1], f"on {here}, previous does not lead back"
            assert _path(state["current"]) == here, f"on {here}, the sidebar does not mark the page"
        forward.append(here)
        shown |= {_path(h) for h in state["visible"]}
        if state["width"] > DESKTOP["width"]:
            too_wide[here] = state["width"]
        if state["next"] is None:
            break
        page.goto(state["next"])
        state = page.evaluate(PAGE_STATE)
    assert every <= set(forward), f"next never reaches {sorted(every - set(forward))}"
    # Every page can be reached from a sidebar link the reader can see on some page.
    assert every <= shown, f"no visible sidebar link leads to {sorted(every - shown)}"
    assert not too_wide, f"pages wider than the screen: {too_wide}"


def test_sidebar_links_open_their_pages(tab, site_url):
    """Clicking a sidebar link opens its page, from the root and from a page in a section."""
    page = tab.page
    for start in (site_url, site_url + "how-to/get-help.html"):
        page.goto(start)
        links = page.eval_on_selector_all(".sidebar-tree a.reference",
                                          "ls => ls.filter(a => a.checkVisibility()).map(a => [a.getAttribute('href'), a.href])")
        for attr, href in links[1::4]:
            page.goto(start)
            follow(page, page.locator(f'.sidebar-tree a.reference[href="{attr}"]').first)
            assert _path(page.url) == _path(href)
            current = page.locator(".sidebar-tree .current-page > a").first.evaluate("a => a.href")
            assert _path(current) == _path(href), "the sidebar marks the page you are on"


def test_search_finds_gerrit(tab, site_url):
    page = tab.page
    page.goto(site_url + "search.html?q=Gerrit")
    results = page.locator("#search-results ul.search li")
    results.first.wait_for()
    page.wait_for_function("() => document.querySelector('#search-results .search-summary').innerText.includes('found')")
    assert results.count() >= 3
    summary = page.locator("#search-results .search-summary").inner_text()
    assert "found" in summary and str(results.count()) in summary.replace("one", "1")
    # The first result is a page that talks about Gerrit, with the word highlighted.
    follow(page, results.first.locator("a").first)
    assert "Gerrit" in page.locator("article[role=main]").inner_text()
    assert page.locator("article[role=main] .highlighted").count() >= 1


def test_the_search_box_searches(tab, site_url):
    page = tab.page
    page.goto(site_url)
    page.locator("form.sidebar-search-container input[name=q]").fill("Gerrit")
    with page.expect_navigation(wait_until="load"):
        page.locator("form.sidebar-search-container input[name=q]").press("Enter")
    assert _path(page.url).endswith("/search.html")
    page.locator("#search-results ul.search li").first.wait_for()


def _sample(links: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """One link of each page depth (the root, a section, ...): where relative links can go wrong.
    Every link's target is checked without a browser, in tests/test_single_source.py."""
    by_depth: dict[int, tuple[str, str, str]] = {}
    for link in links:
        by_depth.setdefault(link[0].count("/"), link)
    return list(by_depth.values())


def test_see_this_slide_opens_the_right_slide(tab, site_url, built_site):
    links = _links(built_site, "a.on-slide")
    assert len({label for _page, _href, label in links}) >= 10
    page = tab.page
    for source, href, label in _sample(links):
        page.goto(urljoin(site_url, source))
        link = page.locator(f'a.on-slide[href="{href}"]').first
        link.scroll_into_view_if_needed()
        follow(page, link)
        page.wait_for_function(READY)
        assert _path(page.url).endswith("/slides/index.html")
        assert page.evaluate("Reveal.getCurrentSlide().id") == label, f"{source}: {href}"


def test_read_more_is_on_screen_on_each_slide_and_opens_its_section(tab, site_url, built_site):
    links = _links(built_site, "a.read-more")
    assert len(links) >= 10, links
    page = tab.page
    open_deck(tab, site_url + "slides/index.html", transitions=False)
    for _source, href, label in links:
        page.evaluate("id => Reveal.slide(Reveal.getIndices(document.getElementById(id)).h)", label)
        settle(tab)
        link = page.locator(f"section#{label} a.read-more").first
        assert link.is_visible(), f"slide {label}: its read-more link is not on screen"
        assert link.get_attribute("href") == href
    for _source, href, label in links[:: max(1, len(links) // 3)]:
        open_deck(tab, site_url + f"slides/index.html#/{label}")
        follow(page, page.locator(f"section#{label} a.read-more").first)
        assert page.evaluate("location.hash") == f"#{label}"
        assert page.locator(f'[id="{label}"]').count() == 1, f"{href}: no element with id {label!r}"
        page.wait_for_function(
            "id => { const r = document.getElementById(id).getBoundingClientRect(); return r.top >= -1 && r.top < innerHeight / 2; }",
            arg=label,
        )


@pytest.mark.parametrize("path", ["reference/project-directory.html"])
def test_project_directory_lists_every_project(open_tab, site_url, built_site, path, screenshots):
    from talkbook.projects import load_projects

    projects = load_projects(built_site.talk / "source" / "_data" / "projects.yaml").projects
    for name, viewport in (("1280", DESKTOP), ("phone", PHONE)):
        page = open_tab(viewport).page
        page.goto(site_url + path)
        for project in projects:
            section = page.locator(f"section#project-{project.slug}")
            assert section.locator("h2").inner_text().startswith(project.current_name)
            # Code, its mirror, bugs and plans: each a link the reader can see and follow.
            links = section.locator("a.external")
            assert links.count() >= 4, project.name
            for index in range(links.count()):
                assert links.nth(index).is_visible()
        page.screenshot(path=str(screenshots / f"handbook-project-directory-{name}.png"), full_page=True)
