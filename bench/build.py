"""Benchmark: the build, the rebuild, the download's size and scale, against targets.

    make bench        (python bench/build.py --out _build/bench [--runs 5] [--strict])

Prints a table (value, target, met or MISSED, margin) and writes
``<out>/results.json``. Every build runs on a copy of the project in a
temporary folder, with its BUILDDIR there too: of _build/ only <out> is
written. The virtualenv is the repository's. Seconds are medians of --runs
runs (5 at least); a ratio's two sides are measured in the same run, their
runs interleaved.

Figures
-------
cold_build_s
    ``make all`` with an empty BUILDDIR (the virtualenv already there).
overhead_ratio (target <= 1.10)
    Our build of the handbook and the deck (the command ``make all`` runs for
    them, found with ``make -n``: ``python -m talkbook.build ... --and ...``)
    over plain ``python -m sphinx`` on a baseline copy of the same sources
    with myst-parser and sphinx-revealjs only, the two baseline builds run the
    way ours are (side by side when ours are). Same flags (-j auto for the
    handbook, -n -q --keep-going -c .) but no -W for the baseline. Both start
    from an empty output folder. Note: plain sphinx-revealjs declares itself
    unsafe for parallel reading, so the baseline handbook is read serially
    (Sphinx says so); talkbook lifts that (talkbook/deck.py).
noop_rebuild_ratio (target <= 0.15)
    ``make all`` again with nothing changed, over cold_build_s.
fragment_rebuild_ratio (target <= 0.35)
    ``make all`` after a line is added to source/_shared/why-python.md (in the
    copy), over cold_build_s. Each run checks that the line is in the deck,
    in a handbook page and in both in the zip. These runs, like the cold and
    no-op ones, are ``make all`` as a speaker runs it: with the warm build
    helper (talkbook/warm.py) on, which the cold build starts (the bench waits
    until it is ready before the next timing). The same edit built with the
    helper off is measured too, side by side: details.fragment_rebuild_no_helper_s
    and details.fragment_rebuild_no_helper_ratio.
zip_bytes (target <= 3,000,000)
    The download of ``make dist`` (the deck's PDF in it) when the Makefile has
    a dist target and it succeeds; otherwise the zip of ``make all``, and the
    output says so (zip_source).
site_bytes
    The files of _build/site/ (the publishable tree), in bytes.
scale_ratio (target <= 2.2)
    A synthetic project (bench/synthetic.py) built cold with ``make all`` at
    scale 1 (300 slides, 200 handbook pages, 2,000 links, shared fragments,
    crosslinks, notes on every slide) and at scale 2: time(2N) / time(N).
    The helper is off for these (and for our builds against the baseline):
    a helper starting after one timed build would slow the next.
handbook_parallel (target: read and write)
    Whether Sphinx may read and write the handbook with parallel workers,
    with the extensions conf.py loads (Sphinx's own verdict).
machine, commit, versions
    CPU count and platform; ``git rev-parse HEAD`` (and whether the working
    tree had changes); Python, Sphinx, myst-parser, sphinx-revealjs.

bench/linkcheck.py, when present, runs too; its figures go to
<out>/linkcheck.json, named in the summary.

Baseline sources (bench/baseline.py): our directives and roles are replaced,
line by line, by plain equivalents:

==================================  ============================================
ours                                baseline
==================================  ============================================
``{slide-only}`` block              ``{only} revealjs`` block, same content
``{handbook-only}`` block           ``{only} not revealjs`` block, same content
``{crosslink} label`` (``:text:``)  a paragraph with a plain link,
                                    ``[text](https://talk.invalid/#/label)``
                                    ("Read more" without ``:text:``)
``{slide}`` / ``{handbook}`` role   the same plain link, inline
``{diagram} file.svg`` (``:alt:``)  an image, ``![alt](/_diagrams/file.svg)``
                                    (the SVG copied into each project)
``{render} template``               a ``yaml`` code block holding
                                    source/_data/projects.yaml (the data the
                                    template shows)
==================================  ============================================

conf.py for the baseline: conf.py's settings with ``extensions =
["myst_parser", "sphinx_revealjs"]``, without talkbook_* and linkcheck_*
settings, without templates_path (our theme overrides) and with the deck on
sphinx-revealjs's own theme (ours is part of talkbook).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import metadata
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(1, str(ROOT))

from baseline import make_baseline  # noqa: E402
from synthetic import MACHINERY, copy_from_repository, generate  # noqa: E402

from talkbook import warm  # noqa: E402 - what the helper's files say

NAME = "get-a-python-job"
FRAGMENT = "source/_shared/why-python.md"
SOURCES = [*MACHINERY, "source", "slides"]
#: name -> (limit, "max" or "min"); the bench's targets.
TARGETS = {
    "overhead_ratio": (1.10, "max"),
    "noop_rebuild_ratio": (0.15, "max"),
    "fragment_rebuild_ratio": (0.35, "max"),
    "zip_bytes": (3_000_000, "max"),
    "scale_ratio": (2.2, "max"),
}


class BenchError(Exception):
    """A build failed or a check did not hold: the figures would mean nothing."""


def log(message: str) -> None:
    print(message, flush=True)


def make_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    if "SOURCE_DATE_EPOCH" not in env:
        epoch = subprocess.run(["git", "log", "-1", "--format=%ct"], cwd=ROOT, capture_output=True, text=True)
        env["SOURCE_DATE_EPOCH"] = epoch.stdout.strip() or "315532800"
    return env


ENV = make_env()
#: make as a speaker runs it, the warm build helper on (even under CI=true) ...
WARM = {**ENV, "TALKBOOK_WARM": "1"}
#: ... and off, for the builds that compare with the baseline or with each other.
COLD = {**ENV, "TALKBOOK_WARM": "0"}


def run(cmd: list[str] | str, cwd: Path, what: str, env: dict[str, str] = COLD) -> float:
    """Run *cmd*; return its wall time. A failure stops the bench."""
    started = time.perf_counter()
    result = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, shell=isinstance(cmd, str))
    seconds = time.perf_counter() - started
    if result.returncode != 0:
        raise BenchError(f"{what} failed ({result.returncode}):\n{result.stdout[-3000:]}\n{result.stderr[-3000:]}")
    return seconds


def make(project: Path, builddir: Path, *targets: str) -> list[str]:
    return ["make", "--no-print-directory", "-C", str(project), *targets,
            f"VENVDIR={ROOT / '.venv'}", f"BUILDDIR={builddir}"]


def median(values: list[float]) -> float:
    return statistics.median(values)


# -- the figures ----------------------------------------------------------------------


def build_commands(project: Path, builddir: Path) -> list[str]:
    """The command lines that ``make all`` runs for the two Sphinx builds."""
    dry = subprocess.run(make(project, builddir, "-n", "all"), env=ENV, capture_output=True, text=True)
    lines = [l.strip() for l in dry.stdout.splitlines() if "talkbook.build" in l]
    if dry.returncode != 0 or not lines:
        raise BenchError(f"make -n all shows no talkbook.build command:\n{dry.stdout}\n{dry.stderr}")
    return lines


def baseline_command(base: Path, out: Path, side_by_side: bool) -> str:
    python = ROOT / ".venv" / "bin" / "python"
    flags = "--keep-going -n -q -c ."
    html = f"{python} -m sphinx -N -b html -j auto -d {out}/doctrees/html {flags} source {out}/html"
    deck = f"{python} -m sphinx -N -b revealjs -d {out}/doctrees/deck {flags} slides {out}/deck"
    if side_by_side:
        return f"{html} & h=$!; {deck}; d=$?; wait $h && exit $d"
    return f"{html} && {deck}"


def in_zip(archive: Path, member: str) -> str:
    with zipfile.ZipFile(archive) as zf:
        return zf.read(f"{NAME}/{member}").decode("utf-8")


def wait_for_helper(builddir: Path, seconds: float = 20.0) -> bool:
    """Wait until the warm build helper the last build started is ready: True if it is."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if (warm.read_pointer(builddir / ".warm") or {}).get("state") == "ready":
            return True
        time.sleep(0.05)
    return False


