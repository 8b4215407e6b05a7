"""The talkbook command: its subcommands, `talkbook new`'s refusals, `talkbook upgrade` on a talk."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from talkbook.cli import COMMANDS
from talkbook.tools.new import MACHINERY


def talkbook(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "talkbook.cli", *args], cwd=cwd, capture_output=True, text=True)


def test_help_lists_every_tool_as_a_subcommand(tmp_path):
    result = talkbook("--help", cwd=tmp_path)
    assert result.returncode == 0
    listed = [line.split()[0] for line in result.stdout.split("commands:\n", 1)[1].splitlines() if line.startswith("  ")]
    assert listed == list(COMMANDS)
    tools = {p.stem for p in (Path(__file__).resolve().parents[2] / "talkbook" / "tools").glob("*.py")}
    # Every tool a speaker runs is a subcommand; audit and browser are the site's and the PDF's helpers.
    assert tools - {"__init__", "audit", "browser"} == {module for module, _extra in COMMANDS.values()}
    for name in COMMANDS:
        usage = talkbook(name, "--help", cwd=tmp_path)
        assert usage.returncode == 0, (name, usage.stderr)
        if name != "build":  # build's options are sphinx-build's own
            assert usage.stdout.startswith(f"usage: talkbook {name} "), usage.stdout[:80]


@pytest.mark.parametrize(("args", "words"), [
    (["frobnicate"], "talkbook has no command 'frobnicate'"),
    (["new", "full", "--title", "T", "--author", "A"], "full already exists and is not an empty folder"),
    (["new", "fresh", "--title", "T", "--author", "A", "--name", "Bad Name"], "--name 'Bad Name'"),
    (["new", "blank", "--title", "  ", "--author", "A"], "the talk needs a title and an author"),
    (["upgrade", "full"], "full has no conf.py: run `talkbook upgrade` in a talk's folder"),
])
def test_a_mistake_gets_one_line_and_no_traceback(tmp_path, args, words):
    (tmp_path / "full").mkdir()
    (tmp_path / "full" / "notes.txt").write_text("mine\n")
    result = talkbook(*args, cwd=tmp_path)
    assert result.returncode in (1, 2)
    assert words in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert result.stderr.startswith("error: ") and result.stderr.count("\n") == 1
    assert not (tmp_path / "fresh").exists() and not (tmp_path / "blank").exists()
    assert (tmp_path / "full" / "notes.txt").read_text() == "mine\n"


def test_upgrade_writes_talkbooks_files_again_and_never_the_talks(tmp_path):
    assert talkbook("new", "talk", "--title", "A talk", "--author", "A. Speaker", cwd=tmp_path).returncode == 0
    talk = tmp_path / "talk"
    own = {p: p.read_bytes() for p in talk.rglob("*") if p.is_file() and p.relative_to(talk).as_posix() not in MACHINERY}
    assert talkbook("upgrade", "--check", str(talk), cwd=tmp_path).returncode == 0
    # A talkbook file edited by hand, one deleted, and the talk's own files edited.
    (talk / "Makefile").write_text((talk / "Makefile").read_text().replace("JOBS          ?= 2", "JOBS ?= 7"))
    (talk / ".ci" / "run").unlink()
    (talk / "conf.py").write_text((talk / "conf.py").read_text() + "\n# mine\n")
    own[talk / "conf.py"] = (talk / "conf.py").read_bytes()
    check = talkbook("upgrade", "--check", str(talk), cwd=tmp_path)
    assert check.returncode == 1
    assert "-JOBS ?= 7" in check.stdout and "+JOBS          ?= 2" in check.stdout
    assert "b/.ci/run" in check.stdout and check.stdout.rstrip().endswith("2 of talkbook's files would change")
    done = talkbook("upgrade", str(talk), cwd=tmp_path)
    assert done.returncode == 0
    assert done.stdout.splitlines()[:2] == ["updated: Makefile", "created: .ci/run"]
    assert talkbook("upgrade", "--check", str(talk), cwd=tmp_path).returncode == 0
    assert (talk / ".ci" / "run").stat().st_mode & 0o111, "the CI script stays executable"
    assert {p: p.read_bytes() for p in own} == own


def _installs(talk: Path) -> list[str]:
    """The requirements files that `make venv` would install into a new environment (make -n)."""
    result = subprocess.run(["make", "-n", "venv", f"VENVDIR={talk / 'new-venv'}"], cwd=talk,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    return [line.split(" -r ", 1)[1].strip() for line in result.stdout.splitlines() if " pip install " in line]


@pytest.mark.parametrize("where", ["slides/index.md", "source/_shared/example.md", "_templates/figures/growth.md"])
def test_make_installs_what_charts_need_when_any_file_of_the_talk_has_one(tmp_path, where):
    assert talkbook("new", "talk", "--title", "A talk", "--author", "A. Speaker", cwd=tmp_path).returncode == 0
    talk = tmp_path / "talk"
    # The starter has no chart: matplotlib stays out of its environment.
    assert _installs(talk) == ["requirements/build.txt"]
    # A chart in a page, a slide, a fragment or a template that {render} writes into one.
    path = talk / where
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as out:
        out.write("\n```{chart} growth.csv\n:x: month\n:y: people\n```\n")
    assert _installs(talk) == ["requirements/charts.txt"]
