"""Bring talkbook's files of a talk up to the talkbook that runs this command.

    talkbook upgrade [FOLDER] [--check]

A talk holds two kinds of files. Its own (conf.py, talk.mk, slides/,
source/, _static/, README.md, tests/) are the speaker's, and this command
never touches them. talkbook's files are the same in every talk
(``talkbook.tools.new.MACHINERY``: the Makefile, requirements/ with its
exact pins and the talkbook they name, .ci/run, the hosting files): this
command writes them again from the starter of the talkbook that runs it, so
a talk moves to a newer talkbook by installing it and running

    talkbook upgrade --check   # says what would change, exit status 1 if anything would
    talkbook upgrade           # writes it
    make && make test

Read the change (``git diff``) and commit it. A file of talkbook's that was
edited by hand is written again all the same, and listed: put a talk's own
make settings and targets in talk.mk.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from pathlib import Path

from talkbook.tools.new import MACHINERY, StarterError, render, starter_files, talkbook_requirement, target_name, write


def planned(folder: Path) -> dict[str, bytes]:
    """talkbook's files of the talk in *folder*, as the running talkbook writes them."""
    if not (folder / "conf.py").is_file():
        raise StarterError(f"{folder} has no conf.py: run `talkbook upgrade` in a talk's folder "
                           "(or `talkbook new` for a new talk).")
    requirement, origin = talkbook_requirement(folder)
    context = {"requirement": requirement, "origin": origin}
    by_target = {target_name(relative): relative for relative in starter_files()}
    return {name: render(by_target[name], context) for name in MACHINERY}


def changes(folder: Path) -> dict[str, tuple[bytes | None, bytes]]:
    """name -> (what the talk has, or None; what talkbook writes), for each file that differs."""
    found = {}
    for name, data in planned(folder).items():
        path = folder / name
        current = path.read_bytes() if path.is_file() else None
        if current != data:
            found[name] = (current, data)
    return found


def _diff(name: str, current: bytes | None, new: bytes) -> str:
    old = (current or b"").decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new.decode("utf-8").splitlines(keepends=True),
                                 fromfile=f"a/{name}" if current is not None else "/dev/null", tofile=f"b/{name}")
    return "".join(lines)


def main(argv: list[str] | None = None, prog: str | None = None) -> int:
    parser = argparse.ArgumentParser(prog=prog or "python -m talkbook.tools.upgrade",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("folder", type=Path, nargs="?", default=Path("."), help="the talk's folder (default: here)")
    parser.add_argument("--check", action="store_true",
                        help="only show what would change; exit status 1 when anything would")
    args = parser.parse_args(argv)
    try:
        found = changes(args.folder)
        if args.check:
            for name, (current, new) in found.items():
                sys.stdout.write(_diff(name, current, new))
            print(f"{len(found)} of talkbook's files would change" if found
                  else "talkbook's files are up to date")
            return 1 if found else 0
        by_target = {target_name(relative): relative for relative in starter_files()}
        for name, (current, new) in found.items():
            write(args.folder, by_target[name], new)
            print(f"{'updated' if current is not None else 'created'}: {name}")
    except StarterError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    except OSError as err:
        print(f"error: {err.filename or args.folder}: {err.strerror}", file=sys.stderr)
        return 1
    if found:
        print("Next: make && make test, then read `git diff` and commit.")
    else:
        print("talkbook's files are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
