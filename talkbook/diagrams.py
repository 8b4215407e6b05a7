"""Inline SVG diagrams that read the same on a slide and in the handbook.

```{diagram} review-workflow.svg
:alt: What the diagram says, in one or two sentences.
```

The path is relative to the file that holds the directive, so a shared
fragment names its diagram once and both projects find it. The SVG is written
into the page (not linked as an image), so its words are real text: they scale
with the slide, print as text in the PDF and are found by the handbook's search.
The file is checked against an allow-list (:func:`load_svg`): SVG's shapes,
text, paint servers and structure, with their geometry and presentation
attributes, names compared without regard to case, as a browser reads SVG
inside HTML. Nothing that runs script, loads a document, links, or animates
(``<set attributeName="href">``) passes; no attribute holds a ``javascript:``
or ``data:`` address, and a reference is to an element of the diagram itself
(``#id``, ``url(#id)``). The diagram is written back from the checked tree,
so comments and processing instructions are left out; the ``alt`` text
becomes the diagram's accessible name.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import TYPE_CHECKING

from docutils import nodes
from docutils.parsers.rst import directives
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from talkbook.boundary import outside_talk

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

#: The elements a diagram may hold, in lowercase: none runs script, loads a file or animates.
ELEMENTS = frozenset({
    "svg", "g", "defs", "title", "desc", "symbol", "use", "style", "path", "rect", "circle", "ellipse",
    "line", "polyline", "polygon", "text", "tspan", "textpath", "marker", "lineargradient",
    "radialgradient", "stop", "pattern", "clippath", "mask",
})
#: The attributes they may have, in lowercase (aria-* too).
ATTRIBUTES = frozenset("""
    id class style lang role focusable tabindex version xmlns
    x y x1 y1 x2 y2 cx cy r rx ry fx fy fr width height d points viewbox preserveaspectratio transform
    dx dy rotate textlength lengthadjust pathlength offset gradientunits gradienttransform spreadmethod
    patternunits patterncontentunits patterntransform clippathunits maskunits maskcontentunits
    markerwidth markerheight markerunits refx refy orient startoffset method spacing side
    fill fill-opacity fill-rule stroke stroke-width stroke-opacity stroke-linecap stroke-linejoin
    stroke-dasharray stroke-dashoffset stroke-miterlimit opacity color display visibility
    font font-family font-size font-weight font-style font-variant font-stretch text-anchor
    dominant-baseline alignment-baseline baseline-shift letter-spacing word-spacing text-decoration
    writing-mode direction unicode-bidi clip-path clip-rule mask marker-start marker-mid marker-end
    stop-color stop-opacity vector-effect paint-order shape-rendering text-rendering overflow white-space
""".split())
#: Elements whose href may point at another element of the diagram (``#id``).
_HREF_ELEMENTS = {"use", "textpath", "lineargradient", "radialgradient", "pattern"}
_XML_NS = "http://www.w3.org/XML/1998/namespace"
#: In a value, once spaces and control characters are removed and letters lowercased.
_CODE_IN_VALUE = re.compile(r"javascript:|vbscript:|data:|expression\(|@import|behavior:|-moz-binding|\\")
_URL_REF = re.compile(r"url\(([^)]*)\)")
_IGNORED = re.compile(r"[\x00-\x20\x7f]")


class DiagramError(ValueError):
    pass


def _split(name: str) -> tuple[str, str]:
    """(namespace, local name) of an ElementTree name."""
    if name.startswith("{"):
        namespace, local = name[1:].split("}", 1)
        return namespace, local
    return "", name


def _value_problem(value: str) -> str | None:
    """What makes an attribute's value (or a stylesheet) unsafe, or None."""
    plain = _IGNORED.sub("", value).lower()
    found = _CODE_IN_VALUE.search(plain)
    if found:
        return f"it holds {found.group(0)!r}"
    for ref in _URL_REF.findall(plain):
        if not ref.strip("'\"").startswith("#"):
            return f"it refers to url({ref}), not to an element of the diagram (url(#id))"
    return None


