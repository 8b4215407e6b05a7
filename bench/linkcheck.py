"""Benchmark: talkbook.linkcheck against Sphinx's linkcheck builder, same URLs.

1,000 synthetic URLs on 20 hosts (``host01.bench.test``...), every answer
delayed 100 ms, behind the loopback HTTPS-intercepting proxy of the tests
(``tests/linkcheck_support.py``, run in this process; the checkers run as child
processes with ``HTTPS_PROXY`` and ``REQUESTS_CA_BUNDLE`` pointing at it). No
traffic leaves 127.0.0.1.

Measured, in one run, as wall time of the whole command as a user runs it:

- ours: ``python -m talkbook.linkcheck`` on a synthetic site holding the URLs,
  with our default settings (``talkbook_linkcheck_per_host = 4``), no cache;
  the median of ``--repeat`` runs;
- cached rerun: the same command again on the same ``--out`` (median of
  ``--repeat``), with the number of requests the proxy saw (should be 0);
- Sphinx: ``sphinx-build -b linkcheck`` with its defaults (5 workers) on a
  tiny project whose one page holds the same URLs; once, as it is slow.

The floor is what the per-host cap and the delay allow:
``(urls / hosts) * delay / per_host_cap``. Targets: ours within 1.5x the floor,
the cached rerun under 1 s with no request.

    python bench/linkcheck.py [--out _build/bench/linkcheck.json] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from linkcheck_support import FakeInternet, Reply, html_page, write_tree  # noqa: E402

FLOOR_FACTOR = 1.5  # target for ours: within this many floors
CACHED_TARGET_S = 1.0


def make_urls(count: int, hosts: int) -> list[str]:
    return [
        f"https://host{i % hosts + 1:02d}.bench.test/page/{i:04d}.html" for i in range(count)
    ]


def make_site(root: Path, urls: list[str]) -> Path:
    """Ten handbook pages and the deck, the URLs dealt out between them."""
    files = {
        (f"reference/page{n:02d}.html" if n else "slides/index.html"): html_page(*urls[n::11])
        for n in range(11)
    }
    files["index.html"] = html_page(*urls[:50])  # some URLs on two pages
    return write_tree(root, files)


def make_sphinx_project(root: Path, urls: list[str]) -> Path:
    root.mkdir(parents=True)
    (root / "conf.py").write_text('project = "bench"\n', encoding="utf-8")
    lines = ["Links", "=====", ""] + [f"- {url}" for url in urls]
    (root / "index.rst").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return root


def timed(cmd: list[str], env: dict[str, str]) -> tuple[float, subprocess.CompletedProcess]:
    started = time.perf_counter()
    result = subprocess.run(cmd, env=env, cwd=ROOT, capture_output=True, text=True)
    return time.perf_counter() - started, result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "_build/bench/linkcheck.json")
    parser.add_argument("--urls", type=int, default=1000)
    parser.add_argument("--hosts", type=int, default=20)
    parser.add_argument("--delay", type=float, default=0.1, help="seconds per answer")
    parser.add_argument("--per-host", type=int, default=4, help="our per-host cap")
    parser.add_argument("--repeat", type=int, default=3, help="runs of ours to take the median of")
    parser.add_argument("--skip-sphinx", action="store_true", help="leave Sphinx out (quick look)")
    args = parser.parse_args(argv)

    urls = make_urls(args.urls, args.hosts)
    floor = (args.urls / args.hosts) * args.delay / args.per_host
    work = Path(tempfile.mkdtemp(prefix="bench-linkcheck-"))
    site = make_site(work / "site", urls)
    conf = work / "conf"
    conf.mkdir()
    (conf / "conf.py").write_text(
        f"talkbook_linkcheck_per_host = {args.per_host}\n", encoding="utf-8"
    )
    ours_cmd = [sys.executable, "-m", "talkbook.linkcheck", "--site", str(site), "--conf", str(conf)]

    with FakeInternet(default=Reply(200, delay=args.delay)) as internet:
        env = {**os.environ, **internet.env(), "PYTHONPATH": str(ROOT)}
        for name in ("CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"):
            env.pop(name, None)

        ours, cached, cached_requests, busiest = [], [], [], 0
        for n in range(max(1, args.repeat)):
            out = work / f"out{n}"
            internet.forget()
            seconds, result = timed([*ours_cmd, "--out", str(out)], env)
            if result.returncode != 0 or len(internet.seen) != args.urls:
                print(result.stdout, result.stderr, file=sys.stderr)
                print(f"ours: exit {result.returncode}, {len(internet.seen)} requests", file=sys.stderr)
                return 1
            ours.append(seconds)
            busiest = max(busiest, *internet.max_active.values())
            print(f"ours, run {n + 1}: {seconds:.2f} s, {len(internet.seen)} requests")
        for n in range(max(1, args.repeat)):
            internet.forget()
            seconds, result = timed([*ours_cmd, "--out", str(work / "out0")], env)
            cached.append(seconds)
            cached_requests.append(len(internet.seen))
            print(f"ours cached, run {n + 1}: {seconds:.2f} s, {len(internet.seen)} requests")

        sphinx_s = None
        if not args.skip_sphinx:
            project = make_sphinx_project(work / "sphinx", urls)
            internet.forget()
            cmd = [sys.executable, "-m", "sphinx", "-b", "linkcheck", "-q", str(project), str(work / "sphinx-out")]
            sphinx_s, result = timed(cmd, env)
            report = (work / "sphinx-out" / "output.json").read_text().splitlines()
            working = sum(json.loads(line)["status"] == "working" for line in report)
            print(f"sphinx, one run: {sphinx_s:.2f} s, {len(internet.seen)} requests, {working} working")
            if working != args.urls:
                print(result.stdout, result.stderr, file=sys.stderr)

    figures = {
        "urls": args.urls,
        "hosts": args.hosts,
        "delay_s": args.delay,
        "per_host_cap": args.per_host,
        "floor_s": round(floor, 3),
        "ours_s": round(statistics.median(ours), 3),
        "ours_runs_s": [round(s, 3) for s in ours],
        "sphinx_default_s": None if sphinx_s is None else round(sphinx_s, 3),
        "sphinx_runs": 0 if sphinx_s is None else 1,
        "cached_rerun_s": round(statistics.median(cached), 3),
        "cached_rerun_requests": max(cached_requests),
        "max_concurrent_per_host_seen": busiest,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")

    ratio = figures["ours_s"] / floor
    print()
    print(f"{args.urls} URLs on {args.hosts} hosts, {args.delay * 1000:.0f} ms per answer, per-host cap {args.per_host}")
    print(f"  floor            {floor:6.2f} s  ((urls/hosts) x delay / cap)")
    print(f"  ours (median of {len(ours)}) {figures['ours_s']:6.2f} s  = {ratio:.2f} x floor")
    if sphinx_s is not None:
        print(f"  sphinx linkcheck {sphinx_s:6.2f} s  (defaults, one run) = {sphinx_s / figures['ours_s']:.1f} x ours")
    print(f"  cached rerun     {figures['cached_rerun_s']:6.2f} s  with {figures['cached_rerun_requests']} requests")
    print(f"  most requests at once to one host, as the proxy saw: {busiest} (cap {args.per_host})")
    met_speed = ratio <= FLOOR_FACTOR
    met_cache = figures["cached_rerun_s"] < CACHED_TARGET_S and figures["cached_rerun_requests"] == 0
    print(
        f"target ours <= {FLOOR_FACTOR} x floor: {'met' if met_speed else 'MISSED'} "
        f"({ratio:.2f} x; {figures['ours_s'] - FLOOR_FACTOR * floor:+.2f} s against the target)"
    )
    print(
        f"target cached rerun < {CACHED_TARGET_S:g} s with 0 requests: {'met' if met_cache else 'MISSED'} "
        f"({figures['cached_rerun_s']:.2f} s, {figures['cached_rerun_requests']} requests; "
        f"{figures['cached_rerun_s'] - CACHED_TARGET_S:+.2f} s against the target)"
    )
    print(f"figures: {args.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
