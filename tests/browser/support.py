"""What the browser tests share: the talk as exported, and ways to drive the deck."""

from __future__ import annotations

import re
from pathlib import Path

from bs4 import BeautifulSoup

from seed import pages, slides

REPO = Path(__file__).resolve().parents[2]
# The talk as exported, kept in the repository so that a clone is self-contained.
SEED = REPO / "tests" / "data" / "get-a-python-job.md"

#: reveal.js has started and laid out the deck.
READY = "() => window.Reveal && Reveal.isReady()"

#: The current slide has finished fading in, and each of its fragments has
#: finished appearing (.visible) or disappearing: what the audience sees.
SETTLED = """() => {
  const slide = Reveal.getCurrentSlide();
  if (!slide || getComputedStyle(slide).opacity !== "1") return false;
  return [...slide.querySelectorAll(".fragment")].every(f =>
    getComputedStyle(f).opacity === (f.classList.contains("visible") ? "1" : "0"));
}"""

#: Every element of a slide that lies outside the slide's box (the 1280x720
#: stage at reveal.js's scale), or whose content is cut off by its own box.
OVERFLOWS = """(slide) => {
  const frame = slide.closest(".slides").getBoundingClientRect();
  const slack = 1;
  const name = el => el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (typeof el.className === "string" && el.className ? "." + el.className.trim().split(/\\s+/).join(".") : "");
  const found = [];
  const walk = (el, path) => {
    for (const child of el.children) {
      if (child.matches("aside.notes, script, style, template")) continue;
      // Text hidden from sight on purpose, for screen readers (talk.css): clipped to nothing, it is no overflow.
      if (child.matches(".visually-hidden, :has(> .visually-hidden:only-child)")) continue;
      const style = getComputedStyle(child);
      if (style.display === "none" || style.visibility === "hidden") continue;
      const where = path + " > " + name(child);
      const box = child.getBoundingClientRect();
      if (box.width > 0 && box.height > 0 && (box.left < frame.left - slack || box.top < frame.top - slack ||
          box.right > frame.right + slack || box.bottom > frame.bottom + slack)) {
        found.push(`${where} [${Math.round(box.left)},${Math.round(box.top)} to ` +
                   `${Math.round(box.right)},${Math.round(box.bottom)}] is outside the slide ` +
                   `[${Math.round(frame.left)},${Math.round(frame.top)} to ${Math.round(frame.right)},${Math.round(frame.bottom)}]`);
        continue;  // what is inside it is outside too: name the outermost only
      }
      if (child instanceof HTMLElement && style.overflowX !== "visible" && child.scrollWidth > child.clientWidth + slack)
        found.push(`${where} cuts its content off sideways (${child.scrollWidth} > ${child.clientWidth} px)`);
      if (child instanceof HTMLElement && style.overflowY !== "visible" && child.scrollHeight > child.clientHeight + slack)
        found.push(`${where} cuts its content off at the bottom (${child.scrollHeight} > ${child.clientHeight} px)`);
      walk(child, where);
    }
  };
  walk(slide, "#" + slide.id);
  return found;
}"""


def expected_slides() -> list[tuple[int, ...]]:
    """The seed's exported pages, grouped into slides (pages 5-8 are one slide)."""
    return slides(SEED)


def exported_pages() -> dict[int, str]:
    return pages(SEED)


def deck_slides(deck_html: Path) -> list[dict]:
    """Each horizontal slide of the built deck: id, title, fragment steps."""
    soup = BeautifulSoup(deck_html.read_text(encoding="utf-8"), "html.parser")
    found = []
    for stack in soup.select("div.reveal > div.slides > section"):
        section = stack.find("section", recursive=False) or stack
        heading = section.find(["h1", "h2", "h3"])
        steps = set()
        for index, fragment in enumerate(section.select(".fragment")):
            steps.add(fragment.get("data-fragment-index", f"auto-{index}"))
        found.append({
            "id": section.get("id"),
            "title": normalise(heading.get_text(" ", strip=True)) if heading else "",
            "steps": len(steps),
        })
    return found


def normalise(text: str) -> str:
    """Whitespace collapsed, typographic quotes and ligatures made plain."""
    text = text.replace("\u2019", "'").replace("\ufb01", "fi").replace("\ufb02", "fl").replace("\u00a0", " ")
    return re.sub(r"\s+", " ", text).strip()


def open_deck(tab, url: str, transitions: bool = True) -> None:
    tab.page.goto(url)
    tab.page.wait_for_function(READY)
    if not transitions:
        tab.page.evaluate("Reveal.configure({transition: 'none', backgroundTransition: 'none'})")
    settle(tab)


def settle(tab) -> None:
    tab.page.wait_for_function(SETTLED)


def show_slide(tab, index: int, all_fragments: bool = True) -> None:
    """Go to slide *index* with all its fragments shown (or none)."""
    tab.page.evaluate(
        "([index, all]) => Reveal.slide(index, 0, all ? Number.MAX_SAFE_INTEGER : -1)",
        [index, all_fragments],
    )
    settle(tab)
