"""python -m talkbook.tools.build: sphinx-build with a "what to do" line, no traceback, no forgotten failure."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from machinery.support import REPO


def project(root: Path, page: str, conf: str = 'extensions = ["myst_parser"]\n') -> Path:
    root.mkdir(parents=True, exist_ok=True)
    (root / "conf.py").write_text(conf, encoding="utf-8")
    (root / "index.md").write_text(page, encoding="utf-8")
    return root


def build(root: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "talkbook.tools.build", "-b", "html", "-W", "--keep-going", "-q",
         "-d", str(out / "doctrees"), str(root), str(out / "html")],
        capture_output=True, text=True, cwd=REPO,
    )


def test_a_warning_gets_a_line_that_says_what_to_do(tmp_path):
    root = project(tmp_path / "src", "# Home\n\nSee {ref}`no-such-label`.\n")
    result = build(root, tmp_path / "out")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    warning = next(i for i, line in enumerate(lines) if "WARNING: undefined label: 'no-such-label'" in line)
    assert lines[warning].startswith(f"{root / 'index.md'}:3: ")
    assert lines[warning + 1].startswith("    -> what to do: check the label's spelling")


def test_a_crash_is_one_line_with_the_report_not_a_traceback(tmp_path):
    root = project(tmp_path / "src", "# Home\n", conf='extensions = ["no_such_extension"]\n')
    result = build(root, tmp_path / "out")
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "Versions" not in result.stderr
    assert "error: the build stopped (Extension error): " in result.stderr
    assert "no_such_extension" in result.stderr
    assert "    the full report is in " in result.stderr


def test_a_source_that_cannot_be_read_is_named_with_its_line(tmp_path):
    root = project(tmp_path / "src", "# Home\n\n```{toctree}\npage\n```\n",
                   conf='extensions = ["myst_parser", "talkbook"]\ntalkbook_deck_srcdir = "slides"\n'
                        'talkbook_handbook_srcdir = "."\n')
    (root / "page.md").write_bytes(b"# Page\n\nCaf\xe9.\n")
    result = build(root, tmp_path / "out")
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"{root / 'page.md'}:3: ERROR: the file is not UTF-8 text (byte 0xe9 at line 3 is not UTF-8): "
        "save it as UTF-8 in your editor."
    ]


def test_a_failed_build_is_not_forgotten_by_the_next(tmp_path):
    # Sphinx alone reads nothing the second time, says nothing and succeeds.
    root = project(tmp_path / "src", "# Home\n\nSee {ref}`no-such-label`.\n")
    out = tmp_path / "out"
    assert build(root, out).returncode == 1
    again = build(root, out)
    assert again.returncode == 1 and "no-such-label" in again.stderr
    (root / "index.md").write_text("(home)=\n# Home\n\nSee {ref}`home`.\n", encoding="utf-8")
    assert build(root, out).returncode == 0
    assert not (out / "doctrees" / "talkbook-build-failed").exists()
