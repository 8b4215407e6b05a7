"""The browser tools (talkbook.tools.browser, .pdf): the requests they refuse, and what a speaker is told
when something is missing."""

from __future__ import annotations

import os
import subprocess
import sys

from machinery.support import REPO, make


def _pdf_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "talkbook.tools.pdf", *args], capture_output=True, text=True,
                          cwd=REPO, env=env)


def test_cli_without_a_browser_says_how_to_install_it(tmp_path):
    env = {**os.environ, "TALKBOOK_CHROMIUM": str(tmp_path / "no-chromium")}
    deck = tmp_path / "index.html"
    deck.write_text("<!DOCTYPE html><title>A deck</title>", encoding="utf-8")
    result = _pdf_cli("--deck", str(deck), "--out", str(tmp_path / "x.pdf"), env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("error: ")
    assert "apt-get install -y chromium" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "x.pdf").exists()
    # make pdf's browser check says the same (make pdf and make dist run it first).
    made = make(REPO, "browser", builddir=tmp_path / "build", CHROMIUM=str(tmp_path / "no-chromium"))
    assert made.returncode != 0 and "apt-get install -y chromium" in made.stdout + made.stderr


def test_cli_without_a_deck_says_to_build_it(tmp_path, chromium):
    result = _pdf_cli("--deck", str(tmp_path / "missing.html"), "--out", str(tmp_path / "x.pdf"))
    assert result.returncode == 1
    assert result.stderr == f"error: {tmp_path / 'missing.html'} does not exist: build the site first (make site).\n"


def test_only_addresses_off_the_machine_are_refused():
    from talkbook.testing.checks import NOT_A_FILE
    from talkbook.tools.browser import OFF_THE_MACHINE

    for url in ("https://example.org/", "http://127.0.0.2/", "https://localhost.example.org/", "ws://10.0.0.1/",
                "http://127.0.0.1.example.org/"):
        assert OFF_THE_MACHINE.match(url), url
    for url in ("http://127.0.0.1:8000/index.html", "http://localhost/", "ws://127.0.0.1:41/_talkbook/reload",
                "file:///tmp/site/index.html", "data:image/png;base64,AA==", "about:blank", "http://[::1]:80/x"):
        assert not OFF_THE_MACHINE.match(url), url
    assert NOT_A_FILE.match("http://127.0.0.1/") and not NOT_A_FILE.match("file:///tmp/x.html")