def check_fragment(builddir: Path, marker: str) -> None:
    site = builddir / "site"
    if marker not in (site / "slides" / "index.html").read_text(encoding="utf-8"):
        raise BenchError(f"the changed fragment is not in the deck ({marker!r})")
    pages = [p for p in site.rglob("*.html") if "slides" not in p.relative_to(site).parts
             and marker in p.read_text(encoding="utf-8")]
    if not pages:
        raise BenchError(f"the changed fragment is in no handbook page ({marker!r})")
    archive = builddir / "dist" / f"{NAME}.zip"
    page = pages[0].relative_to(site).as_posix()
    if marker not in in_zip(archive, "slides/index.html") or marker not in in_zip(archive, page):
        raise BenchError(f"the changed fragment is not in the zip ({marker!r})")


def measure_builds(project: Path, work: Path, runs: int, figures: dict) -> None:
    base = make_baseline(project, work / "baseline")
    commands = build_commands(project, work / "ours")
    side_by_side = len(commands) == 1 and " --and " in commands[0]
    cold_dir, ours_dir, base_dir = work / "cold", work / "ours", work / "base-out"
    log(f"builds: ours = {' && '.join(commands)}")
    log(f"        baseline = plain sphinx, {'side by side' if side_by_side else 'one after the other'}")
    ours_cmd = " && ".join(commands)
    base_cmd = baseline_command(base, base_dir, side_by_side)
    # Warm-up (bytecode, disk cache; pip if requirements.txt is newer than the venv).
    run(make(project, cold_dir, "all"), project, "make all (warm-up)")
    run(base_cmd, base, "baseline build (warm-up)")
    cold, ours, plain = [], [], []
    helper_ready = True
    for n in range(runs):
        for folder in (cold_dir, ours_dir, base_dir):
            shutil.rmtree(folder, ignore_errors=True)  # a helper leaves with its folder
        cold.append(run(make(project, cold_dir, "all"), project, "make all (cold)", WARM))
        helper_ready = wait_for_helper(cold_dir) and helper_ready
        ours.append(run(ours_cmd, project, "our builds"))
        plain.append(run(base_cmd, base, "baseline builds"))
        log(f"  run {n + 1}: cold make all {cold[-1]:.2f} s, our builds {ours[-1]:.2f} s, "
            f"baseline {plain[-1]:.2f} s")
    noop = []
    for n in range(runs):
        noop.append(run(make(project, cold_dir, "all"), project, "make all (nothing changed)", WARM))
    log(f"  nothing changed: {' '.join(f'{s:.3f}' for s in noop)} s")
    fragment, no_helper = [], []
    path = project / FRAGMENT
    for n in range(runs):
        for env, times, how in ((WARM, fragment, "helper on"), (COLD, no_helper, "helper off")):
            marker = f"Bench edit {n + 1} {how} {time.time_ns()}"
            with open(path, "a", encoding="utf-8") as handle:
                handle.write(f"\n- {marker}\n")
            times.append(run(make(project, cold_dir, "all"), project, f"make all (fragment changed, {how})", env))
            check_fragment(cold_dir, marker)
    log(f"  fragment changed: {' '.join(f'{s:.3f}' for s in fragment)} s; with the helper off: "
        f"{' '.join(f'{s:.3f}' for s in no_helper)} s (the change in both outputs and the zip)")
    served = sum(" exit 0:" in line for line in warm.served_builds(cold_dir / ".warm"))
    cold_s = median(cold)
    figures.update(
        cold_build_s=round(cold_s, 3),
        overhead_ratio=round(median(ours) / median(plain), 3),
        noop_rebuild_ratio=round(median(noop) / cold_s, 4),
        fragment_rebuild_ratio=round(median(fragment) / cold_s, 3),
    )
    figures["runs"].update(cold_build_s=cold, our_builds_s=ours, baseline_builds_s=plain,
                           noop_rebuild_s=noop, fragment_rebuild_s=fragment, fragment_rebuild_no_helper_s=no_helper)
    figures["details"].update(our_builds_command=commands, baseline_side_by_side=side_by_side,
                              our_builds_s=round(median(ours), 3), baseline_builds_s=round(median(plain), 3),
                              noop_rebuild_s=round(median(noop), 4), fragment_rebuild_s=round(median(fragment), 3),
                              fragment_rebuild_no_helper_s=round(median(no_helper), 3),
                              fragment_rebuild_no_helper_ratio=round(median(no_helper) / cold_s, 3),
                              warm_helper={"ready_after_each_cold_build": helper_ready,
                                           "fragment_builds_it_served": served, "fragment_runs": runs})
    if served < runs:
        log(f"  note: the warm build helper served {served} of {runs} fragment rebuilds")
    stop_helper(cold_dir)


