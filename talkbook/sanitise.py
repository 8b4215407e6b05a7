"""No script but the theme's: what a page writes as HTML is shown as text.

Raw HTML written in Markdown, a block or a tag inside a line (a heading, a
table cell, a caption, a glossary term, a slide's notes...), is shown as its
characters, never as markup, in the deck and in the handbook alike; an HTML
comment shows nothing, as a browser would. As Hugo does by default, but
shown rather than omitted, so that the writer sees it.

This is done on the parsed page, before Sphinx collects its title and its
table of contents (``doctree-read`` at priority 100: Sphinx's collectors
listen at 500), so that every other place that shows a part of the page (the
navigation on every page, the page's title, the search index, link previews)
gets it safe.

- ``talkbook_raw_html_tags`` allows a short list of harmless tags
  (:data:`HARMLESS_TAGS`: ``kbd``, ``br``, ``abbr``...). Raw HTML made of those
  tags alone is kept, cleaned by nh3 (the sanitiser ammonia) of every
  attribute but ``title`` and ``lang``.
- A link, a table of contents entry or an image whose address has a scheme
  that can run code or read the reader's files (anything but http, https,
  mailto and tel; ``data:`` also for images) is shown as its text, or left out.
- ``<meta http-equiv>`` (``{meta}``, ``html_meta``) is left out: a refresh
  sends the reader elsewhere.
- On slides, sphinx-revealjs writes a section's ``data-`` attributes as they
  are and a ``{revealjs-slide}``'s settings into a script: an attribute must
  be named ``data-...`` with a value that cannot end it (and a background that
  is an address of the kinds above), and the settings must be a JSON object,
  written back as data that cannot end the script.
"""

from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

from docutils import nodes
from sphinx import addnodes
from sphinx.errors import ConfigError
from sphinx.util import logging

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)

#: The tags ``talkbook_raw_html_tags`` may allow: text-level markup that runs nothing and loads nothing.
HARMLESS_TAGS = frozenset({
    "abbr", "b", "bdi", "bdo", "br", "cite", "code", "del", "dfn", "em", "i", "ins", "kbd", "mark", "q",
    "s", "samp", "small", "span", "strong", "sub", "sup", "u", "var", "wbr",
})
#: The attributes an allowed tag keeps.
ATTRIBUTES = frozenset({"title", "lang"})
_VOID = {"br", "wbr"}
#: Schemes a link may have: they open a page, a mail or a call, and run nothing.
LINK_SCHEMES = frozenset({"http", "https", "mailto", "tel"})
_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")
#: What a browser removes from an address before it reads its scheme.
_IGNORED_IN_URL = re.compile(r"[\x00-\x20\x7f]")
_SLIDE_ATTRIBUTE = re.compile(r"^data-[a-z0-9-]+$")
_SLIDE_URL_ATTRIBUTES = ("data-background-image", "data-background-video", "data-background-iframe")
#: Settings of reveal.js that load scripts: never from a page.
_SCRIPT_SETTINGS = {"dependencies", "plugins"}


def scheme(url: str) -> str:
    """The scheme of *url* as a browser reads it ("" for a relative address), lowercase."""
    match = _SCHEME.match(_IGNORED_IN_URL.sub("", url))
    return match.group(1).lower() if match else ""


def safe_url(url: str, image: bool = False) -> bool:
    """Whether a link (or an image, with *image*) to *url* runs nothing."""
    found = scheme(url)
    return not found or found in LINK_SCHEMES or (image and found == "data")


class _Tags(HTMLParser):
    """The tags of a piece of HTML, and whether it holds anything but tags and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, str]] = []  # ("start" | "end" | "void", name)
        self.other = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(("void" if tag in _VOID else "start", tag))

    def handle_startendtag(self, tag, attrs):
        self.tags.append(("void", tag))

    def handle_endtag(self, tag):
        self.tags.append(("end", tag))

    def handle_comment(self, data):
        self.other = True

    handle_decl = handle_pi = unknown_decl = handle_comment


def _tags(html: str) -> _Tags | None:
    """The tags of *html*, or None when it holds more than tags and text."""
    parser = _Tags()
    parser.feed(html)
    parser.close()
    return None if parser.other else parser


def _clean(html: str, allowed: frozenset[str]) -> str:
    import nh3

    return nh3.clean(html, tags=set(allowed), attributes={"*": set(ATTRIBUTES)}, strip_comments=True)


def _as_text(raw: nodes.raw) -> None:
    text = raw.astext()
    inline = isinstance(raw.parent, nodes.TextElement)
    replacement = nodes.literal(text, text) if inline else nodes.literal_block(text, text)
    replacement["classes"].append("talkbook-escaped-html")
    replacement["language"] = "text"
    raw.replace_self(replacement)


def _inline_tag(text: str, allowed: frozenset[str]) -> tuple[str, str, str] | None:
    """(kind, name, cleaned HTML) of an inline raw HTML piece that is one allowed tag."""
    found = _tags(text)
    if found is None or len(found.tags) != 1 or found.tags[0][1] not in allowed:
        return None
    kind, name = found.tags[0]
    if kind == "end":
        return kind, name, f"</{name}>"
    cleaned = _clean(text, allowed)
    return kind, name, cleaned.removesuffix(f"</{name}>")


def _paired(tags: list[tuple[str, str, str] | None]) -> list[bool]:
    """Which of a paragraph's tags to keep: void tags, and start and end tags that pair up."""
    keep = [tag is not None and tag[0] == "void" for tag in tags]
    opened: list[int] = []
    for index, tag in enumerate(tags):
        if tag is None or tag[0] == "void":
            continue
        if tag[0] == "start":
            opened.append(index)
        elif opened and tags[opened[-1]][1] == tag[1]:  # type: ignore[index]
            keep[opened.pop()] = keep[index] = True
    return keep


