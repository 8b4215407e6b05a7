"""The talk as exported: the seed file's numbered pages, and how they map to slides."""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

#: The talk as exported, kept in the repository so that a clone is self-contained.
SEED = Path(__file__).resolve().parent / "data" / "get-a-python-job.md"

#: Pages that are builds of one slide (a fragment appearing at a time): "Other
#: « cloud »" shows Platform as a service, then adds one item a page.
BUILDS = [(6, 7, 8)]


def pages(seed: Path) -> dict[int, str]:
    found: dict[int, str] = {}
    for line in seed.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^(\d+)\.\s*(.*)$", line)
        if match:
            found[int(match.group(1))] = match.group(2).strip()
    return found


def slides(seed: Path) -> list[tuple[int, ...]]:
    """The seed's pages grouped into slides, in order: [(1,), (2,), ..., (5,), (6, 7, 8), ...]."""
    numbers = sorted(pages(seed))
    grouped: list[tuple[int, ...]] = []
    for number in numbers:
        build = next((b for b in BUILDS if number in b), None)
        if build is None:
            grouped.append((number,))
        elif number == build[0]:
            grouped.append(build)
    return grouped


def word_list(text: str) -> list[str]:
    """Lowercase words and numbers, in order, accents and punctuation dropped."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return re.findall(r"[a-z0-9]+", text.lower().replace("’", "'"))


def words(text: str) -> set[str]:
    return set(word_list(text))


def expected_slides() -> list[tuple[int, ...]]:
    """The seed's exported pages, grouped into slides (pages 6-8 are one slide)."""
    return slides(SEED)


def exported_pages() -> dict[int, str]:
    return pages(SEED)
