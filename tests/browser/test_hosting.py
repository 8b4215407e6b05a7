"""What a hosted site needs beyond its pages: a 404 page that works at any depth, and a preview picture
that shows the talk's title slide as it is."""

from __future__ import annotations

import base64
import functools
import http.server
import threading
from pathlib import Path

import pytest

from browser.conftest import _QuietHandler
from browser.support import READY, REPO
from talkbook.tools.card import HEIGHT, QUERY, WIDTH, card_of

CARD = REPO / "_static" / "handbook" / "social-card.png"


class PagesLikeHandler(_QuietHandler):
    """A static host as GitHub Pages and Read the Docs are: a missing path gets the site's 404.html."""

    def send_error(self, code, message=None, explain=None):
        if code != 404:
            return super().send_error(code, message, explain)
        body = (Path(self.directory) / "404.html").read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


@pytest.fixture(scope="module")
def host(built_site):
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(PagesLikeHandler, directory=str(built_site.site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("path", ["/no-such-page.html", "/how-to/no/such/page.html", "/slides/deeper/missing/"])
def test_the_404_page_keeps_its_look_and_links_at_any_depth(tab, host, path, screenshots):
    page = tab.page
    answer = page.goto(host + path)
    assert answer.status == 404
    # The one expected error: the page itself (any other resource that fails is its own "HTTP 404: ...").
    tab.errors.remove(f"HTTP 404: {host}{path}")
    tab.errors.remove("console error: Failed to load resource: the server responded with a status of 404 (Not Found)")
    assert page.locator("h1").first.inner_text().startswith("Page not found")
    # Its stylesheets and scripts came, from the site's root: the theme is applied.
    loaded = page.evaluate("() => performance.getEntriesByType('resource').map(e => e.name)")
    assert any(name.endswith(".css") or ".css?" in name for name in loaded), loaded
    assert any(name.endswith(".js") or ".js?" in name for name in loaded), loaded
    assert page.evaluate("() => getComputedStyle(document.body).getPropertyValue('--color-brand-primary').trim()")
    # Its navigation leads to the site's pages.
    links = page.locator(".sidebar-tree a.reference.internal")
    assert links.count() > 5
    target = links.first.get_attribute("href")
    assert target.startswith("/"), target
    assert page.goto(host + target).status == 200
    page.screenshot(path=str(screenshots / f"404-{path.strip('/').replace('/', '-')}.png"))


COMPARE = """async ([one, two]) => {
  const load = src => new Promise(done => { const img = new Image(); img.onload = () => done(img); img.src = src; });
  const pixels = img => {
    const canvas = document.createElement("canvas");
    canvas.width = img.width; canvas.height = img.height;
    const context = canvas.getContext("2d");
    context.drawImage(img, 0, 0);
    return context.getImageData(0, 0, img.width, img.height).data;
  };
  const [a, b] = await Promise.all([load(one), load(two)]);
  if (a.width !== b.width || a.height !== b.height) return 1;
  const [p, q] = [pixels(a), pixels(b)];
  let differ = 0;
  for (let i = 0; i < p.length; i += 4)
    if (Math.abs(p[i] - q[i]) + Math.abs(p[i + 1] - q[i + 1]) + Math.abs(p[i + 2] - q[i + 2]) > 48) differ++;
  return differ / (p.length / 4);
}"""


def test_the_preview_picture_is_the_title_slide_as_it_is_now(built_site, open_tab):
    # Taken as `make social-card` takes it (talkbook.tools.card), from the deck as built now.
    deck = open_tab(viewport={"width": WIDTH, "height": HEIGHT}).page
    deck.goto(built_site.deck_html.as_uri() + QUERY)
    deck.wait_for_function(READY)
    fresh = card_of(deck)
    as_data = lambda png: "data:image/png;base64," + base64.b64encode(png).decode()  # noqa: E731
    compare = open_tab().page
    compare.set_content("<html><body></body></html>")
    share = compare.evaluate(COMPARE, [as_data(CARD.read_bytes()), as_data(fresh)])
    assert share < 0.002, (
        f"{share:.1%} of {CARD.relative_to(REPO)} differs from the title slide: run `make social-card` "
        "and commit the picture")
    assert (WIDTH, HEIGHT) == (1200, 630)
