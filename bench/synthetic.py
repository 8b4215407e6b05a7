"""A synthetic talk and handbook, generated at any size, for the scale benchmark.

At scale 1 the project has 300 slides, 200 handbook pages and 2,000 links; at
scale 2 twice each. It uses our machinery the way the real sources do:

- every slide has a label and speaker notes (``{revealjs-notes}``);
- one slide in three shows a shared fragment (``source/_shared/topic-NNN.md``)
  that a handbook page includes too: a list, notes inside ``{slide-only}``, a
  paragraph inside ``{handbook-only}`` and a ``{crosslink}``;
- the links: on each handbook page, four ``{slide}`` crosslinks to slides,
  three ``{ref}`` links to other pages and three external links (10 per page,
  so 2,000 at scale 1).

The rest of the project (conf.py, Makefile, talkbook/, _templates/, _static/,
the project data) is copied from the repository, so ``make all`` builds it as
it builds the real talk.

    python bench/synthetic.py OUT [--scale 1]
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: What the build needs besides the Markdown sources, copied as they are.
MACHINERY = ["conf.py", "Makefile", "talk.mk", "pyproject.toml", "requirements", "_templates", "_static", "talkbook"]

SLIDES, PAGES, LINKS_PER_PAGE = 300, 200, 10
SLIDES_PER_PART, PAGES_PER_SECTION = 30, 20

WORDS = ("OpenStack is a set of Python services that together run a cloud: each one turns "
         "calls to its API into machines, disks and networks, and the community reviews "
         "every change before it merges.").split()


def copy_from_repository(names: list[str], target: Path) -> Path:
    """Copy these files and folders of the repository into *target* (no bytecode)."""
    target.mkdir(parents=True, exist_ok=True)
    for name in names:
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, target / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src, target / name)
    return target


def _text(seed: int, words: int) -> str:
    return " ".join(WORDS[(seed + i) % len(WORDS)] for i in range(words))


def _slide(n: int, fragment: int | None) -> str:
    if fragment is not None:
        return (f"(topic-{fragment:03d})=\n## Topic {fragment}\n\n"
                f"```{{include}} ../source/_shared/topic-{fragment:03d}.md\n```\n\n")
    return (f"(slide-{n:03d})=\n## Slide {n}\n\n- {_text(n, 6)}\n- {_text(n + 1, 5)}\n\n"
            f"```{{revealjs-notes}}\n{_text(n, 40)}\n```\n\n")


def _fragment(k: int) -> str:
    return (f"- {_text(k, 7)}\n- {_text(k + 2, 6)}\n\n"
            f":::{{slide-only}}\n```{{revealjs-notes}}\n{_text(k, 45)}\n```\n:::\n\n"
            f":::{{handbook-only}}\n{_text(k + 3, 60)}\n:::\n\n"
            f"```{{crosslink}} topic-{k:03d}\n```\n")


def generate(out: Path, scale: int = 1) -> dict[str, int]:
    """Write the project into *out* (emptied first); return what it holds."""
    slides, pages = SLIDES * scale, PAGES * scale
    fragments = slides // 3
    if fragments > pages:  # each fragment's crosslink needs a handbook page that holds it
        raise ValueError(f"{fragments} fragments but only {pages} handbook pages")
    if out.exists():
        shutil.rmtree(out)
    copy_from_repository(MACHINERY, out)
    source, deck = out / "source", out / "slides"
    (source / "_shared").mkdir(parents=True)
    (source / "_data").mkdir()
    deck.mkdir()
    for data in ("projects.yaml", "facts.yaml"):
        shutil.copy2(ROOT / "source" / "_data" / data, source / "_data" / data)

    # The deck: a title slide, then parts of 30 slides; slide 3k+1 shows fragment k.
    fragment_of = {3 * k + 1: k for k in range(fragments)}
    plain_slides = [n for n in range(slides) if n not in fragment_of]
    parts = []
    for part in range(0, slides, SLIDES_PER_PART):
        name = f"_{part // SLIDES_PER_PART + 1:02d}-part.md"
        body = "".join(_slide(n, fragment_of.get(n)) for n in range(part, min(part + SLIDES_PER_PART, slides)))
        (deck / name).write_text(f"% Part {part // SLIDES_PER_PART + 1}\n\n{body}", encoding="utf-8")
        parts.append(name)
    includes = "".join(f"```{{include}} {name}\n```\n\n" for name in parts)
    (deck / "index.md").write_text(
        "(title)=\n# A synthetic talk\n\nThe speaker\n\n```{crosslink} handbook-home\n```\n\n"
        f"```{{revealjs-notes}}\n{_text(0, 30)}\n```\n\n{includes}", encoding="utf-8")
    for k in range(fragments):
        (source / "_shared" / f"topic-{k:03d}.md").write_text(_fragment(k), encoding="utf-8")

    # The handbook: sections of 20 pages; page k holds fragment k if there is one.
    links = 0
    sections = []
    for first in range(0, pages, PAGES_PER_SECTION):
        section = f"section{first // PAGES_PER_SECTION + 1:02d}"
        (source / section).mkdir()
        names = []
        for p in range(first, min(first + PAGES_PER_SECTION, pages)):
            lines = [f"(page-{p:03d})=", f"# Page {p}", "", _text(p, 50), ""]
            slide_refs = [plain_slides[(p * 4 + i) % len(plain_slides)] for i in range(4)]
            lines += [f"See {{slide}}`slide {s} <slide-{s:03d}>`." for s in slide_refs]
            lines += [f"Read {{ref}}`page-{(p + i) % pages:03d}`." for i in (1, 7, 31)]
            lines += [f"Visit <https://host{(p + i) % 20:02d}.example.org/page/{p}/{i}>." for i in range(3)]
            links += LINKS_PER_PAGE
            lines += ["", f"(page-{p:03d}-more)=", "## More", "", _text(p + 5, 80), ""]
            if p < fragments:
                lines += [f"(topic-{p:03d})=", f"## Topic {p}", "",
                          f"```{{include}} ../_shared/topic-{p:03d}.md", "```", ""]
            (source / section / f"page{p:03d}.md").write_text("\n".join(lines), encoding="utf-8")
            names.append(f"page{p:03d}")
        toctree = "\n".join(names)
        (source / section / "index.md").write_text(
            f"(sec-{section})=\n# Section {section[-2:]}\n\n```{{toctree}}\n{toctree}\n```\n", encoding="utf-8")
        sections.append(f"{section}/index")
    (source / "index.md").write_text(
        "(handbook-home)=\n# A synthetic handbook\n\n{slide}`The slides <title>`\n\n"
        "```{toctree}\n:maxdepth: 1\n\n" + "\n".join(sections) + "\n```\n", encoding="utf-8")
    return {"slides": slides, "pages": pages, "links": links, "fragments": fragments}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--scale", type=int, default=1)
    args = parser.parse_args()
    print(generate(args.out, args.scale))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
