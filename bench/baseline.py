"""The baseline of the overhead figure: our sources with our machinery taken out.

A copy of ``source/`` and ``slides/`` in which our directives and roles are
replaced, mechanically, by plain MyST that myst-parser and sphinx-revealjs
build on their own, and a ``conf.py`` with conf.py's settings but only those
two extensions. The mapping is in the docstring of bench/build.py.

    python bench/baseline.py PROJECT OUT     (PROJECT: a checkout, or a copy of one)
"""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

#: Where plain links to the other output point (the baseline has no crosslinks).
LINK_BASE = "https://talk.invalid/#/"
DECK_EXPR = "revealjs"  # the revealjs builder's name is a tag in its build
DEFAULT_LINK_TEXT = "Read more"

_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,}|:{3,})\{(?P<name>[\w-]+)\}\s*(?P<args>.*?)\s*$")
_LITERAL_OPEN = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?!\{)")
#: Directives whose content is text to show as it is, not Markdown.
LITERAL_DIRECTIVES = {"code-block", "code", "sourcecode", "literalinclude", "raw", "math"}
_ROLE = re.compile(r"\{(?P<name>slide|handbook)\}`(?P<body>[^`]*)`")
_OPTION = re.compile(r"^\s*:(?P<key>[\w-]+):\s*(?P<value>.*)$")


def _closes(line: str, fence: str) -> bool:
    stripped = line.strip()
    return bool(stripped) and set(stripped) == {fence[0]} and len(stripped) >= len(fence)


def _link(text: str, label: str) -> str:
    text = text.replace("[", "\\[").replace("]", "\\]")
    return f"[{text}]({LINK_BASE}{label.strip().lower()})"


def _role(match: re.Match[str]) -> str:
    body = match.group("body")
    text, label = body, body
    if body.endswith(">") and "<" in body:
        text, _, label = body[:-1].rpartition("<")
        text = text.strip()
    return _link(text or label, label)


class Converter:
    """Rewrites one project's Markdown; notes the diagrams it points to."""

    def __init__(self, data_file: Path) -> None:
        self.data = data_file.read_text(encoding="utf-8") if data_file.is_file() else ""
        self.diagrams: dict[str, Path] = {}

    def convert(self, path: Path, text: str) -> str:
        lines = text.split("\n")
        out: list[str] = []
        open_fences: list[tuple[str, bool]] = []  # (fence, holds literal text)
        i = 0
        while i < len(lines):
            line = lines[i]
            i += 1
            if open_fences and _closes(line, open_fences[-1][0]):
                open_fences.pop()
                out.append(line)
                continue
            if open_fences and open_fences[-1][1]:
                out.append(line)  # code: left as it is
                continue
            opening = _OPEN.match(line)
            if opening:
                name, fence, indent = opening.group("name"), opening.group("fence"), opening.group("indent")
                if name in ("crosslink", "diagram", "render"):
                    options: dict[str, str] = {}
                    while i < len(lines) and not _closes(lines[i], fence):
                        option = _OPTION.match(lines[i])
                        if option:
                            options[option.group("key")] = option.group("value")
                        i += 1
                    i += 1  # the closing fence
                    out += self._replace(path, name, opening.group("args"), options, indent)
                    continue
                open_fences.append((fence, name in LITERAL_DIRECTIVES))
                if name in ("slide-only", "handbook-only"):
                    expr = DECK_EXPR if name == "slide-only" else f"not {DECK_EXPR}"
                    line = f"{indent}{fence}{{only}} {expr}"
                out.append(line)
                continue
            literal = _LITERAL_OPEN.match(line)
            if literal:
                open_fences.append((literal.group("fence"), True))
                out.append(line)
                continue
            out.append(_ROLE.sub(_role, line))
        return "\n".join(out)

    def _replace(self, path: Path, name: str, args: str, options: dict[str, str], indent: str) -> list[str]:
        if name == "crosslink":
            return [indent + _link(options.get("text") or DEFAULT_LINK_TEXT, args)]
        if name == "diagram":
            svg = (path.parent / args).resolve()
            self.diagrams[svg.name] = svg
            alt = options.get("alt", "").replace("[", "\\[").replace("]", "\\]")
            return [f"{indent}![{alt}](/_diagrams/{svg.name})"]
        # render: the data the template shows, as a code block
        return [f"{indent}````yaml", *[indent + l for l in self.data.rstrip("\n").split("\n")], f"{indent}````"]


def _plain_conf(project: Path) -> str:
    namespace: dict[str, object] = {"__file__": str(project / "conf.py")}
    exec(compile((project / "conf.py").read_text(encoding="utf-8"), str(project / "conf.py"), "exec"), namespace)
    dropped = {"extensions", "templates_path", "revealjs_html_theme", "revealjs_style_theme"}
    literal = (str, int, float, bool, list, dict, tuple, type(None))
    lines = ['"""Baseline: conf.py\'s settings, myst-parser and sphinx-revealjs only (bench/baseline.py)."""',
             'extensions = ["myst_parser", "sphinx_revealjs"]']
    for key, value in namespace.items():
        if (key.startswith("_") or key in dropped or key.startswith(("talkbook_", "linkcheck_"))
                or not key.islower() or not isinstance(value, literal)):
            continue
        lines.append(f"{key} = {value!r}")
    return "\n".join(lines) + "\n"


def make_baseline(project: Path, out: Path) -> Path:
    """Write the baseline of *project* (a copy of the repository) into *out*."""
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    converter = Converter(project / "source" / "_data" / "projects.yaml")
    for tree in ("source", "slides"):
        for path in sorted((project / tree).rglob("*")):
            target = out / path.relative_to(project)
            if path.is_dir():
                target.mkdir(parents=True, exist_ok=True)
            elif path.suffix == ".md":
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_text(converter.convert(path, path.read_text(encoding="utf-8")), encoding="utf-8")
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(path, target)
    for tree in ("source", "slides"):
        folder = out / tree / "_diagrams"
        folder.mkdir(exist_ok=True)
        for name, svg in converter.diagrams.items():
            shutil.copy2(svg, folder / name)
    (out / "conf.py").write_text(_plain_conf(project), encoding="utf-8")
    return out


def main() -> int:
    project, out = Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve()
    make_baseline(project, out)
    print(out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
