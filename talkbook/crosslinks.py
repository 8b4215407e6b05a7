"""Links between a slide and its handbook section, in both directions.

The deck (``slides/``) and the handbook (``source/``) are two Sphinx projects
that share one ``conf.py``. A topic has the same label on both sides: the slide
is ``(why-python)=`` above its heading in the deck and the section is
``(why-python)=`` above its heading in the handbook. In a shared fragment::

    ```{crosslink} why-python
    ```

renders, on the slide, "Read more in the handbook" pointing at the section and,
in the handbook, "See this slide in the talk" pointing at the slide: the two are
counterparts (classes ``read-more`` and ``on-slide``). Inline,
``{slide}`text <label>``` and ``{handbook}`text <label>``` are plain links to the
other output (classes ``to-slide`` and ``to-handbook``).

Each build reads the labels of the *other* project straight from its Markdown
(cheap: no second Sphinx run), so a link is checked when it is written: a label
that does not exist on the other side is a warning with the file and line.

A label is the address of its section (``page.html#label``) and of its slide
(``index.html#/label``), so it must be the id docutils makes of it: a label
with other characters (``where_to_get_help``, ``café``) would be written as
another id (``where-to-get-help``, ``cafe``) and every link to it would break.
The build refuses such a label and names the one to write.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective, SphinxRole
from sphinx.util.matching import Matcher
from sphinx.util.osutil import relative_uri

from talkbook.checks import block_parser
from talkbook.config import is_deck

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.environment import BuildEnvironment

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Target:
    label: str
    docname: str


class crosslink(nodes.General, nodes.Inline, nodes.Element):
    """Placeholder for a link to the other output; resolved when written."""


def scan_labels(
    app: Sphinx, folder: Path, exclude: list[str], single_page: str | None = None
) -> dict[str, Target]:
    """Return every ``(label)=`` target of the Markdown pages under *folder*.

    With *single_page* (the deck), every file counts, included parts too, and
    each label belongs to that one page. Otherwise files that match *exclude*
    (the shared fragments) are left out: a label belongs to a page.
    """
    parser = block_parser(app)
    excluded = Matcher(exclude)
    targets: dict[str, Target] = {}
    for path in sorted(folder.rglob("*.md")):
        rel = path.relative_to(folder).as_posix()
        if single_page is None and excluded(rel):
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue  # the build of that project reports it with its own message
        docname = single_page or rel[: -len(".md")]
        for token in parser.parse(text):
            if token.type == "myst_target":
                label = token.content.strip().lower()
                targets.setdefault(label, Target(label, docname))
    return targets


def _other_side(app: Sphinx) -> tuple[Path, str]:
    confdir = Path(app.confdir)
    if is_deck(app.config):
        return confdir / app.config.talkbook_handbook_srcdir, "handbook"
    return confdir / app.config.talkbook_deck_srcdir, "deck"


def other_labels(app: Sphinx, env: BuildEnvironment) -> dict[str, Target]:
    """The other project's labels, read once per build (at env-get-outdated)."""
    labels = getattr(env, "talkbook_other_labels", None)
    if labels is None:
        folder, side = _other_side(app)
        single = app.config.talkbook_deck_docname if side == "deck" else None
        labels = scan_labels(app, folder, list(app.config.exclude_patterns), single)
        env.talkbook_other_labels = labels  # type: ignore[attr-defined]
    return labels


def _fingerprint(labels: dict[str, Target]) -> str:
    data = sorted((t.label, t.docname) for t in labels.values())
    return hashlib.sha256(json.dumps(data).encode()).hexdigest()


class CrosslinkDirective(SphinxDirective):
    """A block link from a slide to its handbook section, or back."""

    required_arguments = 1
    optional_arguments = 0
    has_content = False
    option_spec = {"text": directives.unchanged}

    def run(self) -> list[nodes.Node]:
        label = self.arguments[0].strip().lower()
        node = crosslink(label=label, text=self.options.get("text", ""), block=True)
        self.set_source_info(node)
        self.env.talkbook_crosslink_docs.add(self.env.docname)  # type: ignore[attr-defined]
        para = nodes.paragraph("", "", node, classes=["talkbook-crosslink"])
        self.set_source_info(para)
        return [para]


class _CrosslinkRole(SphinxRole):
    direction = ""

    def run(self) -> tuple[list[nodes.Node], list[nodes.system_message]]:
        text, label = self.text, self.text
        if text.endswith(">") and "<" in text:
            text, _, label = text[:-1].rpartition("<")
            text = text.strip()
        label = label.strip().lower()
        node = crosslink(label=label, text=text if text != label else "", block=False,
                         direction=self.direction)
        self.set_source_info(node)
        self.env.talkbook_crosslink_docs.add(self.env.docname)  # type: ignore[attr-defined]
        return [node], []


class SlideRole(_CrosslinkRole):
    direction = "deck"


class HandbookRole(_CrosslinkRole):
    direction = "handbook"


def _deck_page(app: Sphinx) -> str:
    return f"{app.config.talkbook_deck_path.strip('/')}/{app.config.talkbook_deck_docname}.html"