def stop_helper(builddir: Path) -> None:
    """Stop the warm build helper of *builddir*: the figures after these need no helper."""
    pid = (warm.read_pointer(builddir / ".warm") or {}).get("pid")
    if isinstance(pid, int) and pid > 1:
        try:
            os.kill(pid, signal.SIGTERM)
        except OSError:
            pass


def measure_sizes(project: Path, work: Path, figures: dict) -> None:
    builddir = work / "cold"
    has_dist = subprocess.run(make(project, builddir, "-n", "dist"), env=ENV, capture_output=True).returncode == 0
    source = "make all (the Makefile has no dist target)"
    if has_dist:
        try:
            seconds = run(make(project, builddir, "dist"), project, "make dist")
            source = f"make dist ({seconds:.1f} s)"
        except BenchError as err:
            source = f"make all (make dist failed: {str(err).splitlines()[0]})"
            run(make(project, builddir, "all"), project, "make all")
    archive = builddir / "dist" / f"{NAME}.zip"
    with zipfile.ZipFile(archive) as zf:
        pdfs = [i.filename for i in zf.infolist() if i.filename.endswith(".pdf")]
    site = builddir / "site"
    figures.update(
        zip_bytes=archive.stat().st_size,
        site_bytes=sum(p.stat().st_size for p in site.rglob("*") if p.is_file()),
    )
    figures["details"].update(zip_source=source, zip_holds_pdf=bool(pdfs))
    log(f"sizes: zip {figures['zip_bytes']:,} bytes from {source}{', PDF inside' if pdfs else ', no PDF'}; "
        f"site {figures['site_bytes']:,} bytes")


