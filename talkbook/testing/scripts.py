"""The scripts a talk's pages may hold: those its themes' own files, and talkbook, account for.

talkbook's check ``test_no_script_but_the_themes`` (:mod:`talkbook.testing.checks`)
reads each page's live DOM in Chromium, and talkbook's fuzz test reads the
written pages. :func:`allowed` derives the rules from the installed themes'
files (Sphinx's, the handbook's theme's, sphinx-revealjs' with reveal.js,
talkbook's deck theme), the talk's own templates and the scripts talkbook
writes itself (:data:`talkbook.access.SCRIPTS`); :func:`foreign` lists what
breaks them:

- a script file: a file of a theme's static folder, byte for byte, or one that
  Sphinx renders from such a folder's template (``.jinja``), or one that a
  theme template names (``searchindex.js``);
- a script written in the page: one of the theme templates' ``<script>``
  blocks, its Jinja expressions standing for data (no call, no statement), its
  loops and conditions for their content repeated or left out; the talk's own
  templates (``templates_path``) count as its theme;
- event handlers and ``javascript:`` addresses: those the theme's templates
  write (none).
"""

from __future__ import annotations

import functools
import posixpath
import re
from dataclasses import dataclass
from pathlib import Path

import jinja2
from bs4 import BeautifulSoup
from jinja2 import nodes as jn

#: What the live DOM holds that can run: scripts, handlers, javascript: addresses.
LIVE = """() => {
  const plain = v => v.replace(/[\\u0000-\\u0020]/g, "").toLowerCase();
  const all = [...document.querySelectorAll("*")];
  return {
    scripts: [...document.querySelectorAll("script")].map(s => s.getAttribute("src")
        ? {src: new URL(s.getAttribute("src"), location.href).pathname} : {text: s.textContent}),
    handlers: all.flatMap(el => [...el.attributes].filter(a => a.name.startsWith("on"))
        .map(a => `<${el.localName} ${a.name}="${a.value}">`)),
    urls: all.flatMap(el => [...el.attributes].filter(a => /^(javascript|vbscript):/.test(plain(a.value)))
        .map(a => `<${el.localName} ${a.name}="${a.value}">`)),
  };
}"""
#: In a template's script, what a Jinja expression may stand for: data (no call, no statement, no tag).
DATA = r"[^;()<>]*?"
def _theme_folders(html_theme: str) -> list[Path]:
    """Sphinx's themes, sphinx-revealjs' (with reveal.js), talkbook's deck theme, and the
    handbook's theme when it is a package of that name (furo)."""
    import importlib

    import sphinx
    import sphinx_revealjs

    from talkbook.deck import THEME_DIR

    folders = [Path(sphinx.__file__).parent / "themes", Path(sphinx_revealjs.__file__).parent, THEME_DIR]
    try:
        folders.append(Path(importlib.import_module(html_theme).__file__).parent)
    except ImportError:
        pass  # one of Sphinx's own themes (alabaster, basic...)
    return folders


def _regex(body: list[jn.Node]) -> str:
    """A template's nodes as a pattern of what they may write, white space left out."""
    out = []
    for node in body:
        if isinstance(node, jn.Output):
            out.append(_regex(node.nodes))
        elif isinstance(node, jn.TemplateData):
            out.append(re.escape("".join(node.data.split())))
        elif isinstance(node, jn.Expr):
            out.append(DATA)
        elif isinstance(node, jn.For):
            out.append(f"(?:{_regex(node.body)})*(?:{_regex(node.else_)})?")
        elif isinstance(node, jn.If):
            branches = [_regex(node.body), *(_regex([e]) for e in node.elif_), _regex(node.else_)]
            out.append(f"(?:{'|'.join(branches)})?")
        elif hasattr(node, "body"):
            out.append(_regex(node.body))
    return "".join(out)


@dataclass(frozen=True)
class Allowed:
    files: dict[str, bytes | None]  # path under _static/ -> the theme's bytes (None: rendered from a template)
    named: frozenset[str]  # script files that a template names: searchindex.js
    written: tuple[re.Pattern[str], ...]  # the scripts templates write in pages
    handlers: frozenset[str]


