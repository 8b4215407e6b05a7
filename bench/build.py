"""Benchmark: what a speaker feels, each figure against the stock tool in the same run.

    make bench        (python bench/build.py --out _build/bench [--runs 5])

Prints a table and writes ``<out>/results.json``. Every build runs on a copy
of the project in a temporary folder; the virtual environment is the
repository's. Each figure is a median of ``--runs`` runs (5 at least), and
the two sides of a ratio are measured in the same run, their runs
interleaved, so that a busy machine slows both alike.

overhead_ratio (target <= 1.10)
    ``make`` from an empty build folder (the handbook and the deck side by
    side, then the site and the zip) over plain ``sphinx-build`` of both
    outputs from the same sources, one after the other.
scale_overhead_ratio (target <= 1.10)
    The same on a synthetic talk of 300 slides and 200 handbook pages
    (bench/synthetic.py).
preview_ratio (target <= 1.0)
    Under ``make serve``: from saving a shared fragment until both outputs
    are rewritten (the deck's page and the handbook's page hold the new
    line), over the same for stock ``sphinx-autobuild`` rebuilding the
    handbook alone. Both run with ``talkbook_fresh_search_index=0``, the
    preview's setting.
charts_overhead_ratio (target <= 1.15)
    ``make`` from an empty build folder on the talk, over the same on a copy
    of it whose ``{chart}`` directives are removed from the sources: what
    drawing the charts costs. With no chart in the talk it is about 1.0
    (``details.charts`` counts the charts removed).
zip_bytes (target <= 1,000,000)
    The download of ``make dist``, both PDFs in it (the zip of plain ``make``
    is in ``details``).
new_talk_s (target < 30)
    Seconds from ``talkbook new`` to the new talk's first ``make`` done: its
    ``.venv`` set up from its pinned requirements (pip's cache holding what
    this repository's ``.venv`` downloaded, as on a speaker's second talk),
    then its deck, handbook, site and zip built.

``--only overhead_ratio,new_talk_s`` measures some of the figures.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from synthetic import copy_from_repository, generate  # noqa: E402

VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
PROJECT_FILES = ["conf.py", "Makefile", "talk.mk", "pyproject.toml", "requirements", "source", "slides",
                 "_templates", "_static", "talkbook"]
TARGETS = {"overhead_ratio": 1.10, "scale_overhead_ratio": 1.10, "preview_ratio": 1.0,
           "charts_overhead_ratio": 1.15, "zip_bytes": 1_000_000, "new_talk_s": 30.0}
#: The shared fragment edited in the preview figure, and a page of each output that includes it.
FRAGMENT = "source/_shared/why-python.md"
HANDBOOK_PAGE = "explanation/python.html"
ENV = {**os.environ, "SOURCE_DATE_EPOCH": "1700000000", "TALKBOOK_SITE_URL": ""}


def copy_project(target: Path) -> Path:
    return copy_from_repository(PROJECT_FILES, target)


def timed(command: list[str], cwd: Path) -> float:
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, env=ENV, capture_output=True, text=True)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{result.stdout}{result.stderr}")
    return elapsed


def make(project: Path, builddir: Path, *targets: str) -> float:
    return timed(["make", "--no-print-directory", *targets, f"VENVDIR={VENV}", f"BUILDDIR={builddir}"], project)


def plain_sphinx(project: Path, out: Path) -> float:
    """Both outputs with the stock sphinx-build, one after the other."""
    sphinx = str(VENV / "bin" / "sphinx-build")
    return (timed([sphinx, "-q", "-b", "html", "-d", str(out / "dt-html"), "-c", ".", "source", str(out / "html")], project)
            + timed([sphinx, "-q", "-b", "revealjs", "-d", str(out / "dt-deck"), "-c", ".", "slides", str(out / "deck")],
                    project))


def overhead(project: Path, work: Path, runs: int) -> dict:
    ours, stock = [], []
    for run in range(runs):
        for folder in (work / "ours", work / "stock"):
            shutil.rmtree(folder, ignore_errors=True)
        ours.append(make(project, work / "ours", "all"))
        stock.append(plain_sphinx(project, work / "stock"))
        print(f"  run {run + 1}: make {ours[-1]:.2f} s, sphinx-build {stock[-1]:.2f} s", flush=True)
    return {"ratio": statistics.median(ours) / statistics.median(stock),
            "make_s": statistics.median(ours), "sphinx_build_s": statistics.median(stock)}


# -- Charts -------------------------------------------------------------------------

#: A fenced {chart} directive, from its opening fence to its closing one.
CHART = re.compile(r"^[ \t]*(?P<fence>`{3,}|:{3,})\{chart\}.*?^[ \t]*(?P=fence)[ \t]*$\n?", re.M | re.S)


def without_charts(project: Path, target: Path) -> tuple[Path, int]:
    """A copy of *project* with every ``{chart}`` directive removed from its Markdown: (the copy, how many)."""
    shutil.copytree(project, target)
    removed = 0
    for page in sorted(target.rglob("*.md")):
        text = page.read_text(encoding="utf-8")
        text, count = CHART.subn("", text)
        if count:
            page.write_text(text, encoding="utf-8")
            removed += count
    return target, removed


def charts_overhead(project: Path, work: Path, runs: int) -> dict:
    bare, removed = without_charts(project, work / "without-charts")
    ours, without = [], []
    for run in range(runs):
        for folder in (work / "with", work / "without"):
            shutil.rmtree(folder, ignore_errors=True)
        ours.append(make(project, work / "with", "all"))
        without.append(make(bare, work / "without", "all"))
        print(f"  run {run + 1}: with charts {ours[-1]:.2f} s, without {without[-1]:.2f} s", flush=True)
    return {"ratio": statistics.median(ours) / statistics.median(without), "charts": removed,
            "with_charts_s": statistics.median(ours), "without_charts_s": statistics.median(without)}


# -- The live preview ---------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(command: list[str], cwd: Path, port: int, log: Path) -> subprocess.Popen:
    server = subprocess.Popen(command, cwd=cwd, env=ENV, stdout=log.open("w"), stderr=subprocess.STDOUT,
                              start_new_session=True)
    deadline = time.monotonic() + 180
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=2):
                return server
        except OSError:
            if server.poll() is not None:
                raise SystemExit(f"{' '.join(command)} stopped:\n{log.read_text()}")
            time.sleep(0.2)
    raise SystemExit(f"{' '.join(command)} did not start:\n{log.read_text()}")


def stop_server(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGINT)
    try:
        server.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)
        server.wait()


def until_rewritten(pages: list[Path], token: str, timeout: float = 120.0) -> float:
    """Save a line into the fragment happened at time 0: seconds until every page holds it."""
    started = time.perf_counter()
    waiting = list(pages)
    while waiting:
        waiting = [p for p in waiting if token not in (p.read_text(encoding="utf-8", errors="replace")
                                                       if p.exists() else "")]
        if time.perf_counter() - started > timeout:
            raise SystemExit(f"{waiting} never showed {token!r}")
        time.sleep(0.01)
    return time.perf_counter() - started


def preview(work: Path, runs: int) -> dict:
    ours_project, stock_project = copy_project(work / "ours"), copy_project(work / "stock")
    ours_port, stock_port = free_port(), free_port()
    ours = start_server([str(PYTHON), "-m", "talkbook.tools.serve", "--port", str(ours_port),
                         "--builddir", str(work / "ours-build")], ours_project, ours_port, work / "ours.log")
    stock = start_server([str(VENV / "bin" / "sphinx-autobuild"), "-q", "-c", ".", "-D", "talkbook_fresh_search_index=0",
                          "--port", str(stock_port), "--host", "127.0.0.1", "source", str(work / "stock-build")],
                         stock_project, stock_port, work / "stock.log")
    ours_pages = [work / "ours-build" / "serve" / "slides" / "index.html", work / "ours-build" / "serve" / HANDBOOK_PAGE]
    stock_pages = [work / "stock-build" / HANDBOOK_PAGE]
    times: dict[str, list[float]] = {"ours": [], "stock": []}
    try:
        for run in range(runs + 1):  # the first round warms both up and is not counted
            for name, project, pages in (("ours", ours_project, ours_pages), ("stock", stock_project, stock_pages)):
                token = f"Preview edit {run}"
                time.sleep(1.0)  # both servers idle
                with (project / FRAGMENT).open("a", encoding="utf-8") as fragment:
                    fragment.write(f"\n- {token}\n")
                elapsed = until_rewritten(pages, token)
                if run:
                    times[name].append(elapsed)
            if run:
                print(f"  run {run}: make serve {times['ours'][-1]:.2f} s, "
                      f"sphinx-autobuild {times['stock'][-1]:.2f} s", flush=True)
    finally:
        stop_server(ours)
        stop_server(stock)
    return {"ratio": statistics.median(times["ours"]) / statistics.median(times["stock"]),
            "make_serve_s": statistics.median(times["ours"]),
            "sphinx_autobuild_s": statistics.median(times["stock"])}


def zips(project: Path, work: Path) -> dict:
    make(project, work / "zip", "all")
    plain = next((work / "zip" / "dist").glob("*.zip")).stat().st_size
    make(project, work / "zip", "dist")
    return {"zip_bytes": next((work / "zip" / "dist").glob("*.zip")).stat().st_size, "plain_zip_bytes": plain}


def new_talk(work: Path, runs: int) -> dict:
    """``talkbook new``, then ``make`` in the new talk (its own .venv), *runs* times."""
    work.mkdir(parents=True, exist_ok=True)
    times = []
    for run in range(runs):
        folder = work / f"talk-{run}"
        started = time.perf_counter()
        timed([str(PYTHON), "-m", "talkbook.cli", "new", str(folder), "--title", "A talk to measure",
               "--author", "A. Speaker"], work)
        timed(["make", "--no-print-directory"], folder)
        times.append(time.perf_counter() - started)
        print(f"  run {run + 1}: {times[-1]:.1f} s", flush=True)
        shutil.rmtree(folder)
    return {"new_talk_s": statistics.median(times), "runs_s": times}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build" / "bench")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--only", default=",".join(TARGETS), help="the figures to measure, separated by commas")
    args = parser.parse_args()
    if args.runs < 5:
        parser.error("--runs: at least 5, for a median worth reading")
    wanted = set(args.only.split(","))
    if wanted - set(TARGETS):
        parser.error(f"--only: no figure {', '.join(sorted(wanted - set(TARGETS)))}; the figures: {', '.join(TARGETS)}")
    results: dict = {"targets": TARGETS, "details": {}}
    with tempfile.TemporaryDirectory(prefix="talkbook-bench-") as tmp:
        work = Path(tmp)
        project = copy_project(work / "project")
        if "overhead_ratio" in wanted:
            print("overhead: make against sphinx-build, from empty build folders", flush=True)
            figure = overhead(project, work / "overhead", args.runs)
            results["overhead_ratio"] = figure.pop("ratio")
            results["details"]["overhead"] = figure
        if "scale_overhead_ratio" in wanted:
            print("scale: the same on a synthetic talk of 300 slides and 200 pages", flush=True)
            synthetic = work / "synthetic"
            results["details"]["scale_project"] = generate(synthetic)
            figure = overhead(synthetic, work / "scale", args.runs)
            results["scale_overhead_ratio"] = figure.pop("ratio")
            results["details"]["scale"] = figure
        if "preview_ratio" in wanted:
            print("preview: make serve against sphinx-autobuild, a shared fragment saved", flush=True)
            figure = preview(work / "preview", args.runs)
            results["preview_ratio"] = figure.pop("ratio")
            results["details"]["preview"] = figure
        if "charts_overhead_ratio" in wanted:
            print("charts: the talk against itself with its charts left out, from empty build folders", flush=True)
            figure = charts_overhead(project, work / "charts", args.runs)
            results["charts_overhead_ratio"] = figure.pop("ratio")
            results["details"]["charts"] = figure
        if "zip_bytes" in wanted:
            print("size: the download of make dist", flush=True)
            sizes = zips(project, work)
            results["zip_bytes"] = sizes.pop("zip_bytes")
            results["details"].update(sizes)
        if "new_talk_s" in wanted:
            print("new talk: talkbook new, then make (its own .venv)", flush=True)
            figure = new_talk(work / "new", args.runs)
            results["new_talk_s"] = figure.pop("new_talk_s")
            results["details"]["new_talk"] = figure
    results["details"]["machine"] = {"cpus": os.cpu_count(), "platform": platform.platform(),
                                     "python": platform.python_version()}
    results["details"]["commit"] = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True,
                                                  text=True).stdout.strip()
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "results.json").write_text(json.dumps(results, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    print(f"\n{'figure':<22}{'value':>12}  {'target':<14}result")
    for key, target in TARGETS.items():
        if key not in results:
            continue
        value = results[key]
        shown = f"{value:,}" if isinstance(value, int) else f"{value:.3f}"
        print(f"{key:<22}{shown:>12}  {f'<= {target:,}':<14}{'met' if value <= target else 'MISSED'}")
    print(f"\nresults: {args.out / 'results.json'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
