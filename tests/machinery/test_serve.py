"""`make serve`: the live preview rebuilds both outputs on a change and reloads the browser.

It serves a copy of the small talk of tests/talks/second/ (never the real
sources), with the repository's Makefile and .venv, on a free port of
127.0.0.1, and is stopped with its whole process group.
"""

from __future__ import annotations

import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from machinery.support import REPO, SECOND
from talkbook.testing import READY

STARTUP = 180  # seconds for the first build of both outputs on a busy machine
TALK = SECOND
FRAGMENT = "source/_shared/brewing.md"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as answer:
        return answer.read().decode("utf-8")


class Server:
    def __init__(self, root: Path, port: int):
        self.root, self.port = root, port
        self.lines: list[str] = []
        self.process = subprocess.Popen(
            ["make", "--no-print-directory", "-C", str(REPO), "serve", f"PORT={port}",
             f"VENVDIR={REPO / '.venv'}", f"BUILDDIR={root / '_build'}", f"CONFDIR={root}",
             f"HANDBOOK={root / 'source'}", f"DECK={root / 'slides'}"],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True,
            start_new_session=True,  # its own process group: make, python, the builds
        )
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.lines.append(line.rstrip("\n"))

    @property
    def output(self) -> str:
        return "\n".join(self.lines)

    def wait_until(self, check, what: str, seconds: float):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                pytest.fail(f"make serve exited ({self.process.returncode}) while waiting for {what}:\n{self.output}")
            try:
                if check():
                    return
            except OSError:
                pass
            time.sleep(0.25)
        pytest.fail(f"make serve: no {what} after {seconds} s:\n{self.output}")

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
        self.reader.join(timeout=5)


@pytest.fixture
def served(tmp_path):
    root = tmp_path / "talk"
    shutil.copytree(TALK, root)
    server = Server(root, _free_port())
    try:
        yield server
    finally:
        server.stop()
    # Stopped, with all its children: the port is free again.
    with socket.socket() as sock:
        assert sock.connect_ex(("127.0.0.1", server.port)) != 0, "the preview still answers after it was stopped"


def _handbook_page_including(root: Path, fragment: str) -> str:
    name = Path(fragment).name
    for page in sorted((root / "source").rglob("*.md")):
        if f"_shared/{name}" in page.read_text(encoding="utf-8") and "_shared" not in page.parts:
            return page.relative_to(root / "source").with_suffix(".html").as_posix()
    raise AssertionError(f"no handbook page includes {fragment}")


def test_changes_rebuild_both_outputs_and_reload_the_pages(served, open_tab):
    base = f"http://127.0.0.1:{served.port}/"
    handbook_url, deck_url = base, base + "slides/index.html"
    served.wait_until(lambda: handbook_url in served.output and deck_url in served.output, "URLs printed", STARTUP)
    served.wait_until(lambda: "<html" in _get(handbook_url) and "Reveal" in _get(deck_url), "site served", STARTUP)

    page_path = _handbook_page_including(served.root, FRAGMENT)
    handbook = open_tab().page
    handbook.goto(base + page_path + "#brewing")
    deck = open_tab().page
    deck.goto(deck_url + "#/brewing")
    deck.wait_for_function(READY)
    # Both pages listen for the preview's reload signal.
    for page in (handbook, deck):
        page.wait_for_function("() => window.talkbookReload && talkbookReload.readyState === WebSocket.OPEN")

    token = f"Livepreview{secrets.token_hex(4)}"
    fragment = served.root / FRAGMENT
    text = fragment.read_text(encoding="utf-8")
    assert "- Three minutes, not more\n" in text
    fragment.write_text(text.replace("- Three minutes, not more\n", f"- Three minutes, {token}\n"),
                        encoding="utf-8")

    # The pages reload by themselves (nobody calls goto) and show the change.
    shows = "token => document.body.innerText.includes(token)"
    handbook.wait_for_function(shows, arg=token, timeout=STARTUP * 1000)
    deck.wait_for_function(shows, arg=token, timeout=STARTUP * 1000)
    deck.wait_for_function(READY)
    assert deck.evaluate("Reveal.getCurrentSlide().id") == "brewing", "the reload keeps the slide"
    assert token in _get(base + page_path) and token in _get(deck_url)
    assert re.search(r"changed: .*brewing\.md", served.output), served.output

    # A stylesheet of the deck (not a page source) is watched too.
    css = served.root / "_static" / "deck" / "deck.css"
    css.write_text(css.read_text(encoding="utf-8") + "\n.reveal h2 { color: rgb(1, 2, 3); }\n", encoding="utf-8")
    deck.wait_for_function(
        "() => window.Reveal && getComputedStyle(document.querySelector('section#brewing h2')).color === 'rgb(1, 2, 3)'",
        timeout=STARTUP * 1000,
    )
    # Good builds say so, and nothing else: no failure, no problem box.
    assert not re.search(r"fail|stopped|problem|Traceback|Error", served.output), served.output
    assert not handbook.query_selector("#talkbook-problems")


