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

With ``--warm DIR`` first (as ``make`` runs it), the builds run in the warm
build helper of that folder when one is ready (talkbook/warm.py): the same
builds, messages and exit code, without importing Sphinx again. When none is
ready, they run here and a helper is started for the next time.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from typing import Callable, NoReturn

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


class _Build:
    """One sphinx-build, run apart, its output kept for later."""

    def __init__(self, args: list[str]) -> None:
        self.proc = subprocess.Popen([sys.executable, "-m", "sphinx", "-N", *args], stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        self.output = ("", "")

    def start_reading(self) -> threading.Thread:
        def collect() -> None:
            self.output = self.proc.communicate()

        thread = threading.Thread(target=collect, daemon=True)
        thread.start()
        return thread

    def result(self) -> tuple[int, str, str]:
        return self.proc.wait(), *self.output

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
        self.proc.wait()


def exit_child(body: Callable[[], int]) -> NoReturn:
    """In a forked child: run *body* and leave with its exit code, never returning to the parent's code."""
    code = 2
    try:
        code = body()
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else 1
    except BaseException:  # noqa: BLE001 - shown, as Sphinx would show it
        import traceback

        traceback.print_exc()
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


class _ForkedBuild(_Build):
    """One sphinx-build in a child of this process, which has imported Sphinx already:
    the builds share that work (a fifth of a small build) instead of each doing it."""

    def __init__(self, args: list[str], record: str | None = None) -> None:
        out_r, out_w = os.pipe()
        err_r, err_w = os.pipe()
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: run the build, its output into the pipes

            def build() -> int:
                os.close(out_r)
                os.close(err_r)
                os.dup2(out_w, 1)
                os.dup2(err_w, 2)
                from sphinx.cmd.build import main as sphinx_main

                code = sphinx_main(["-N", *args])
                if record:
                    from pathlib import Path

                    from talkbook.warm import record_modules

                    record_modules(Path(record))
                return code

            exit_child(build)
        os.close(out_w)
        os.close(err_w)
        self.pid, self.fds, self.status = pid, (out_r, err_r), None
        self.chunks: tuple[list[bytes], list[bytes]] = ([], [])

    def start_reading(self) -> threading.Thread:
        def read(fd: int, chunks: list[bytes]) -> None:
            with os.fdopen(fd, "rb") as stream:
                chunks.append(stream.read())

        def collect() -> None:
            # Each pipe has its reader: a child that fills one never waits on us.
            readers = [threading.Thread(target=read, args=pair, daemon=True) for pair in zip(self.fds, self.chunks)]
            for reader in readers:
                reader.start()
            for reader in readers:
                reader.join()

        thread = threading.Thread(target=collect, daemon=True)
        thread.start()
        return thread

    def result(self) -> tuple[int, str, str]:
        if self.status is None:
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])
        encoding = sys.stdout.encoding or "utf-8"
        out, err = (b"".join(c).decode(encoding, errors="replace") for c in self.chunks)
        return self.status, out, err

    def stop(self) -> None:
        if self.status is None:
            import signal

            try:
                os.kill(self.pid, signal.SIGTERM)
            except ProcessLookupError:
                pass
            self.status = os.waitstatus_to_exitcode(os.waitpid(self.pid, 0)[1])


def preload_sphinx() -> None:
    """Import Sphinx and its built-in extensions once, for all the forked builds."""
    import importlib

    try:
        import sphinx.cmd.build  # noqa: F401
        from sphinx.application import builtin_extensions
    except Exception:  # noqa: BLE001 - each build reports it
        return
    for name in builtin_extensions:
        try:
            importlib.import_module(name)
        except Exception:  # noqa: BLE001 - the build that loads it reports it
            pass


def run_builds(args: list[str], record: str | None = None) -> int:
    """Run the builds of *args* (separated by --and) and show what they say; the exit code.

    With *record*, a folder, each build writes there the modules it imported
    (for a warm build helper started afterwards).
    """
    groups = _split(args) or [[]]
    forking = hasattr(os, "fork")
    if not forking and len(groups) == 1:
        proc = subprocess.run([sys.executable, "-m", "sphinx", "-N", *groups[0]], capture_output=True, text=True)
        return _report(proc.returncode, proc.stdout, proc.stderr)
    if forking:
        preload_sphinx()
    # Every build is started before any reading thread: no fork while threads run.
    builds = [_ForkedBuild(group, record) if forking else _Build(group) for group in groups]
    threads = [build.start_reading() for build in builds]
    try:
        for build, thread in zip(builds, threads):
            thread.join()
            code = _report(*build.result())
            if code != 0:
                return code
        return 0
    finally:
        for build in builds:  # the builds after a failed one: stopped, and silent
            build.stop()


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    warm_dir = None
    if args[:1] == ["--warm"] and len(args) > 1:
        warm_dir, args = args[1], args[2:]
    if warm_dir is None:
        return run_builds(args)
    from pathlib import Path

    from talkbook import warm

    if not warm.enabled():
        return run_builds(args)
    code = warm.build_through_helper(Path(warm_dir), args)
    if code is not None:
        return code
    code = run_builds(args, record=warm_dir)
    warm.start_helper(Path(warm_dir))
    return code


if __name__ == "__main__":
    sys.exit(main())