@functools.lru_cache(maxsize=4)
def allowed(talk_templates: tuple[Path, ...], html_theme: str = "furo") -> Allowed:
    """The rules of a talk whose own templates are in *talk_templates* and whose handbook has *html_theme*."""
    from talkbook.access import SCRIPTS

    files: dict[str, bytes | None] = {}
    named, written, handlers = set(), [], set()
    written += [re.compile(re.escape("".join(script.split()))) for script in SCRIPTS]
    env = jinja2.Environment(extensions=["jinja2.ext.i18n"])
    for folder in _theme_folders(html_theme):
        for static in (p for p in folder.rglob("*") if p.is_dir() and p.name in ("static", "_static")):
            for path in static.rglob("*"):
                rel = path.relative_to(static).as_posix()
                if rel.endswith(".js"):
                    files[rel] = path.read_bytes()
                elif rel.endswith((".js.jinja", ".js_t")):
                    files[rel.rsplit(".js", 1)[0] + ".js"] = None
    own = sorted(p for folder in talk_templates if folder.is_dir() for p in folder.rglob("*.html"))
    for template in [p for f in _theme_folders(html_theme) for p in f.rglob("*.html")] + own:
        source = template.read_text(encoding="utf-8")
        for attrs, body in re.findall(r"<script\b([^>]*)>(.*?)</script>", source, re.S):
            named.update(re.findall(r"""pathto\(\s*['"]([^'"]+\.js)['"]""", attrs))
            if body.strip():
                written.append(re.compile(_regex(env.parse(body).body), re.S))
        handlers.update(re.findall(r"\s(on[a-z]+)\s*=", source))
    return Allowed(files, frozenset(named), tuple(written), frozenset(handlers))


def foreign(live: dict, site: Path, base_path: str, rules: Allowed) -> list[str]:
    """What the page runs that the theme did not put there."""
    found = []
    for script in live["scripts"]:
        if "src" in script:
            path = script["src"][len(base_path):] if script["src"].startswith(base_path) else script["src"]
            rel = path.rsplit("_static/", 1)[1] if "_static/" in path else None
            if rel in rules.files:
                theirs = rules.files[rel]
                if theirs is None or (site / path).read_bytes() == theirs:
                    continue
                found.append(f"<script src={path}>: not the theme's file of that name")
            elif "_static/" in path or Path(path).name not in rules.named:
                found.append(f"<script src={path}>: no file of the theme")
        else:
            text = "".join(script["text"].split())
            if not any(p.fullmatch(text) for p in rules.written):
                found.append(f"<script>{script['text'].strip()[:120]}</script>: not a script of the theme")
    found += [h for h in live["handlers"] if re.search(r"\s(on[a-z]+)=", h).group(1) not in rules.handlers]
    found += live["urls"]
    return found




def written(page: BeautifulSoup, where: str) -> dict:
    """What the page *where* (its path in the site) holds that can run, in the form
    :func:`foreign` reads (as the browser test's ``LIVE`` gives it)."""
    def plain(value: str) -> str:
        return re.sub(r"[\x00-\x20]", "", value).lower()

    def path(src: str) -> str:
        return "/" + posixpath.normpath(posixpath.join(posixpath.dirname(where), src.split("?")[0])).lstrip("/")

    scripts = [{"src": path(s["src"])} if s.get("src") else {"text": s.get_text()} for s in page.find_all("script")]
    attrs = [(tag.name, name, " ".join(v) if isinstance(v, list) else str(v))
             for tag in page.find_all(True) for name, v in tag.attrs.items()]
    return {
        "scripts": scripts,
        "handlers": [f'<{t} {n}="{v}">' for t, n, v in attrs if n.lower().startswith("on")],
        "urls": [f'<{t} {n}="{v}">' for t, n, v in attrs if re.match(r"(javascript|vbscript):", plain(v))],
    }
