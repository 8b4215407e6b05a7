"""Inline SVG diagrams that read the same on a slide and in the handbook.

```{diagram} review-workflow.svg
:alt: What the diagram says, in one or two sentences.
```

The path is relative to the file that holds the directive, so a shared
fragment names its diagram once and both projects find it. The SVG is written
into the page (not linked as an image), so its words are real text: they scale
with the slide, print as text in the PDF and are found by the handbook's search.
The file is checked: it must be well-formed SVG with no script, no event
handler attribute and no link to another host; the ``alt`` text becomes the
diagram's accessible name.
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

if TYPE_CHECKING:
    from sphinx.application import Sphinx

logger = logging.getLogger(__name__)

SVG_NS = "http://www.w3.org/2000/svg"
XLINK_NS = "http://www.w3.org/1999/xlink"
ET.register_namespace("", SVG_NS)
ET.register_namespace("xlink", XLINK_NS)

_FORBIDDEN_TAGS = {"script", "foreignObject", "iframe", "object", "embed"}
_EXTERNAL = re.compile(r"^\s*(?:[a-z][a-z0-9+.-]*:|//)", re.I)


class DiagramError(ValueError):
    pass


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def load_svg(path: Path, alt: str) -> str:
    """Return the SVG markup of *path*, checked, with *alt* as its name."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DiagramError(f"diagram file {path} does not exist") from None
    except UnicodeDecodeError as err:
        raise DiagramError(f"diagram file {path} is not UTF-8 ({err.reason})") from None
    try:
        root = ET.fromstring(text)
    except ET.ParseError as err:
        raise DiagramError(f"diagram file {path} is not well-formed XML: {err}") from None
    if root.tag != f"{{{SVG_NS}}}svg":
        raise DiagramError(f"diagram file {path} is not an SVG document (root <{_local(root.tag)}>)")
    for element in root.iter():
        name = _local(element.tag)
        if name in _FORBIDDEN_TAGS:
            raise DiagramError(f"diagram file {path} contains <{name}>, which may run code")
        for attr, value in element.attrib.items():
            attr_name = _local(attr)
            if attr_name.lower().startswith("on"):
                raise DiagramError(f"diagram file {path}: <{name}> has event handler {attr_name}=")
            if attr_name == "href" and _EXTERNAL.match(value):
                raise DiagramError(f"diagram file {path}: <{name}> links outside the diagram ({value})")
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