def _resolve(app: Sphinx, doctree: nodes.document, docname: str) -> None:
    builder = app.builder
    in_deck = is_deck(app.config)
    labels = other_labels(app, app.env)
    folder, side = _other_side(app)
    for node in list(doctree.findall(crosslink)):
        label = node["label"]
        direction = node.get("direction") or side
        wanted = "deck" if not in_deck else "handbook"
        if direction != wanted:
            here = "deck" if in_deck else "handbook"
            logger.warning(
                "{%s} points at the %s, but this page is in the %s itself: "
                "use {ref} for a link inside one output.",
                "slide" if direction == "deck" else "handbook", direction, here,
                location=node, type="talkbook", subtype="crosslink",
            )
            node.replace_self(nodes.inline("", node.get("text") or label))
            continue
        target = labels.get(label)
        if target is None:
            logger.warning(
                "crosslink to %r: the %s has no label (%s)= in %s. Add the label above "
                "the matching heading there, or fix the name here.",
                label, side, label, folder.name + "/",
                location=node, type="talkbook", subtype="crosslink",
            )
            node.replace_self(nodes.inline("", node.get("text") or label))
            continue
        if in_deck:
            # The deck is published at <deck_path>/index.html, the handbook at the root.
            suffix = app.config.html_file_suffix or ".html"
            uri = relative_uri(_deck_page(app), target.docname + suffix) + "#" + label
            default = "Read more in the handbook"
            classes = ["read-more"] if node.get("block") else ["to-handbook"]
        else:
            here = builder.get_target_uri(docname)
            uri = relative_uri(here, _deck_page(app)) + "#/" + label
            default = "See this slide in the talk"
            classes = ["on-slide"] if node.get("block") else ["to-slide"]
        text = node.get("text") or default
        ref = nodes.reference("", text, refuri=uri, internal=False,
                              classes=["talkbook-crosslink", *classes])
        ref["talkbook-label"] = label
        node.replace_self(ref)


def _labels(doctree: nodes.document) -> list[tuple[str, nodes.target]]:
    """Each label of the page, and its target (docutils has moved most onto the next element)."""
    by_id: dict[str, list[str]] = {}
    for name, node_id in doctree.nameids.items():
        if doctree.nametypes.get(name) and node_id:
            by_id.setdefault(node_id, []).append(name)
    found = []
    for target in doctree.findall(nodes.target):
        if target.get("refuri"):
            continue  # a link's address, not a place in the page
        names = target["names"] or by_id.get(target.get("refid", ""), [])
        found += [(name, target) for name in names]
    return found


def _check_labels(app: Sphinx, doctree: nodes.document) -> None:
    for name, target in _labels(doctree):
        wanted = nodes.make_id(name)
        if wanted != name:
            better = f"({wanted})=" if wanted else "a label of ASCII letters"
            logger.warning(
                "the label (%s)= would be written as the id %r, so links to it from the other output "
                "would break: a label is lowercase letters a-z, digits and '-', starting with a letter. "
                "Write %s instead (and change the links to it).",
                name, wanted or "id1", better, location=target, type="talkbook", subtype="label",
            )


def _init_env(app: Sphinx, env: BuildEnvironment, docnames: list[str]) -> None:
    if not hasattr(env, "talkbook_crosslink_docs"):
        env.talkbook_crosslink_docs = set()  # type: ignore[attr-defined]


def _purge(app: Sphinx, env: BuildEnvironment, docname: str) -> None:
    if hasattr(env, "talkbook_crosslink_docs"):
        env.talkbook_crosslink_docs.discard(docname)  # type: ignore[attr-defined]


def _merge(app: Sphinx, env: BuildEnvironment, docnames, other: BuildEnvironment) -> None:
    _init_env(app, env, [])
    env.talkbook_crosslink_docs |= getattr(other, "talkbook_crosslink_docs", set())  # type: ignore[attr-defined]


def _outdated(app: Sphinx, env: BuildEnvironment, added, changed, removed) -> list[str]:
    """Rewrite pages with crosslinks when the other side's labels moved."""
    _init_env(app, env, [])
    env.talkbook_other_labels = None  # type: ignore[attr-defined]  # read afresh in each build
    fingerprint = _fingerprint(other_labels(app, env))
    if getattr(env, "talkbook_other_fingerprint", None) == fingerprint:
        return []
    env.talkbook_other_fingerprint = fingerprint  # type: ignore[attr-defined]
    return sorted(env.talkbook_crosslink_docs - set(removed))  # type: ignore[attr-defined]


def _as_text(translator, node: crosslink) -> None:
    # A crosslink is replaced by its link when its page is written. One in a title
    # is copied, unresolved, into the navigation and the page's title: its text.
    translator.body.append(translator.encode(node.get("text") or node["label"]))
    raise nodes.SkipNode


def _as_plain_text(translator, node: crosslink) -> None:
    translator.add_text(node.get("text") or node["label"])
    raise nodes.SkipNode


def setup_crosslinks(app: Sphinx) -> None:
    app.add_node(crosslink, html=(_as_text, None), revealjs=(_as_text, None), dirrevealjs=(_as_text, None),
                 singlehtml=(_as_text, None), text=(_as_plain_text, None))
    app.add_directive("crosslink", CrosslinkDirective)
    app.add_role("slide", SlideRole())
    app.add_role("handbook", HandbookRole())
    app.connect("env-before-read-docs", _init_env)
    app.connect("env-purge-doc", _purge)
    app.connect("env-merge-info", _merge)
    app.connect("env-get-outdated", _outdated)
    app.connect("doctree-read", _check_labels)
    app.connect("doctree-resolved", _resolve)