def _raw_html(doctree: nodes.document, allowed: frozenset[str]) -> None:
    inline: dict[int, list[tuple[nodes.raw, tuple[str, str, str] | None]]] = {}
    for raw in list(doctree.findall(nodes.raw)):
        if raw.get("talkbook-generated") or "html" not in raw.get("format", "").split():
            continue  # our diagrams (checked and built by us), or not HTML
        text = raw.astext()
        if text.strip().startswith("<!--") and text.strip().endswith("-->") and "-->" not in text.strip()[4:-3]:
            raw.parent.remove(raw)  # an HTML comment: show nothing, as a browser would
            continue
        if isinstance(raw.parent, nodes.TextElement):
            inline.setdefault(id(raw.parent), []).append((raw, _inline_tag(text, allowed) if allowed else None))
            continue
        found = _tags(text) if allowed else None
        if found is not None and all(name in allowed for _kind, name in found.tags):
            raw.replace_self(nodes.raw("", _clean(text, allowed), format="html"))
        else:
            _as_text(raw)
    for pieces in inline.values():
        for (raw, tag), keep in zip(pieces, _paired([tag for _raw, tag in pieces])):
            if keep and tag:
                raw.replace_self(nodes.raw("", tag[2], format="html"))
            else:
                _as_text(raw)


def _links(doctree: nodes.document) -> None:
    for ref in list(doctree.findall(nodes.reference)):
        if not safe_url(ref.get("refuri", "")):
            ref.replace_self(nodes.inline(ref.astext(), ref.astext(), classes=["talkbook-unsafe-link"]))
    for xref in list(doctree.findall(addnodes.pending_xref)):
        if not safe_url(str(xref.get("reftarget", ""))):
            xref.replace_self(nodes.inline(xref.astext(), xref.astext(), classes=["talkbook-unsafe-link"]))
    for image in list(doctree.findall(nodes.image)):
        if not safe_url(image.get("uri", ""), image=True):
            image.replace_self(nodes.inline("", image.get("alt", ""), classes=["talkbook-unsafe-link"]))
    for toctree in doctree.findall(addnodes.toctree):
        for title, ref in list(toctree["entries"]):
            if ref and not safe_url(ref):
                logger.warning("toctree entry %r is neither a page nor an http(s) address: it is left out.",
                               ref, location=toctree, type="talkbook", subtype="unsafe")
                toctree["entries"].remove((title, ref))
    for meta in list(doctree.findall(nodes.meta)):
        if meta.get("http-equiv"):
            logger.warning("<meta http-equiv=%r> is left out: a page's metadata may not reload or send the "
                           "reader elsewhere.", meta["http-equiv"], location=meta, type="talkbook", subtype="unsafe")
            meta.parent.remove(meta)


def _slides(doctree: nodes.document) -> None:
    """sphinx-revealjs's section attributes and slide settings, made safe to write as they are."""
    from sphinx_revealjs.nodes import SectionTagRenderer, revealjs_slide

    for node in list(doctree.findall(SectionTagRenderer)):
        for key, value in list(node.attributes.items()):
            if not key.startswith("data-"):
                continue  # not written (sphinx-revealjs writes data- attributes only)
            text = value if isinstance(value, str) else ""
            bad = not _SLIDE_ATTRIBUTE.match(key) or any(c in text for c in "\"<>&'`") or (
                key in _SLIDE_URL_ATTRIBUTES and not safe_url(text, image=key != "data-background-iframe"))
            if bad:
                logger.warning("slide attribute %s=%r is left out: a name of letters, digits and '-', and a value "
                               "without quotes or angle brackets (an address: http, https or a file of the talk).",
                               key, text, location=node, type="talkbook", subtype="unsafe")
                del node.attributes[key]
    for slide in doctree.findall(revealjs_slide):
        settings = [("conf", slide.attributes.get("conf") or ""), ("content", getattr(slide, "content", "") or "")]
        for where, text in settings:
            if not text.strip():
                continue
            try:
                value = json.loads(text)
            except ValueError:
                value = None
            if not isinstance(value, dict) or _SCRIPT_SETTINGS & set(value):
                logger.warning("{revealjs-slide} settings must be a JSON object of reveal.js settings, without "
                               "%s: they are left out.", " or ".join(sorted(_SCRIPT_SETTINGS)),
                               location=slide, type="talkbook", subtype="unsafe")
                value = {}
            # As data that no "</script>" in it can end.
            safe = json.dumps(value).replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            if where == "conf":
                slide.attributes["conf"] = safe
            else:
                slide.content = safe


def make_safe(app: Sphinx, doctree: nodes.document) -> None:
    _raw_html(doctree, frozenset(app.config.talkbook_raw_html_tags))
    _links(doctree)
    if "sphinx_revealjs" in app.extensions:
        _slides(doctree)


def _check_tags(app: Sphinx, config: Config) -> None:
    for tag in config.talkbook_raw_html_tags:
        if tag not in HARMLESS_TAGS:
            raise ConfigError(f"conf.py: talkbook_raw_html_tags names {tag!r}, which cannot be allowed: pick "
                              f"from {', '.join(sorted(HARMLESS_TAGS))} (written in lowercase).")


def setup_sanitise(app: Sphinx) -> None:
    app.connect("config-inited", _check_tags)
    # Before Sphinx's collectors (priority 500) copy titles and tables of contents.
    app.connect("doctree-read", make_safe, priority=100)
