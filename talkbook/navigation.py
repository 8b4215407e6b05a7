"""The handbook's sidebar: furo's navigation tree, computed once per folder.

furo puts the whole table of contents in the sidebar of every page. To do so it
asks Sphinx for the global toctree of each page (a deep copy of the whole tree,
rendered to HTML) and reworks that HTML with BeautifulSoup: work in proportion
to the number of pages, for each page, so a handbook twice as large took four
times as long to write (200 pages: 14 of the build's 18 seconds).

The tree differs from page to page in two ways only: links are relative to the
page's folder, and the branch that leads to the page is marked (``current``
classes, the open checkboxes, ``current-page``, and ``href="#"`` on the page's
own entry). So furo's tree is computed once, for a page at the root that no
toctree lists (which marks nothing); each folder gets a copy with its links made
relative to it, and each page a copy of its folder's with its branch marked: the same bytes furo writes, at the cost of a few string
edits. When a page's branch cannot be found for certain (a page listed twice,
an entry with an unexpected shape), furo computes that page's tree itself.

``talkbook_fast_navigation = False`` in conf.py turns this off.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import unescape
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sphinx.application import Sphinx

#: The arguments with which furo asks for its tree (furo/__init__.py).
FURO_TOCTREE_ARGS = {"collapse": False, "titles_only": True, "maxdepth": -1, "includehidden": True}
#: A document name that no toctree lists, in the folder of a page.
UNLISTED = "__talkbook_navigation__"

_TAG = re.compile(r"<(/?)(ul|li|a|input)\b([^>]*)>")
_HREF = re.compile(r'href="([^"]*)"')
_ANCHOR = re.compile(r'^ class="reference internal" href="([^"]*)"$')
_LI_CLASS = re.compile(r'^ class="(toctree-l\d+)( has-children)?"$')
_CHECKBOX = ' class="toctree-checkbox"'


class _Unsure(Exception):
    """The folder's tree does not have the shape this module knows: let furo do it."""


@dataclass
class _Element:
    kind: str  # "ul" or "li"
    start: int  # where its start tag begins
    end: int  # where its start tag ends
    attrs: str
    checkbox: tuple[int, int, str] | None = None  # an li's <input>: start, end, attrs


@dataclass
class _FolderTree:
    html: str
    #: href -> the branches (open ul/li elements, outermost first) of its entries,
    #: with where the entry's start tag is.
    entries: dict[str, list[tuple[tuple[_Element, ...], int, int]]] = field(default_factory=dict)


def _scan(html: str) -> _FolderTree:
    tree = _FolderTree(html)
    stack: list[_Element] = []
    for match in _TAG.finditer(html):
        closing, name, attrs = match.group(1), match.group(2), match.group(3)
        if name in ("ul", "li"):
            if closing:
                if not stack or stack[-1].kind != name:
                    raise _Unsure(f"unbalanced </{name}>")
                stack.pop()
            else:
                stack.append(_Element(name, match.start(), match.end(), attrs))
        elif name == "input" and not closing:
            if stack and stack[-1].kind == "li" and stack[-1].checkbox is None:
                stack[-1].checkbox = (match.start(), match.end(), attrs)
        elif name == "a" and not closing:
            anchor = _ANCHOR.match(attrs)
            if anchor:
                tree.entries.setdefault(anchor.group(1), []).append((tuple(stack), match.start(), match.end()))
    if stack:
        raise _Unsure("unclosed elements")
    return tree


def _escape(uri: str) -> str:
    # As BeautifulSoup writes attribute values (its "minimal" formatter).
    return uri.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mark_branch(tree: _FolderTree, href: str) -> str:
    """The folder's tree with the branch of the entry *href* marked, as Sphinx and furo mark it."""
    found = tree.entries.get(href, [])
    if len(found) != 1:
        raise _Unsure(f"{len(found)} entries for {href!r}")
    branch, a_start, a_end = found[0]
    if not branch or branch[-1].kind != "li":
        raise _Unsure("an entry outside a list item")
    edits: list[tuple[int, int, str]] = [(a_start, a_end, '<a class="current reference internal" href="#">')]
    for element in branch:
        if element.kind == "ul":
            if element.attrs:
                raise _Unsure(f"<ul{element.attrs}>")
            edits.append((element.start, element.end, '<ul class="current">'))
            continue
        classes = _LI_CLASS.match(element.attrs)
        if not classes:
            raise _Unsure(f"<li{element.attrs}>")
        level, children = classes.group(1), classes.group(2) or ""
        last = " current-page" if element is branch[-1] else ""
        edits.append((element.start, element.end, f'<li class="{level} current{children}{last}">'))
        if children:
            if element.checkbox is None:
                raise _Unsure("a list item with children but no checkbox")
            start, end, attrs = element.checkbox
            if attrs.count(_CHECKBOX) != 1 or " checked" in attrs:
                raise _Unsure(f"<input{attrs}>")
            edits.append((start, end, "<input" + attrs.replace(_CHECKBOX, ' checked=""' + _CHECKBOX) + ">"))
    edits.sort()
    html, out, position = tree.html, [], 0
    for start, end, text in edits:
        out += [html[position:start], text]
        position = end
    out.append(html[position:])
    return "".join(out)