def _status(url: str) -> int:
    try:
        with urllib.request.urlopen(url, timeout=10) as answer:
            return answer.status
    except urllib.error.HTTPError as err:
        return err.code


def test_a_build_with_problems_is_shown_on_the_open_pages_until_it_is_fixed(served, open_tab):
    base = f"http://127.0.0.1:{served.port}/"
    served.wait_until(lambda: "Ctrl+C stops" in served.output, "the preview started", STARTUP)
    # Paths that are no file of the preview: 404, never 500, and nothing on the terminal.
    for path in ["%00", "a%00b.html", "..%2f..%2f..%2fetc%2fpasswd", "%ff%fe.html", "x" * 5000, "a/" * 2000]:
        assert _status(base + path) == 404, path
    page = open_tab().page
    page.goto(base + "brewing.html")
    page.wait_for_function("() => window.talkbookReload && talkbookReload.readyState === WebSocket.OPEN")
    assert not page.query_selector("#talkbook-problems")

    source = served.root / "source" / "brewing.md"
    good = source.read_text(encoding="utf-8")
    source.write_text(good + "\nSee {ref}`no-such-label`.\n", encoding="utf-8")
    box = page.wait_for_selector("#talkbook-problems", timeout=STARTUP * 1000)
    line = len(good.splitlines()) + 2
    assert f"source/brewing.md:{line}: WARNING: undefined label: 'no-such-label'" in box.inner_text()
    assert "what to do: check the label's spelling" in box.inner_text()
    assert box.is_visible()
    served.wait_until(lambda: "make would stop on" in served.output, "the problem said", 30)
    assert re.search(rf"source/brewing\.md:{line}: WARNING: undefined label: 'no-such-label'.*\n"
                     r"    -> what to do: ", served.output), served.output

    # A page that is not UTF-8, then data that is not YAML: said with the file and the line, no traceback.
    source.write_bytes(good.encode() + b"\nCaf\xe9\n")
    served.wait_until(lambda: "is not UTF-8" in served.output, "the encoding said", STARTUP)
    data = served.root / "source" / "_data" / "projects.yaml"
    yaml = data.read_text(encoding="utf-8")
    data.write_text(yaml.replace("slug: sencha", "slug: [sencha"), encoding="utf-8")
    served.wait_until(lambda: "YAML syntax error" in served.output, "the YAML error said", STARTUP)
    assert re.search(r"source/_data/projects\.yaml:\d+: ERROR: YAML syntax error", served.output), served.output

    # Fixed: the page reloads by itself, and the box is gone.
    data.write_text(yaml, encoding="utf-8")
    source.write_text(good, encoding="utf-8")
    page.wait_for_function("() => !document.getElementById('talkbook-problems')", timeout=STARTUP * 1000)
    assert "Traceback" not in served.output and "Exception" not in served.output, served.output
