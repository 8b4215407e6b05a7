"""Run sphinx-build and turn what it prints into messages a speaker can act on.

    python -m talkbook.tools.build -b html -d _build/doctrees/html -c . source _build/html

Arguments go to ``sphinx-build`` unchanged, and its exit code comes back.
Each warning keeps its file and line and gains, where we know one, a line
that says what to do. If Sphinx stops with a crash report (its "Versions ...
Traceback" block), only its title, the exception's message and the path of
the saved report are shown: never a traceback.

A build that did not finish well runs from scratch the next time: its output
folder and its doctree folder are emptied first. Sphinx's incremental build
would read none of the pages that warned, say nothing, and succeed; and a
build stopped half way (Ctrl-C) leaves pages, a search index or a pickled
environment half written, or pages of the old stylesheet beside the new one,
which the next incremental build would keep. The mark is a file in the
doctree folder (``-d``), written when a build starts and removed when it
succeeds: a build that failed, crashed or was stopped leaves it behind, and
the next build, whatever was edited meanwhile (pages removed included), is a
clean build.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

#: In the doctree folder: the last build of this folder failed.
FAILED = "talkbook-build-failed"

# (pattern on the warning line, what to do)
HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\[ref\.ref\]"), "check the label's spelling, or add '(label)=' just above the heading it names."),
    (re.compile(r"\[ref\.doc\]"), "check the page path: relative to this page, without '.md'."),
    (re.compile(r"\[myst\.xref_missing\]"), "check the link: a page ending in '.md', a '#label', or a full https:// URL."),
    (re.compile(r"\[ref\.(any|term|keyword|option)\]"), "check the target's spelling, or define it."),
    (re.compile(r"\[myst\.directive_unknown\]"),
     "check the directive's name. talkbook's: slide-only, handbook-only, crosslink, diagram, render; "
     "sphinx-revealjs: revealjs-notes, revealjs-fragments; Sphinx: toctree, include, note, code-block..."),
    (re.compile(r"\[myst\.role_unknown\]"), "check the role's name: slide, handbook, ref, doc, term..."),
    (re.compile(r"\[myst\.substitution\]"),
     "check the name between {{ }}: facts are named in the facts file (talkbook_facts_file in conf.py)."),
    (re.compile(r"Non-consecutive header level|\[myst\.header\]"),
     "headings go down one level at a time: give this heading one '#' more than the one above it."),
    (re.compile(r"document isn't included in any toctree|\[toc\.not_included\]"),
     "add the page to the toctree of its section's index.md."),
    (re.compile(r'Directive "include": file not found'), "paths in {include} are relative to the file that holds it."),
    (re.compile(r"duplicate label"), "labels must be unique in each output: rename one of the two."),
    (re.compile(r'[Dd]irective "raw" disabled|"raw" directive disabled'),
     "raw HTML shows as text: write Markdown instead."),
    (re.compile(r"Unknown target name|Unknown interpreted text role"), "check the spelling of the link or role."),
]
WARNING_LINE = re.compile(r"^(?P<where>.*?): (?P<level>WARNING|ERROR|CRITICAL|SEVERE): (?P<message>.*)$")
ANSI = re.compile(r"\x1b\[[0-9;]*m")


def explain(stderr: str) -> tuple[list[str], bool]:
    """Return the lines to show, and whether Sphinx crashed."""
    text = ANSI.sub("", stderr)
    if "\nVersions\n========" in text or "The full traceback has been saved in" in text:
        return condense_crash(text), True
    shown: list[str] = []
    for line in text.splitlines():
        shown.append(line)
        match = WARNING_LINE.match(line)
        if match:
            for pattern, hint in HINTS:
                if pattern.search(line):
                    shown.append(f"    -> what to do: {hint}")
                    break
    return shown, False


#: A message that starts with where the problem is: "path:line: ..." (or "/path: ...", a file as a whole).
_LOCATED = re.compile(r"^(?P<where>\S+?:\d+|/\S+?): (?P<what>.+)$")


#: What a crash report says that means nothing to a speaker: where an object lives in memory.
_ADDRESS = re.compile(r"<(function|bound method|object|class) ([\w.<>]+)(?: at 0x[0-9a-f]+)?>|\s+at 0x[0-9a-f]+")


def condense_crash(text: str) -> list[str]:
    lines = text.splitlines()
    title = next((l.strip() for l in lines if l.strip().endswith("!") and "error" in l.lower()), "Sphinx stopped")
    if title == "Recursion error!":
        return [*(l for l in lines if WARNING_LINE.match(l)),
                "error: the build stopped: a page nests too deep (directives, lists or quotes inside each other) "
                "for Python's stack.",
                "    -> what to do: find the page with the deepest nesting (the last one edited, most likely) and "
                "nest less; talkbook refuses MyST directives nested deeper than 30 with the file and line."]
    message = ""
    if "Traceback\n=========" in text:
        tail = text.split("Traceback\n=========", 1)[1]
        exception_lines = [l.strip() for l in tail.splitlines() if re.match(r"^\s*[\w.]+(Error|Exception|Stop|Warning)\b.*:", l)]
        if exception_lines:
            message = exception_lines[-1].split(": ", 1)[-1]
    saved = re.search(r"The full traceback has been saved in:?\s*\n?\s*(\S+)", text)
    before = [l for l in lines[: next((i for i, l in enumerate(lines) if l.strip() == title), 0)]
              if WARNING_LINE.match(l)]
    message = _ADDRESS.sub(lambda m: f" {m.group(2)}" if m.group(2) else "", message).strip()
    located = _LOCATED.match(message)
    if located:
        # Our own stop (a data file, a source that cannot be read): the message
        # says where and what to do, as a warning does.
        return [*before, f"{located['where']}: ERROR: {located['what']}"]
    out = [*before, f"error: the build stopped ({title.rstrip('!')}): {message or 'see the report below'}"]
    if saved:
        out.append(f"    the full report is in {saved.group(1)}")
    out.append("    -> what to do: fix the file named above, if any; otherwise run the build again with -T "
               "(SPHINXOPTS=-T) and report the problem.")
    return out


def _doctree_dir(args: list[str]) -> Path | None:
    for index, arg in enumerate(args):
        if arg in ("-d", "--doctree-dir") and index + 1 < len(args):
            return Path(args[index + 1])
        if arg.startswith("--doctree-dir="):
            return Path(arg.split("=", 1)[1])
    return None


def _folders(args: list[str]) -> tuple[Path, list[Path]] | None:
    """The output folder of a ``sphinx-build`` command line (not ``-M``'s), and the folders it
    must never hold: the sources, conf.py's and the current one."""
    if args[:1] == ["-M"]:
        return None
    from sphinx.cmd.build import get_parser

    try:
        parsed = get_parser().parse_args(args)
    except SystemExit:  # the arguments are wrong: sphinx-build will say so
        return None
    kept = [Path.cwd(), Path(parsed.sourcedir), Path(parsed.confdir or parsed.sourcedir)]
    return Path(parsed.outputdir), [p.resolve() for p in kept]


def _start_afresh(args: list[str], doctrees: Path, mark: Path) -> None:
    """Empty the output folder, then the doctree folder but for the mark (so that a build stopped
    even now is still known to need a clean start)."""
    folders = _folders(args)
    if folders is not None and folders[0].is_dir():
        outdir, kept = folders[0].resolve(), folders[1]
        if not any(outdir == k or outdir in k.parents for k in kept):
            shutil.rmtree(outdir)
    for child in doctrees.iterdir() if doctrees.is_dir() else ():
        if child != mark:
            shutil.rmtree(child) if child.is_dir() and not child.is_symlink() else child.unlink()


def run_build(args: list[str]) -> int:
    """Run one sphinx-build with *args*, show what it says; its exit code."""
    doctrees = _doctree_dir(args)
    mark = doctrees / FAILED if doctrees else None
    if mark is not None:
        if mark.exists():
            _start_afresh(args, doctrees, mark)
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.touch()
    proc = subprocess.run([sys.executable, "-m", "sphinx", *args], stderr=subprocess.PIPE, text=True)
    shown, crashed = explain(proc.stderr)
    if shown:
        sys.stderr.write("\n".join(shown) + "\n")
    code = proc.returncode or (2 if crashed else 0)
    if mark is not None and code == 0:
        mark.unlink(missing_ok=True)
    return code


def main(argv: list[str] | None = None) -> int:
    try:
        return run_build(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