def _listed_docs(env) -> set[str]:
    """The documents that some toctree lists (a superset of the entries of the tree)."""
    listed: set[str] = set()
    for children in env.toctree_includes.values():
        listed.update(children)
    return listed


def rebase(html: str, base_uri: str) -> str:
    """*html*'s links, relative to the site's root, made relative to *base_uri*.

    As Sphinx makes a toctree's links relative: a URL with a scheme and a
    fragment are left alone.
    """
    from sphinx.util import url_re
    from sphinx.util.osutil import relative_uri

    def relative(match: re.Match[str]) -> str:
        uri = unescape(match.group(1))
        if uri.startswith("#") or url_re.match(uri):
            return match.group(0)
        path, hash_, fragment = uri.partition("#")
        return f'href="{_escape(relative_uri(base_uri, path) + hash_ + fragment)}"'

    rebased, count = _HREF.subn(relative, html)
    if count != html.count("href="):
        raise _Unsure("a link written otherwise than href=\"...\"")
    return rebased


def _folder_tree(builder, folder: str) -> _FolderTree | None:
    """furo's tree for an unlisted page of *folder*: computed for the root, rebased for the others."""
    from furo.navigation import get_navigation_tree

    cache = builder.__dict__.setdefault("_talkbook_navigation", {})
    if folder not in cache:
        try:
            if not folder:
                html = get_navigation_tree(builder._get_local_toctree(UNLISTED, **FURO_TOCTREE_ARGS))
            else:
                root = _folder_tree(builder, "")
                if root is None:
                    raise _Unsure("the root's tree")
                html = rebase(root.html, builder.get_target_uri(f"{folder}/{UNLISTED}"))
            cache[folder] = _scan(html)
        except _Unsure:
            cache[folder] = None
    return cache[folder]


def navigation_tree(builder, pagename: str) -> str:
    """furo's navigation tree for *pagename*; raises _Unsure when unsure."""
    listed = builder.__dict__.get("_talkbook_listed")
    if listed is None:
        listed = builder._talkbook_listed = _listed_docs(builder.env)
    folder = pagename.rpartition("/")[0]
    unlisted = f"{folder}/{UNLISTED}" if folder else UNLISTED
    tree = _folder_tree(builder, folder)
    if tree is None:
        raise _Unsure(f"the tree of folder {folder!r}")
    if pagename not in listed:
        return tree.html  # no entry to mark: the page's tree is its folder's
    return mark_branch(tree, _escape(builder.get_relative_uri(unlisted, pagename)))


def _uses_furo(app: Sphinx) -> bool:
    builder = app.builder
    theme = getattr(builder, "theme", None)
    return (app.config.talkbook_fast_navigation and builder.name == "html"
            and getattr(theme, "name", None) == "furo")


def _before_furo(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    toctree = context.get("toctree")
    if toctree is None or not _uses_furo(app):
        return
    try:
        nav = navigation_tree(app.builder, pagename)
    except _Unsure:
        return  # furo computes this page's tree itself

    def quiet_toctree(**kwargs: Any) -> str:
        if kwargs == FURO_TOCTREE_ARGS:
            return ""  # furo's own computation: done above, once per folder
        return toctree(**kwargs)

    context["toctree"] = quiet_toctree
    context["_talkbook_navigation"] = (nav, toctree)


def _after_furo(app: Sphinx, pagename: str, templatename: str, context: dict[str, Any], doctree) -> None:
    done = context.pop("_talkbook_navigation", None)
    if done is not None:
        context["furo_navigation_tree"], context["toctree"] = done


def setup_navigation(app: Sphinx) -> None:
    app.add_config_value("talkbook_fast_navigation", True, "html", types=(bool,))
    # furo's handler has the default priority (500): one runs before it, one after.
    app.connect("html-page-context", _before_furo, priority=400)
    app.connect("html-page-context", _after_furo, priority=600)
