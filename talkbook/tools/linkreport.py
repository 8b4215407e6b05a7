"""One report of the link checks of both outputs, and of the facts due for a check.

    python -m talkbook.tools.linkreport --handbook _build/linkcheck/handbook \\
        --deck _build/linkcheck/deck --confdir . --out _build/linkcheck/output.json

``make linkcheck`` runs Sphinx's ``linkcheck`` builder on the handbook and on
the deck (each writes its ``output.json``, a JSON object a line), then this:

- ``output.json``: one row per URL, with Sphinx's ``uri``, ``status``,
  ``code`` and ``info``, the ``pages`` of the site that show it (the deck's
  under its folder, ``slides/index.html``) and the ``sources`` (file:line)
  that write it. A URL both outputs show was checked by each: its row has the
  worse of the two results;
- a summary: the count of each status, then each broken or timed-out URL with
  its pages;
- the facts of the facts file whose last check is older than their review
  period, each with its file and line;
- exit status 1 when a URL is broken or timed out or a fact is due, 2 when a
  link check did not run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections import Counter
from pathlib import Path

#: Worst first: a URL's row has the worst status any of its checks had.
SEVERITY = ["broken", "timeout", "redirected", "working", "rate-limited", "ignored", "unchecked"]
FAILED = {"broken", "timeout"}


class ReportError(Exception):
    """A link check that did not run, or a setting that is wrong; printed without traceback."""


def read_rows(folder: Path, side: str) -> list[dict]:
    path = folder / "output.json"
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ReportError(f"{path} does not exist: the {side}'s link check did not run (see above).") from None
    try:
        rows = [json.loads(line) for line in lines if line.strip()]
    except ValueError as err:
        raise ReportError(f"{path} is not Sphinx's link check output: {err}") from None
    # Every page that shows each URL (Sphinx's rows name the first), as talkbook.linkcheck recorded them.
    from talkbook.linkcheck import PAGES_FILE

    pages_file = folder / PAGES_FILE
    pages = json.loads(pages_file.read_text(encoding="utf-8")) if pages_file.is_file() else {}
    for row in rows:
        row["docnames"] = pages.get(row["uri"], [])
    return rows


def _page(docname: str, deck_path: str | None) -> str:
    page = f"{docname}.html"
    return f"{deck_path.strip('/')}/{page}" if deck_path is not None else page


def merge(sides: list[tuple[list[dict], Path, str | None]], confdir: Path) -> list[dict]:
    """*sides*: (rows, source folder, deck path or None for the handbook). One row per URL."""
    merged: dict[str, dict] = {}
    for rows, srcdir, deck_path in sides:
        for row in rows:
            uri = row["uri"]
            entry = merged.setdefault(uri, {"uri": uri, "status": row["status"], "code": row.get("code", 0),
                                            "info": row.get("info", ""), "pages": set(), "sources": set()})
            if _rank(row["status"]) < _rank(entry["status"]):
                entry.update(status=row["status"], code=row.get("code", 0), info=row.get("info", ""))
            for docname in row.get("docnames") or [row["filename"].rsplit(".", 1)[0]]:
                entry["pages"].add(_page(docname, deck_path))
            source = (srcdir / row["filename"]).resolve()
            try:
                source = source.relative_to(confdir.resolve())
            except ValueError:
                pass
            entry["sources"].add(f"{source.as_posix()}:{row.get('lineno', 0)}")
    return [{**entry, "pages": sorted(entry["pages"]), "sources": sorted(entry["sources"])}
            for entry in sorted(merged.values(), key=lambda e: e["uri"])]


def _rank(status: str) -> int:
    return SEVERITY.index(status) if status in SEVERITY else len(SEVERITY)


def due_facts(path: Path, today: dt.date) -> list[str]:
    """The facts of the facts file *path* that are due for a check, as messages."""
    from talkbook.data import DataError
    from talkbook.facts import load_facts, stale_facts

    try:
        facts = load_facts(path)
    except DataError as err:
        raise ReportError(f"{err.where}: {err.what}. {err.fix}") from None
    return [f"{path}:{fact.line}: fact {fact.name!r} was last checked on {fact.checked}: check it again "
            f"against {fact.source} (it was due on {fact.due()}), then update its value and date."
            for fact in stale_facts(facts, today)]


def summary(rows: list[dict]) -> list[str]:
    counts = Counter(row["status"] for row in rows)
    lines = [f"{len(rows)} URLs: " + ", ".join(f"{counts[s]} {s}" for s in sorted(counts, key=_rank))]
    for row in rows:
        if row["status"] in FAILED:
            lines.append(f"{row['status']}: {row['uri']} ({row['info'] or row['code']})")
            lines.append("    on " + ", ".join(row["pages"]) + "  [" + ", ".join(row["sources"]) + "]")
    return lines


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.linkreport",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("--handbook", type=Path, required=True, help="the handbook's linkcheck output folder")
    parser.add_argument("--deck", type=Path, required=True, help="the deck's linkcheck output folder")
    parser.add_argument("--confdir", type=Path, default=Path("."), help="the folder of conf.py")
    parser.add_argument("--deck-path", default="slides", help="the deck's folder in the site")
    parser.add_argument("--out", type=Path, required=True, help="where the merged report goes")
    parser.add_argument("--today", type=dt.date.fromisoformat, default=dt.date.today(),
                        help="the day facts are due against (YYYY-MM-DD; default: today)")
    args = parser.parse_args(argv)
    try:
        handbook = read_rows(args.handbook, "handbook")
        deck = read_rows(args.deck, "deck")
        from talkbook.config import read_settings

        settings = read_settings(args.confdir)
        rows = merge([(handbook, args.confdir / settings["talkbook_handbook_srcdir"], None),
                      (deck, args.confdir / settings["talkbook_deck_srcdir"], args.deck_path)], args.confdir)
        facts = settings["talkbook_facts_file"]
        due = due_facts(args.confdir / facts, args.today) if facts else []
    except ReportError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text("".join(json.dumps(row, sort_keys=True) + "\n" for row in rows), encoding="utf-8")
    print("\n".join(summary(rows)))
    print(f"report: {args.out}")
    for message in due:
        print(f"{message}", file=sys.stderr)
    failed = any(row["status"] in FAILED for row in rows)
    return 1 if failed or due else 0


if __name__ == "__main__":
    sys.exit(main())
