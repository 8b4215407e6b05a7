"""Run sphinx-build and turn what it prints into messages a speaker can act on.

    python -m talkbook.build -b html -c . source _build/html ...

Arguments go to sphinx-build unchanged. Each warning keeps its file and line and
gains, where we know one, a line that says what to do. If Sphinx stops with a
crash report (its "Versions ... Traceback" block), only its title, the
exception's message and the path of the saved report are shown: never a
traceback.

Several builds, separated by ``--and``, run side by side (the handbook and the
deck read the same sources but write apart)::

    python -m talkbook.build -b html ... source _build/html --and -b revealjs ... slides _build/deck

Their messages are shown in the order given, as if they had run one after the
other: when a build fails, the ones after it are stopped and say nothing, so a
mistake in a shared file is reported once.
"""

from __future__ import annotations

import re
import subprocess
import sys
import threading

# (pattern on the warning line, what to do)
HINTS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"\[ref\.ref\]"), "check the label's spelling, or add '(label)=' just above the heading it names."),
    (re.compile(r"\[ref\.doc\]"), "check the page path: relative to this page, without '.md'."),
    (re.compile(r"\[myst\.xref_missing\]"), "check the link: a page ending in '.md', a '#label', or a full https:// URL."),
    (re.compile(r"\[ref\.(any|term|keyword|option)\]"), "check the target's spelling, or define it."),
    (re.compile(r"\[myst\.directive_unknown\]"),
     "check the directive's name. Ours: slide-only, handbook-only, crosslink, diagram, render; "
     "sphinx-revealjs: revealjs-notes, revealjs-fragments; Sphinx: toctree, include, note, code-block..."),
    (re.compile(r"\[myst\.role_unknown\]"), "check the role's name: slide, handbook, ref, doc, term..."),
    (re.compile(r"Non-consecutive header level|\[myst\.header\]"),
     "headings go down one level at a time: give this heading one '#' more than the one above it."),
    (re.compile(r"document isn't included in any toctree|\[toc\.not_included\]"),
     "add the page to the toctree of its section's index.md."),
    (re.compile(r'Directive "include": file not found'), "paths in {include} are relative to the file that holds it."),
    (re.compile(r"duplicate label"), "labels must be unique in each output: rename one of the two."),
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


def condense_crash(text: str) -> list[str]:
    lines = text.splitlines()
    title = next((l.strip() for l in lines if l.strip().endswith("!") and "error" in l.lower()), "Sphinx stopped")
    message = ""
    if "Traceback\n=========" in text:
        tail = text.split("Traceback\n=========", 1)[1]
        exception_lines = [l.strip() for l in tail.splitlines() if re.match(r"^\s*[\w.]+(Error|Exception|Stop|Warning)\b.*:", l)]
        if exception_lines:
            message = exception_lines[-1].split(": ", 1)[-1]
    saved = re.search(r"The full traceback has been saved in:?\s*\n?\s*(\S+)", text)
    before = [l for l in lines[: next((i for i, l in enumerate(lines) if l.strip() == title), 0)]
              if WARNING_LINE.match(l)]
    out = [*before, f"error: the build stopped ({title.rstrip('!')}): {message or 'see the report below'}"]
    if saved:
        out.append(f"    the full report is in {saved.group(1)}")
    out.append("    -> what to do: fix the file named above, if any; otherwise run the build again with -T "
               "(SPHINXOPTS=-T) and report the problem.")
    return out


SEPARATOR = "--and"


def _report(returncode: int, stdout: str, stderr: str) -> int:
    sys.stdout.write(stdout)
    shown, crashed = explain(stderr)
    if shown:
        sys.stderr.write("\n".join(shown) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    if crashed and returncode == 0:
        return 2
    return returncode


def _split(args: list[str]) -> list[list[str]]:
    groups: list[list[str]] = [[]]
    for arg in args:
        if arg == SEPARATOR:
            groups.append([])
        else:
            groups[-1].append(arg)
    return [g for g in groups if g]


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    groups = _split(args) or [[]]
    if len(groups) == 1:
        proc = subprocess.run([sys.executable, "-m", "sphinx", "-N", *groups[0]], capture_output=True, text=True)
        return _report(proc.returncode, proc.stdout, proc.stderr)
    procs = [subprocess.Popen([sys.executable, "-m", "sphinx", "-N", *group], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for group in groups]
    outputs: list[tuple[str, str]] = [("", "")] * len(procs)

    def collect(index: int) -> None:
        outputs[index] = procs[index].communicate()

    threads = [threading.Thread(target=collect, args=(i,), daemon=True) for i in range(len(procs))]
    for thread in threads:
        thread.start()
    try:
        for index, (proc, thread) in enumerate(zip(procs, threads)):
            thread.join()
            code = _report(proc.returncode, *outputs[index])
            if code != 0:
                return code
        return 0
    finally:
        for proc in procs:  # the builds after a failed one: stopped, and silent
            if proc.poll() is None:
                proc.terminate()
        for proc in procs:
            proc.wait()


if __name__ == "__main__":
    sys.exit(main())