def measure_scale(work: Path, runs: int, figures: dict) -> None:
    projects = {}
    for scale in (1, 2):
        project = work / f"scale{scale}"
        held = generate(project, scale)
        projects[scale] = project
        log(f"scale {scale}: {held['slides']} slides, {held['pages']} pages, {held['links']} links, "
            f"{held['fragments']} shared fragments")
    times: dict[int, list[float]] = {1: [], 2: []}
    for n in range(runs):
        for scale, project in projects.items():
            builddir = project / "_build"
            shutil.rmtree(builddir, ignore_errors=True)
            times[scale].append(run(make(project, builddir, "all"), project, f"make all (scale {scale})"))
        log(f"  run {n + 1}: N {times[1][-1]:.2f} s, 2N {times[2][-1]:.2f} s")
    figures["scale_ratio"] = round(median(times[2]) / median(times[1]), 3)
    figures["runs"].update(scale_n_s=times[1], scale_2n_s=times[2])
    figures["details"].update(scale_n_s=round(median(times[1]), 3), scale_2n_s=round(median(times[2]), 3))


PARALLEL_CHECK = """
import json, sys, tempfile
from sphinx.application import Sphinx
out = tempfile.mkdtemp()
app = Sphinx("source", ".", out, out + "/doctrees", "html", status=None, warning=None, parallel=2)
print(json.dumps({"read": app.is_parallel_allowed("read"), "write": app.is_parallel_allowed("write")}))
"""


def measure_parallel(project: Path, figures: dict) -> None:
    python = ROOT / ".venv" / "bin" / "python"
    result = subprocess.run([str(python), "-c", PARALLEL_CHECK], cwd=project, env=ENV, capture_output=True, text=True)
    if result.returncode != 0:
        raise BenchError(f"the parallel check failed:\n{result.stderr[-2000:]}")
    figures["handbook_parallel"] = json.loads(result.stdout.strip().splitlines()[-1])


def run_linkcheck_bench(out: Path, figures: dict) -> None:
    script = ROOT / "bench" / "linkcheck.py"
    if not script.is_file():
        figures["details"]["linkcheck"] = "bench/linkcheck.py is not there"
        return
    target = out / "linkcheck.json"
    log("linkcheck: python bench/linkcheck.py (the link checker's own benchmark)")
    result = subprocess.run([sys.executable, str(script), "--out", str(target)], cwd=ROOT, env=ENV,
                            capture_output=True, text=True)
    summary = [l for l in result.stdout.splitlines() if l.startswith("target ")]
    figures["details"]["linkcheck"] = {"json": str(target), "exit": result.returncode, "targets": summary}
    for line in summary:
        log(f"  {line}")
    if result.returncode != 0:
        log(f"  bench/linkcheck.py exited {result.returncode}: {result.stderr.strip()[-500:]}")


def describe(figures: dict) -> None:
    figures["machine"] = {"cpu_count": os.cpu_count(), "platform": platform.platform()}
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True).stdout.strip()
    dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                           capture_output=True, text=True).stdout.strip()
    figures["commit"] = head
    figures["details"]["working_tree_changed"] = bool(dirty)
    figures["versions"] = {"python": platform.python_version(),
                           **{name: metadata.version(name) for name in ("sphinx", "myst-parser", "sphinx-revealjs")}}


# -- the verdict ----------------------------------------------------------------------


