"""The command: ``python -m talkbook.linkcheck --site DIR --out DIR``.

Exit status: 0 when no URL is broken or timed out, 1 when some are, 2 when the
run could not be made (no such site, conf.py unreadable, report unwritable);
such errors are one line on stderr, without a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

from talkbook.linkcheck.fetch import STATUSES
from talkbook.linkcheck.run import Report, check_site
from talkbook.linkcheck.settings import SettingsError, load_settings

PROJECT_ROOT = Path(__file__).resolve().parents[2]


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m talkbook.linkcheck",
        description="Check every external URL of the built site (deck and handbook).",
    )
    parser.add_argument(
        "--site", required=True, type=Path, help="the built site (_build/site)"
    )
    parser.add_argument(
        "--out",
        required=True,
        type=Path,
        help="where output.json and cache.json go (_build/linkcheck)",
    )
    parser.add_argument(
        "--conf",
        type=Path,
        default=PROJECT_ROOT,
        help="the folder of conf.py (default: %(default)s)",
    )
    parser.add_argument(
        "--cache-max-age",
        type=float,
        metavar="SECONDS",
        help="reuse working results younger than this "
        "(default: talkbook_linkcheck_cache_max_age; 0: no cache)",
    )
    return parser


def summary(report: Report, out: TextIO) -> None:
    """The readable part: counts, then each broken or timed-out URL and its pages."""
    counts = report.counts()
    cached = sum(row.cached for row in report.rows)
    print(
        f"linkcheck: {len(report.rows)} external URLs in {report.files} files; "
        f"{report.pages_asked} pages asked with {report.requests} requests, "
        f"{cached} URLs from the cache; {report.seconds:.1f} s",
        file=out,
    )
    for status in STATUSES:
        print(f"  {status:<11}{counts.get(status, 0):>5}", file=out)
    for row in report.failures:
        print(f"{row.status:<8} {row.code or '-':>4}  {row.uri}", file=out)
        if row.info:
            print(f"{'':14}{row.info}", file=out)
        print(f"{'':14}in {', '.join(row.documents)}", file=out)
    if counts.get("redirected"):
        print(
            f"{counts['redirected']} redirected: info in the report gives the new "
            "address (or allow it in linkcheck_allowed_redirects)",
            file=out,
        )
    if report.cache_note:
        print(f"note: {report.cache_note}", file=out)
    print(f"report: {report.output}", file=out)


def main(argv: list[str] | None = None, out: TextIO | None = None) -> int:
    out = out or sys.stdout
    args = _parser().parse_args(argv)

    def fail(message: str) -> int:
        print(f"linkcheck: error: {message}", file=sys.stderr)
        return 2

    if not args.site.is_dir():
        return fail(f"--site {args.site}: no such folder (build the site first)")
    if not any(args.site.rglob("*.html")):
        return fail(f"--site {args.site}: holds no .html file (build the site first)")
    if args.cache_max_age is not None and args.cache_max_age < 0:
        return fail("--cache-max-age must not be negative")
    try:
        settings = load_settings(args.conf)
    except SettingsError as exc:
        return fail(str(exc))
    try:
        args.out.mkdir(parents=True, exist_ok=True)
        report = check_site(args.site, args.out, settings, cache_max_age=args.cache_max_age)
    except OSError as exc:
        where = exc.filename or args.out
        return fail(f"{where}: {exc.strerror or exc}")
    except KeyboardInterrupt:
        print("linkcheck: interrupted", file=sys.stderr)
        return 130
    summary(report, out)
    return 1 if report.failures else 0
