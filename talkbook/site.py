"""Assemble the publishable site and the offline download.

    python -m talkbook.site --html _build/html --deck _build/deck \\
        --site _build/site --dist _build/dist --name get-a-python-job

The handbook's HTML becomes the root of the site and the deck goes into
``slides/``. The new tree is put together in a staging folder beside the old
one and swapped in only when it is complete, so a failure never costs the site
that was already built. A file that the old site holds unchanged (same size and
modification time as its source: copies keep the time) is hard-linked from it
rather than copied, and only the other files are audited again, so a rebuild
after a small change costs little. The download is a zip of that tree under one folder,
made reproducible: entries sorted, every time set from ``SOURCE_DATE_EPOCH``,
fixed permissions, no build-machine metadata.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import time
import zipfile
from pathlib import Path

from talkbook.audit import audit

#: Files of a Sphinx output folder that are build bookkeeping, not site.
SKIP_NAMES = {".buildinfo", ".buildinfo.bak", ".doctrees"}
# 1980-01-01, the earliest time a zip entry can hold.
ZIP_EPOCH_MIN = 315532800


class SiteError(Exception):
    """A problem the person running the build can fix; printed without traceback."""


def _ignore(_folder: str, names: list[str]) -> set[str]:
    return {n for n in names if n in SKIP_NAMES}


def _audit_record(site: Path) -> Path:
    """Beside the site (not in it): the paths its files were audited against."""
    return site.with_name(f".{site.name}.audited")


def _copier(previous: Path | None, staging: Path, reused: set[Path]):
    """A copy function for copytree that links the files *previous* holds unchanged."""

    def copy(src: str, dst: str) -> str:
        if previous is not None:
            old = previous / Path(dst).relative_to(staging)
            try:
                new_stat, old_stat = os.stat(src), os.stat(old, follow_symlinks=False)
                if (new_stat.st_size, new_stat.st_mtime_ns) == (old_stat.st_size, old_stat.st_mtime_ns):
                    os.link(old, dst)
                    reused.add(Path(dst))
                    return dst
            except OSError:
                pass  # not there, or no hard links here: copy
        return shutil.copy2(src, dst)

    return copy


def replace_tree(staging: Path, final: Path) -> None:
    """Put *staging* in place of *final* with two renames (never a half tree)."""
    old = final.with_name(final.name + ".old")
    if old.exists():
        shutil.rmtree(old)
    if final.exists():
        final.rename(old)
    staging.rename(final)
    if old.exists():
        shutil.rmtree(old)


def assemble(html: Path, deck: Path, site: Path, deck_path: str = "slides") -> Path:
    for name, folder in (("handbook", html), ("deck", deck)):
        if not (folder / "index.html").is_file():
            raise SiteError(
                f"the {name} build in {folder} has no index.html: build it first (make)."
            )
    staging = site.with_name(site.name + ".staging")
    if staging.exists():
        shutil.rmtree(staging)
    forbidden = [Path.cwd(), html.parent, site.parent, Path(__file__).parent.parent]
    key = "\n".join(sorted({str(p.resolve()) for p in forbidden}))
    record = _audit_record(site)
    try:
        audited = record.read_text(encoding="utf-8") == key and (site / "index.html").is_file()
    except OSError:
        audited = False
    previous = site if audited else None  # its files passed the same audit
    reused: set[Path] = set()
    shutil.copytree(html, staging, ignore=_ignore, copy_function=_copier(previous, staging, reused))
    target = staging / deck_path
    if target.exists():
        raise SiteError(
            f"the handbook already has a {deck_path}/ folder ({html / deck_path}), "
            "where the deck goes: rename that handbook section."
        )
    shutil.copytree(deck, target, ignore=_ignore, copy_function=_copier(previous, staging, reused))
    # The deck's inventory would shadow nothing useful and confuse intersphinx users.
    (target / "objects.inv").unlink(missing_ok=True)
    fresh = None if previous is None else {p for p in staging.rglob("*") if p.is_file()} - reused
    findings = audit(staging, forbidden, fresh)
    if findings:
        shutil.rmtree(staging)
        listing = "\n  ".join(str(f).replace(staging.name, site.name, 1) for f in findings)
        raise SiteError(
            f"the site fails its audit, so {site} is left as it was:\n  {listing}\n"
            "Use a local copy of each asset (in _static/), and no absolute paths in sources."
        )
    record.unlink(missing_ok=True)
    replace_tree(staging, site)
    record.write_text(key, encoding="utf-8")
    return site


def source_date_epoch() -> int:
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if not value:
        return int(time.time())
    try:
        return max(int(value), ZIP_EPOCH_MIN)
    except ValueError:
        raise SiteError(
            f"SOURCE_DATE_EPOCH={value!r} is not a whole number of seconds: "
            "unset it or set it to a Unix time."
        ) from None


def make_zip(site: Path, dist: Path, name: str, extra: list[Path] = ()) -> Path:
    """Zip *site* (and *extra* files, at the top) into ``dist/<name>.zip``."""
    if not (site / "index.html").is_file():
        raise SiteError(f"{site} has no index.html: build the site first (make).")
    stamp = time.gmtime(source_date_epoch())[:6]
    files = sorted(p for p in site.rglob("*") if p.is_file())
    dist.mkdir(parents=True, exist_ok=True)
    final = dist / f"{name}.zip"
    partial = dist / f".{name}.zip.partial"
    with zipfile.ZipFile(partial, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        entries = [(f"{name}/{p.relative_to(site).as_posix()}", p) for p in files]
        entries += [(f"{name}/{p.name}", p) for p in extra]
        for arcname, path in sorted(entries):
            info = zipfile.ZipInfo(arcname, date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = (0o100644 & 0xFFFF) << 16
            info.create_system = 3  # Unix, so the permissions above are read
            zf.writestr(info, path.read_bytes())
    partial.replace(final)
    return final


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m talkbook.site", description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, required=True, help="the handbook's HTML build")
    parser.add_argument("--deck", type=Path, required=True, help="the deck's revealjs build")
    parser.add_argument("--site", type=Path, required=True, help="where the site goes")
    parser.add_argument("--dist", type=Path, help="where the zip goes (no zip when left out)")
    parser.add_argument("--name", default="talk", help="the download's name")
    parser.add_argument("--deck-path", default="slides", help="the deck's folder in the site")
    parser.add_argument("--extra", type=Path, action="append", default=[],
                        help="a file to add at the top of the download (repeatable)")
    args = parser.parse_args(argv)
    try:
        site = assemble(args.html, args.deck, args.site, args.deck_path)
        print(f"site: {site}/index.html (deck: {site}/{args.deck_path}/index.html)")
        if args.dist:
            for extra in args.extra:
                if not extra.is_file():
                    raise SiteError(f"{extra} does not exist: build it first.")
            archive = make_zip(site, args.dist, args.name, args.extra)
            print(f"download: {archive} ({archive.stat().st_size:,} bytes)")
    except SiteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or ''}: {err.strerror}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
