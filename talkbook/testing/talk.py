"""A talk built as its speaker builds it, and what its checks read of the build.

The session builds the talk once, with its Makefile (``make all``) into a
folder of pytest's, with the virtual environment that runs the tests
(``VENVDIR``), for a fixed address (:data:`SITE_URL`) and a fixed time
(``SOURCE_DATE_EPOCH``). With pytest-xdist, the first worker to need it builds
it and the others wait for it.
"""

from __future__ import annotations

import fcntl
import json
import os
import re
import subprocess
import sys
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from talkbook.config import read_settings

#: The address the checks build the site for (RFC 2606: an example domain).
SITE_URL = "https://talk.example.org/"
#: The time of every build of the checks (2023-11-14), as a release build sets it.
SOURCE_DATE_EPOCH = "1700000000"
#: Pages of a handbook that are its machinery, not content.
NOT_CONTENT = {"404.html", "search.html", "genindex.html"}


def in_ci() -> bool:
    """Whether the tests run in CI (``CI=true``), where a missing tool is a failure, never a skip."""
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


def soup(path: Path) -> BeautifulSoup:
    return BeautifulSoup(Path(path).read_text(encoding="utf-8"), "html.parser")


_QUOTES = str.maketrans({"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u00a0": " ",
                         "\ufb01": "fi", "\ufb02": "fl"})


def plain(text: str) -> str:
    """*text* as written: runs of white space as one space, typographic quotes and ligatures plain."""
    return " ".join(str(text).translate(_QUOTES).split())


def pdf_text(page) -> str:
    """A PDF page's text (a pypdf page), :func:`plain`. A line that ends in a word's hyphen goes on
    without a space: Chromium breaks lines after a hyphen of the text ("~openstack-" then "cla")
    and adds none of its own (no ``hyphens: auto``)."""
    return plain(re.sub(r"(?<=\w)-\n", "-", page.extract_text()))


def make(talk: Path, *targets: str, builddir: Path, env: dict[str, str] | None = None,
         **variables: str) -> subprocess.CompletedProcess:
    """``make`` in the talk's folder, with the virtual environment that runs this code;
    *variables* are make's, *env* is added to the environment."""
    settings = {"VENVDIR": sys.prefix, "BUILDDIR": str(builddir), "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH,
                **variables}
    return subprocess.run(
        ["make", "--no-print-directory", "-C", str(talk), *targets, *(f"{k}={v}" for k, v in settings.items())],
        capture_output=True, text=True, env={**os.environ, **(env or {})},
    )


@dataclass
class BuiltSite:
    """The talk in *talk*, built by ``make all`` into *builddir*."""

    talk: Path
    builddir: Path
    stdout: str
    stderr: str
    settings: dict = field(default_factory=dict)

    @property
    def site(self) -> Path:
        return self.builddir / "site"

    @property
    def deck(self) -> Path:
        return self.site / self.settings["talkbook_deck_path"].strip("/")

    @property
    def deck_html(self) -> Path:
        return self.deck / f"{self.settings['talkbook_deck_docname']}.html"

    @property
    def zip(self) -> Path:
        found = sorted((self.builddir / "dist").glob("*.zip"))
        assert len(found) == 1, f"make all should write one download into {self.builddir / 'dist'}: {found}"
        return found[0]

    @property
    def name(self) -> str:
        return self.zip.stem

    def handbook_pages(self) -> list[Path]:
        """Every page of the handbook (the deck's folder and static files left out)."""
        return sorted(p for p in self.site.rglob("*.html")
                      if self.deck not in p.parents and "_static" not in p.relative_to(self.site).parts)

    def content_pages(self) -> list[Path]:
        return [p for p in self.handbook_pages() if p.relative_to(self.site).as_posix() not in NOT_CONTENT]


def build_once(talk: Path, shared: Path) -> BuiltSite:
    """The talk built in *shared* (a folder all test processes see), once for all of them."""
    builddir = shared / "talk-build"
    log = shared / "talk-build.json"
    with open(shared / "talk-build.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not log.exists():
            result = make(talk, "all", builddir=builddir, TALKBOOK_SITE_URL=SITE_URL)
            log.write_text(json.dumps([result.returncode, result.stdout, result.stderr]))
    code, stdout, stderr = json.loads(log.read_text())
    if code != 0:
        pytest.fail(f"make all failed in {talk} ({code}):\n{stdout}\n{stderr}", pytrace=False)
    return BuiltSite(talk=talk, builddir=builddir, stdout=stdout, stderr=stderr, settings=read_settings(talk))


def unzip(archive: Path, target: Path) -> Path:
    """The download unpacked into *target*: the folder it holds."""
    with zipfile.ZipFile(archive) as zf:
        assert zf.testzip() is None, f"{archive} is damaged"
        tops = {name.split("/", 1)[0] for name in zf.namelist()}
        assert tops == {archive.stem}, f"{archive.name} should unpack into one folder, {archive.stem}/, not {tops}"
        zf.extractall(target)
    return target / archive.stem


# -- The deck, as built ---------------------------------------------------------------


def slide_sections(deck: BeautifulSoup) -> list:
    """Each horizontal slide of a built deck: the first <section> of each top-level stack."""
    stacks = deck.select("div.reveal > div.slides > section")
    return [stack.find("section", recursive=False) or stack for stack in stacks]


@dataclass(frozen=True)
class Slide:
    id: str
    title: str
    #: How many times a key press shows more of it (its fragments' steps).
    steps: int
    notes: str


def deck_slides(deck_html: Path) -> list[Slide]:
    found = []
    for section in slide_sections(soup(deck_html)):
        heading = section.find(["h1", "h2", "h3"])
        steps = {fragment.get("data-fragment-index", f"auto-{index}")
                 for index, fragment in enumerate(section.select(".fragment"))}
        notes = section.find("aside", class_="notes", recursive=False)
        title = plain(heading.get_text(" ")) if heading else ""
        found.append(Slide(section.get("id") or "", re.sub(r"\s*#$", "", title), len(steps),
                           plain(notes.get_text(" ")) if notes else ""))
    return found
