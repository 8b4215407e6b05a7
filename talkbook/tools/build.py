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

import difflib
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

#: In the doctree folder: the last build of this folder failed.
FAILED = "talkbook-build-failed"

#: Directives a talk uses, for "did you mean ...?": talkbook's, sphinx-revealjs', Sphinx's and
#: MyST's most common, and docutils' own (their English names).
KNOWN_DIRECTIVES = (
    "slide-only", "handbook-only", "crosslink", "diagram", "render", "chart",
    "revealjs-notes", "revealjs-fragments", "revealjs-section", "revealjs-break", "revealjs-code-block",
    "revealjs-literalinclude", "revealjs-vertical", "revealjs-interslide",
    "toctree", "include", "literalinclude", "code-block", "glossary", "only", "index", "seealso", "versionadded",
    "versionchanged", "deprecated", "centered", "hlist", "tabularcolumns", "productionlist", "eval-rst",
)


def _directive_hint(match: re.Match[str]) -> str:
    from docutils.parsers.rst.languages import en

    name = re.search(r"Unknown directive type: '([^']+)'", match["message"])
    known = sorted({*KNOWN_DIRECTIVES, *en.directives})
    close = difflib.get_close_matches(name[1], known, n=1, cutoff=0.6) if name else []
    guess = f"did you mean {close[0]!r}? Otherwise " if close else ""
    return (guess + "check the directive's name. talkbook's: slide-only, handbook-only, crosslink, diagram, render, "
            "chart; sphinx-revealjs: revealjs-notes, revealjs-fragments; Sphinx: toctree, include, note, code-block...")


def _label_line(path: Path, label: str) -> int | None:
    """The line of the ``(label)=`` target of *label* in the Markdown file *path*."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return None
    target = re.compile(r"^\s*\(" + re.escape(label) + r"\)=\s*$", re.I)
    return next((number for number, line in enumerate(lines, 1) if target.match(line)), None)


def _duplicate_hint(match: re.Match[str]) -> str:
    found = re.search(r"duplicate label (?P<label>\S+), other instance in (?P<other>.+?)(?: \[|$)", match["message"])
    if found:
        other = Path(found["other"].strip())
        line = _label_line(other, found["label"])
        first = f"{other}:{line}" if line else str(other)
        return f"the label {found['label']!r} is already at {first}: labels are unique in each output, so rename one."
    return "labels must be unique in each output: rename one of the two."


def _toctree_hint(match: re.Match[str]) -> str:
    """Name the toctree the page belongs in: the nearest index page above it that has one."""
    page = Path(match["where"].split(":")[0])
    for folder in page.parents:
        for index in (folder / "index.md", folder / "index.rst"):
            if index != page and index.is_file() and "toctree" in index.read_text(encoding="utf-8", errors="replace"):
                entry = page.relative_to(folder).with_suffix("").as_posix()
                return (f"add '{entry}' to the toctree of {index} (or, for a page that no menu should "
                        "list, put 'orphan: true' in its front matter).")
    return "add the page to the toctree of its section's index.md."


# (pattern on the warning line, what to do: a text, or a function of the warning's match)
HINTS: list[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]]] = [
    (re.compile(r"\[ref\.ref\]"), "check the label's spelling, or add '(label)=' just above the heading it names."),
    (re.compile(r"\[ref\.doc\]"), "check the page path: relative to this page, without '.md'."),
    (re.compile(r"\[myst\.xref_missing\]"), "check the link: a page ending in '.md', a '#label', or a full https:// URL."),
    (re.compile(r"\[ref\.(any|term|keyword|option)\]"), "check the target's spelling, or define it."),
    (re.compile(r"\[myst\.directive_unknown\]"), _directive_hint),
    (re.compile(r"\[myst\.role_unknown\]"), "check the role's name: slide, handbook, ref, doc, term..."),
    (re.compile(r"\[myst\.substitution\]"),
     "check the name between {{ }}: facts are named in the facts file (talkbook_facts_file in conf.py)."),
    (re.compile(r"Non-consecutive header level|\[myst\.header\]"),
     "headings go down one level at a time: give this heading one '#' more than the one above it."),
    (re.compile(r"document isn't included in any toctree|\[toc\.not_included\]"), _toctree_hint),
    (re.compile(r'Directive "include": file not found'), "paths in {include} are relative to the file that holds it."),
    (re.compile(r"duplicate label"), _duplicate_hint),
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
                    shown.append(f"    -> what to do: {hint if isinstance(hint, str) else hint(match)}")
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


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    # Every argument is sphinx-build's (``--help`` is its help): *prog* is not shown.
    try:
        return run_build(list(sys.argv[1:] if argv is None else argv))
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
