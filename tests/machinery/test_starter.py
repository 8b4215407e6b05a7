"""The starter: `talkbook new` writes a talk that builds as it is and passes its own tests.

- README.md's "Start your own talk", word for word: talkbook installed from a
  clone into a virtual environment of its own, `talkbook new`, git, `make`,
  `make test` (under CI=true); then the same two commands in a fresh clone of
  the new talk. Nothing of this talk is in it.
- The talk pins the talkbook that made it: from a folder, a wheel, a git URL
  or a package index (PEP 610), and a new environment installs that same one.
- This repository's Makefile, pins and hosting files are the starter's.

These tests install packages, as a speaker does, from the package registries
that this machine reaches (pip's cache holds what the suite's own `.venv`
installed): they leave the suite's network guard (a proxy on 127.0.0.1 that
answers nothing) out of the environment of the commands they run. The new
talk's own tests put it back.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from machinery.support import REPO
from talkbook.testing import soup

#: What names this talk or its speaker: none of it may be in a new talk.
THIS_TALK = re.compile(r"openstack|thierry|carrez|get-a-python-job", re.I)


def registry_env(home: Path) -> dict[str, str]:
    """The environment of a speaker's shell: the package registries reachable, their own HOME."""
    cache = subprocess.run([sys.executable, "-m", "pip", "cache", "dir"], capture_output=True, text=True).stdout.strip()
    env = {k: v for k, v in os.environ.items()
           if k.lower() not in ("http_proxy", "https_proxy", "no_proxy", "talkbook_site_url", "pytest_xdist_worker",
                                "pytest_xdist_testrunuid", "pytest_xdist_worker_count", "pytest_current_test")}
    env.update(HOME=str(home), CI="true", GIT_AUTHOR_NAME="Ana Example", GIT_AUTHOR_EMAIL="ana@example.org",
               GIT_COMMITTER_NAME="Ana Example", GIT_COMMITTER_EMAIL="ana@example.org")
    if cache:
        env["PIP_CACHE_DIR"] = cache  # what the suite's own .venv downloaded already
    env.pop("VIRTUAL_ENV", None)
    return env


def copy_of_talkbook(target: Path) -> Path:
    """This repository's files as they stand (a clone of it, with what is not committed yet)."""
    listed = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
                            cwd=REPO, capture_output=True, text=True, check=True).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.is_file():
            (target / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target / name)
    return target


def run(command: str, cwd: Path, env: dict[str, str], timeout: float = 1200) -> subprocess.CompletedProcess:
    return subprocess.run(["bash", "-euo", "pipefail", "-c", command], cwd=cwd, env=env, capture_output=True,
                          text=True, timeout=timeout)


def readme_commands() -> list[str]:
    """The commands of README.md's "Start your own talk", as written there."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    section = text.split("## Start your own talk", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```console\n(.*?)```", section, re.S)
    assert block, "README.md's 'Start your own talk' has no console block"
    return [line for line in block[1].splitlines() if line.strip()]


def passed(output: str) -> str:
    """pytest's last line, which must say that all passed and none was skipped."""
    summary = [line for line in output.splitlines() if re.search(r"\d+ passed", line)]
    assert summary, output[-3000:]
    assert not re.search(r"failed|skipped|error", summary[-1]), summary[-1]
    return summary[-1]


