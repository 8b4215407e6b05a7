"""The link previews' picture shows the talk's title slide as it is now (`make social-card` takes it)."""

from __future__ import annotations

import base64
from pathlib import Path

from talkbook.testing import READY
from talkbook.tools.card import HEIGHT, QUERY, WIDTH, card_of

REPO = Path(__file__).resolve().parents[2]
CARD = REPO / "_static" / "handbook" / "social-card.png"


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