def check_svg(root: ET.Element, path: Path) -> None:
    """Raise DiagramError unless every element and attribute of *root* is on the allow-list."""
    for element in root.iter():
        namespace, name = _split(element.tag) if isinstance(element.tag, str) else ("", "")
        if namespace != SVG_NS or name.lower() not in ELEMENTS:
            raise DiagramError(f"diagram file {path} contains <{name or element.tag}>, which a diagram may not "
                               "hold (it may run script, load a file, link or animate)")
        for attr, value in element.attrib.items():
            attr_ns, attr_name = _split(attr)
            low = attr_name.lower()
            if low in ("href",) and attr_ns in ("", XLINK_NS):
                if name.lower() not in _HREF_ELEMENTS or not value.strip().startswith("#"):
                    raise DiagramError(f"diagram file {path}: <{name}> links to {value!r}: only <use> and paint "
                                       "servers may point, and at an element of the diagram (#id)")
            elif not ((attr_ns == "" and (low in ATTRIBUTES or low.startswith("aria-")))
                      or (attr_ns == _XML_NS and low in ("space", "lang"))):
                raise DiagramError(f"diagram file {path}: <{name}> has the attribute {attr_name}=, which a "
                                   "diagram may not have (an event handler, an animation or an editor's own)")
            problem = _value_problem(value)
            if problem:
                raise DiagramError(f"diagram file {path}: <{name} {attr_name}=...>: {problem}")
        if name.lower() == "style":
            problem = _value_problem(element.text or "")
            if problem:
                raise DiagramError(f"diagram file {path}: its <style>: {problem}")


def load_svg(path: Path, alt: str) -> str:
    """Return the SVG markup of *path*, checked, with *alt* as its name."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise DiagramError(f"diagram file {path} does not exist") from None
    except UnicodeDecodeError as err:
        raise DiagramError(f"diagram file {path} is not UTF-8 ({err.reason})") from None
    except OSError as err:
        raise DiagramError(f"diagram file {path} cannot be read ({err.strerror})") from None
    if re.search(r"<!(DOCTYPE|ENTITY)", text, re.I):
        raise DiagramError(f"diagram file {path} has a <!DOCTYPE> or <!ENTITY>: remove it (an SVG needs neither)")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise DiagramError(f"diagram file {path} is not well-formed XML: {err}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise DiagramError(f"diagram file {path} is not an SVG document (root <{_split(root.tag)[1]}>)")
    check_svg(root, path)
    root.set("role", "img")
    root.set("aria-label", alt)
    root.set("focusable", "false")
    classes = root.get("class", "")
    root.set("class", (classes + " talkbook-diagram").strip())
    return ET.tostring(root, encoding="unicode")


class Diagram(SphinxDirective):
    required_arguments = 1
    has_content = False
    option_spec = {"alt": directives.unchanged_required, "class": directives.class_option}

    def run(self) -> list[nodes.Node]:
        source, _line = self.get_source_info()
        path = (Path(source).parent / self.arguments[0]).resolve()
        alt = " ".join(self.options.get("alt", "").split())
        if not alt:
            logger.warning(
                "diagram %s has no :alt: text: add one that says what it shows.",
                self.arguments[0], location=self.get_location(),
            )
            return []
        outside = outside_talk(path, self.config)
        if outside:
            logger.warning("{diagram} %s: %s", self.arguments[0], outside, location=self.get_location(),
                           type="talkbook", subtype="boundary")
            return []
        # Recorded as the include directive records its file: Sphinx, and talkbook.incremental
        # (which compares contents), see it.
        self.state.document.settings.record_dependencies.add(str(path))
        try:
            svg = load_svg(path, alt)
        except DiagramError as err:
            logger.warning("%s. Fix the file or the path in the directive.", err,
                           location=self.get_location())
            return []
        raw = nodes.raw("", svg, format="html", **{"talkbook-generated": True})
        figure = nodes.container("", raw, classes=["talkbook-figure", *self.options.get("class", [])])
        self.set_source_info(figure)
        return [figure]


def setup_diagrams(app: Sphinx) -> None:
    app.add_directive("diagram", Diagram)
