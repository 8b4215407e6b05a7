"""Render data into pages: a Jinja2 template writes MyST, parsed in place.

```{render} projects/directory.md
```

renders ``projects/directory.md`` from ``templates_path`` with the project data
(:mod:`talkbook.projects`: ``projects``, ``patterns``, ``today``, ``as_of``)
and the facts (:mod:`talkbook.facts`: ``facts``), then parses the result as
Markdown where the directive stands, in the deck and in the handbook alike.
What it writes is ordinary content: links are reference nodes that Sphinx's
link check, search and cross-references see; headings and ``(label)=``
targets work as in any page.

Data stays data. Every ``{{ value }}`` is escaped as MyST text, so
``**stars**``, ``<script>`` or a role show as those characters. Two filters
write markup on purpose, from checked values only:

- ``url`` writes an http(s) address as a link destination:
  ``[{{ project.name }}]({{ project.today.code|url }})``;
- ``verbatim`` writes a value unescaped inside a code block, and refuses one
  that could end the block (a line break, a backtick, a tilde).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import TYPE_CHECKING

import jinja2
from sphinx.errors import ConfigError
from sphinx.util import logging
from sphinx.util.docutils import SphinxDirective

from talkbook.data import DataError, load_once, md_text, md_url
from talkbook.facts import Facts, load_facts
from talkbook.projects import ProjectData, load_projects

from docutils import nodes

if TYPE_CHECKING:
    from sphinx.application import Sphinx
    from sphinx.config import Config

logger = logging.getLogger(__name__)


class Markdown(str):
    """Text that is MyST already: written as it is."""


def _finalize(value: object) -> str:
    return value if isinstance(value, Markdown) else md_text(value)


def _url(value: object) -> Markdown:
    return Markdown(md_url(value))


def _verbatim(value: object) -> Markdown:
    value = str(value)
    if any(c in value for c in "\n\r`~"):
        raise ValueError(f"{value!r} cannot go into a code block as it is (a line break, ` or ~)")
    return Markdown(value)


def _percent_s(pattern: object) -> str:
    return str(pattern).replace("{slug}", "%s")


@functools.lru_cache(maxsize=8)
def environment(folders: tuple[str, ...]) -> jinja2.Environment:
    """A Jinja2 environment for the templates of *folders* (it compiles each template
    once, and again when the template's file changes)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=False,  # Markdown, not HTML: _finalize escapes every value
        finalize=_finalize,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(url=_url, verbatim=_verbatim, percent_s=_percent_s)
    return env


def _data_path(config: Config, name: str) -> Path | None:
    value = config[name]
    return Path(config.talkbook_confdir, value) if value else None


def template_context(config: Config) -> dict:
    """What templates see: the project data and the facts, checked already."""
    context: dict = {}
    projects_path = _data_path(config, "talkbook_projects_file")
    if projects_path:
        data: ProjectData = load_once(load_projects, projects_path)
        context.update(data=data, projects=data.projects, patterns=data.patterns,
                       today=data.today_patterns, as_of=data.as_of)
    facts_path = _data_path(config, "talkbook_facts_file")
    if facts_path:
        facts: Facts = load_once(load_facts, facts_path)
        context["facts"] = facts
    return context


class Render(SphinxDirective):
    required_arguments = 1
    has_content = False

    def run(self) -> list[nodes.Node]:
        name = self.arguments[0]
        folders = tuple(str(Path(self.config.talkbook_confdir, p)) for p in self.config.templates_path)
        record = self.state.document.settings.record_dependencies
        for key in ("talkbook_projects_file", "talkbook_facts_file"):
            path = _data_path(self.config, key)
            if path:
                record.add(str(path))
        try:
            template = environment(folders).get_template(name)
            if template.filename:
                record.add(template.filename)
            text = template.render(template_context(self.config))
        except jinja2.TemplateNotFound:
            logger.warning("template %r not found in %s: check its name.", name,
                           ", ".join(self.config.templates_path), location=self.get_location())
            return []
        except jinja2.TemplateSyntaxError as err:
            logger.warning("template syntax error: %s. Fix the template.", err.message,
                           location=f"{err.filename}:{err.lineno}")
            return []
        except (jinja2.TemplateError, ValueError) as err:
            logger.warning("template %s failed: %s. Fix the template or the data.", name, err,
                           location=self.get_location())
            return []
        document = self.state.document
        before = {id(node) for node in document.findall(nodes.Element)}
        found = self.parse_text_to_nodes(text, offset=0, allow_section_headings=True)
        # What a template writes has no line of its own in the page (MyST would count the
        # rendered text's lines from the directive's): all of it stands where the directive
        # does, so a warning or a link check row names that line. Its headings' sections
        # go straight into the document, not into what the parse returns.
        for node in [*found, *(n for n in document.findall(nodes.Element) if id(n) not in before)]:
            for element in node.findall(nodes.Element):
                element.line = self.lineno
        return found


def _load_early(app: Sphinx, config: Config) -> None:
    """A bad data file stops the build before any page is read, with one message."""
    try:
        template_context(config)
    except DataError as err:
        raise ConfigError(f"{err.where}: {err.what}. {err.fix}") from None


def setup_templates(app: Sphinx) -> None:
    app.add_directive("render", Render)
    app.connect("config-inited", _load_early, priority=800)