def verdicts(figures: dict) -> dict:
    targets = {}
    for name, (limit, kind) in TARGETS.items():
        value = figures.get(name)
        met = value is not None and (value <= limit if kind == "max" else value >= limit)
        targets[name] = {"value": value, "limit": limit, "met": met,
                         "margin": None if value is None else round(value - limit, 4)}
    parallel = figures.get("handbook_parallel") or {}
    targets["handbook_parallel"] = {"value": parallel, "limit": {"read": True, "write": True},
                                    "met": bool(parallel.get("read") and parallel.get("write")), "margin": None}
    return targets


def _fmt(name: str, value) -> str:
    if value is None:
        return "-"
    if name.endswith("_bytes"):
        return f"{value:,}"
    if name == "handbook_parallel":
        return "+".join(k for k in ("read", "write") if value.get(k)) or "serial"
    if name.endswith("_s"):
        return f"{value:.3f} s"
    return f"{value:.3f}"


def table(figures: dict, targets: dict) -> str:
    rows = [("figure", "value", "target", "status", "margin")]
    for name in ("cold_build_s", "overhead_ratio", "noop_rebuild_ratio", "fragment_rebuild_ratio",
                 "zip_bytes", "site_bytes", "scale_ratio", "handbook_parallel"):
        value = figures.get(name)
        target = targets.get(name)
        if target is None:
            rows.append((name, _fmt(name, value), "-", "-", "-"))
            continue
        if name == "handbook_parallel":
            limit, margin = "read+write", "-"
        else:
            limit = f"<= {_fmt(name, target['limit'])}"
            over = target["margin"]
            margin = "-" if over is None else (
                (f"{over:+,}" if name.endswith("_bytes") else f"{over:+.3f}") + f" ({over / target['limit']:+.0%})")
        status = "not measured" if value is None else "met" if target["met"] else "MISSED"
        rows.append((name, _fmt(name, value), limit, status, margin))
    widths = [max(len(r[i]) for r in rows) for i in range(5)]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument("--runs", type=int, default=5, help="runs per timing (at least 5)")
    parser.add_argument("--skip-scale", action="store_true", help="leave out the scale figure (quick look)")
    parser.add_argument("--skip-linkcheck", action="store_true", help="leave out bench/linkcheck.py")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    runs = max(5, args.runs)
    started = time.perf_counter()
    figures: dict = {"runs": {}, "details": {}}
    work = Path(tempfile.mkdtemp(prefix="bench-build-"))
    try:
        project = copy_from_repository(SOURCES, work / "project")
        describe(figures)
        log(f"bench: {runs} runs per timing, work in {work}")
        measure_builds(project, work, runs, figures)
        measure_sizes(project, work, figures)
        measure_parallel(project, figures)
        if not args.skip_scale:
            measure_scale(work, runs, figures)
        args.out.mkdir(parents=True, exist_ok=True)
        if not args.skip_linkcheck:
            run_linkcheck_bench(args.out, figures)
    except BenchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    finally:
        shutil.rmtree(work, ignore_errors=True)
    targets = verdicts(figures)
    figures["targets"] = targets
    figures["details"]["bench_seconds"] = round(time.perf_counter() - started, 1)
    ordered = {k: figures[k] for k in ("cold_build_s", "overhead_ratio", "noop_rebuild_ratio",
                                       "fragment_rebuild_ratio", "zip_bytes", "site_bytes", "scale_ratio",
                                       "handbook_parallel", "machine", "commit", "versions", "targets")
               if k in figures}
    ordered.update({k: v for k, v in figures.items() if k not in ordered})
    result = args.out / "results.json"
    result.write_text(json.dumps(ordered, indent=2) + "\n", encoding="utf-8")
    log("")
    log(table(figures, targets))
    zip_note = figures["details"].get("zip_source", "")
    if not zip_note.startswith("make dist"):
        log(f"note: zip_bytes is the zip of {zip_note}; the target is for make dist's download")
    missed = [n for n, t in targets.items() if not t["met"] and t["value"] is not None]
    for name in missed:
        t = targets[name]
        if t["margin"] is None:
            log(f"MISSED {name}: {_fmt(name, t['value'])}")
            continue
        over = f"{t['margin']:,}" if name.endswith("_bytes") else f"{t['margin']:.3f}"
        log(f"MISSED {name}: {_fmt(name, t['value'])} against <= {_fmt(name, t['limit'])}, "
            f"over by {over} ({t['margin'] / t['limit']:.0%} of the target)")
    linkcheck = figures["details"].get("linkcheck")
    if isinstance(linkcheck, dict):
        log(f"linkcheck figures: {linkcheck['json']} (exit {linkcheck['exit']})")
    log(f"figures: {result} ({figures['details']['bench_seconds']} s)")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