def test_readme_start_your_own_talk_word_for_word(tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    env = registry_env(home)
    copy_of_talkbook(tmp_path / "talkbook")
    commands = readme_commands()
    result = run("\n".join(commands), tmp_path, env)
    assert result.returncode == 0, f"{commands}\n{result.stdout[-4000:]}\n{result.stderr[-4000:]}"
    passed(result.stdout)
    talk = tmp_path / "rust-for-pythonistas"
    # The new talk names its own title and speaker, and nothing of this talk.
    for path in sorted(talk.rglob("*")):
        parts = path.relative_to(talk).parts
        if path.is_file() and parts[0] not in (".venv", "_build", ".git", ".pytest_cache") \
                and "__pycache__" not in parts:
            found = THIS_TALK.search(path.read_text(encoding="utf-8", errors="replace"))
            assert not found, f"{path.relative_to(talk)} names {found[0]!r}"
    site = talk / "_build" / "site"
    for page in [*site.rglob("*.html")]:
        text = soup(page).get_text(" ")
        assert not THIS_TALK.search(text), page
    assert soup(site / "slides" / "index.html").select_one("section#title h1").get_text(strip=True).startswith(
        "Rust for Pythonistas")
    assert (talk / "_build" / "dist" / "rust-for-pythonistas.zip").is_file()
    # A fresh clone of the new talk: the same two commands.
    clone = tmp_path / "clone"
    assert subprocess.run(["git", "clone", "-q", str(talk), str(clone)], env=env).returncode == 0
    made = run("make", clone, env)
    assert made.returncode == 0, made.stdout[-3000:] + made.stderr[-3000:]
    tested = run("make test", clone, env)
    assert tested.returncode == 0, tested.stdout[-4000:] + tested.stderr[-4000:]
    passed(tested.stdout)


def test_this_repository_uses_the_starters_machinery():
    result = subprocess.run([sys.executable, "-m", "talkbook.cli", "upgrade", "--check", str(REPO)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert result.stdout.strip().endswith("talkbook's files are up to date")


def _venv(folder: Path) -> Path:
    venv.EnvBuilder(with_pip=True).create(folder)
    return folder / "bin" / "python"


def _direct_url(python: Path) -> dict | None:
    code = ("import importlib.metadata, json; "
            "print(importlib.metadata.distribution('talkbook').read_text('direct_url.json') or 'null')")
    return json.loads(subprocess.run([str(python), "-c", code], cwd=python.parents[2], capture_output=True, text=True,
                                     check=True).stdout)


@pytest.mark.parametrize("origin", ["folder", "wheel", "git", "index"])
def test_a_talk_pins_the_talkbook_that_made_it(tmp_path, origin):
    env = registry_env(tmp_path)
    source = copy_of_talkbook(tmp_path / "talkbook")
    pip = ["-m", "pip", "install", "--quiet", "--no-deps"]
    python = _venv(tmp_path / "speaker")
    if origin == "folder":
        what = str(source)
    elif origin == "wheel":
        made = subprocess.run([str(python), "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path / "dist"),
                               str(source)], env=env, capture_output=True, text=True)
        assert made.returncode == 0, made.stderr
        what = str(next((tmp_path / "dist").glob("talkbook-*.whl")))
    elif origin == "git":
        for command in (["git", "init", "-q"], ["git", "add", "."], ["git", "commit", "-qm", "talkbook"]):
            subprocess.run(command, cwd=source, env=env, check=True)
        what = f"git+{source.as_uri()}"
    else:
        what = str(source)
    # talkbook alone (its own code is what is tested), and what `talkbook new` itself imports.
    installed = subprocess.run([str(python), *pip, what, "Jinja2", "MarkupSafe", "PyYAML"], env=env,
                               capture_output=True, text=True)
    assert installed.returncode == 0, installed.stderr
    if origin == "index":
        # What pip leaves of an install from a package index: no direct_url.json (PEP 610).
        code = ("import importlib.metadata as m; d = m.distribution('talkbook'); "
                "[d.locate_file(f).unlink() for f in d.files if f.name == 'direct_url.json']")
        subprocess.run([str(python), "-c", code], cwd=tmp_path, check=True)
    before = _direct_url(python)
    new = subprocess.run([str(python), "-m", "talkbook.tools.new", str(tmp_path / "talk"), "--title", "A talk",
                          "--author", "A. Speaker"], cwd=tmp_path, env=env, capture_output=True, text=True)
    assert new.returncode == 0, new.stderr
    requirement = (tmp_path / "talk" / "requirements" / "talkbook.txt").read_text().splitlines()[-1]
    if origin == "index":
        assert before is None
        version = subprocess.run([str(python), "-c", "import talkbook; print(talkbook.__version__)"],
                                 cwd=tmp_path, capture_output=True, text=True, check=True).stdout.strip()
        assert requirement == f"talkbook=={version}"
        return
    if origin == "folder":
        expected = f"talkbook @ {source.as_uri()}"
    elif origin == "wheel":
        digest = hashlib.sha256(Path(what).read_bytes()).hexdigest()
        expected = f"talkbook @ {Path(what).as_uri()}#sha256={digest}"
    else:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=source, capture_output=True, text=True,
                                check=True).stdout.strip()
        # As a requirement's URL, the folder's has a host (PEP 508): file://localhost/...
        expected = f"talkbook @ git+file://localhost{source.as_posix()}@{commit}"
    assert requirement == expected
    # A new environment installs that same talkbook from the talk's pin.
    again = _venv(tmp_path / "talk-venv")
    result = subprocess.run([str(again), *pip, "-r", str(tmp_path / "talk" / "requirements" / "talkbook.txt")],
                            cwd=tmp_path, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    after = _direct_url(again)
    if origin == "git":  # the same commit of the same folder, the folder's URL now with its host
        assert after["vcs_info"]["commit_id"] == before["vcs_info"]["commit_id"]
        assert after["url"].replace("file://localhost/", "file:///") == before["url"]
    else:
        assert after == before
