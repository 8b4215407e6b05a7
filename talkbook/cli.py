"""The ``talkbook`` command: one subcommand per tool of :mod:`talkbook.tools`.

    talkbook new my-talk --title "My talk" --author "A. Speaker"
    talkbook --help            (every subcommand, with what it does)
    talkbook site --help       (one subcommand's options)

``talkbook NAME ARGS...`` runs ``python -m talkbook.tools.NAME ARGS...`` in the
same process, so both spellings take the same arguments and give the same exit
status. A talk's Makefile calls the tools; a speaker calls ``new``, ``upgrade``
and, now and then, the others by hand.
"""

from __future__ import annotations

import importlib
import sys

#: subcommand -> (module of talkbook.tools, arguments put before the user's)
COMMANDS: dict[str, tuple[str, list[str]]] = {
    "new": ("new", []),
    "upgrade": ("upgrade", []),
    "build": ("build", []),
    "site": ("site", []),
    "serve": ("serve", []),
    "pdf": ("pdf", []),
    "handout": ("pdf", ["--handout"]),
    "card": ("card", []),
    "linkreport": ("linkreport", []),
    "gitstats": ("gitstats", []),
}
#: What a subcommand that is another's with arguments does.
SUMMARIES = {"handout": "The deck's handout as PDF: each slide once, then its speaker notes (pdf --handout)"}


def _summary(name: str) -> str:
    if name in SUMMARIES:
        return SUMMARIES[name]
    doc = importlib.import_module(f"talkbook.tools.{COMMANDS[name][0]}").__doc__ or ""
    return doc.strip().splitlines()[0].rstrip(".") if doc.strip() else ""


def usage() -> str:
    from talkbook import __version__

    width = max(map(len, COMMANDS))
    lines = [f"usage: talkbook COMMAND [ARGS...]   (talkbook {__version__})", "",
             "Write a talk once, in MyST Markdown: a reveal.js deck, a handbook, an offline download.", "",
             "commands:"]
    lines += [f"  {name:<{width}}  {_summary(name)}" for name in COMMANDS]
    lines += ["", "'talkbook COMMAND --help' tells more of each."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in ("-h", "--help", "help"):
        print(usage())
        return 0
    if args[0] == "--version":
        from talkbook import __version__

        print(f"talkbook {__version__}")
        return 0
    name, rest = args[0], args[1:]
    if name not in COMMANDS:
        print(f"error: talkbook has no command {name!r}: use one of {', '.join(COMMANDS)} "
              "('talkbook --help' says what each does).", file=sys.stderr)
        return 2
    module, extra = COMMANDS[name]
    tool = importlib.import_module(f"talkbook.tools.{module}")
    return tool.main([*extra, *rest], prog=f"talkbook {name}")


if __name__ == "__main__":
    sys.exit(main())
